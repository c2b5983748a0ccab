"""The codes behind the door's QR: the printed poster's and the screen's rotating one.

A person scans one with their own phone and lands on the door page. What stops that page from
being used from home:

- the poster's code is signed (itsdangerous, with SECRET_KEY) and names its event; it is
  accepted only while that event's check-in window is open. It cannot rotate: it is on paper.
- the screen's code is signed and carries a 30-second time slot; the current and the previous
  slot are accepted, so a photo of the screen forwarded by chat stops working within a minute.
- opening the door page with either gives a *door pass* (tracker/checkin/door_passes.py): one
  person, a few mistypes, ten minutes, never renewed by an answer. The organiser can switch the
  poster's code off (the event's ``door_poster``), leaving the screen's alone.

Pure functions of (secret, token, now): tests control time by passing ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer

SLOT_SECONDS = 30

POSTER, ROTATING = "p", "r"
_SALT_CODE = "tracker.door.code"


class DoorCodeError(Exception):
    """The code is not ours (forged, damaged) or no longer good (``expired``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "forged" or "expired"


@dataclass(frozen=True)
class DoorCode:
    event_id: int
    kind: str  # POSTER or ROTATING


def slot(now: datetime) -> int:
    return int(now.timestamp()) // SLOT_SECONDS


def seconds_left(now: datetime) -> float:
    """Until the current slot ends (the display refreshes then)."""
    return SLOT_SECONDS - (now.timestamp() % SLOT_SECONDS)


def _serializer(secret: str, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=salt)


def poster_code(secret: str, event_id: int) -> str:
    return _serializer(secret, _SALT_CODE).dumps([POSTER, event_id])


def rotating_code(secret: str, event_id: int, now: datetime) -> str:
    return _serializer(secret, _SALT_CODE).dumps([ROTATING, event_id, slot(now)])


def read_code(secret: str, token: str, now: datetime) -> DoorCode:
    """The event a door code opens. Raises DoorCodeError (forged, or a rotating code that is
    neither the current nor the previous slot's). The poster's window is the caller's check."""
    try:
        payload = _serializer(secret, _SALT_CODE).loads(token)
    except BadSignature:
        raise DoorCodeError("forged") from None
    match payload:
        case [str(kind), int(event_id)] if kind == POSTER:
            return DoorCode(event_id, POSTER)
        case [str(kind), int(event_id), int(code_slot)] if kind == ROTATING:
            if slot(now) - code_slot not in (0, 1):
                raise DoorCodeError("expired")
            return DoorCode(event_id, ROTATING)
    raise DoorCodeError("forged")
