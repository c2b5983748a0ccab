"""Door passes: what stops "titip absen" (checking in absent colleagues) on the door page.

A phone gets a pass only by scanning the door screen's rotating code or, when the organiser
keeps it on, the printed poster's code (tracker/checkin/door_codes.py). The pass

- checks in one person: a second person on the same phone scans again;
- allows PASS_FAILURES look-ups that find nobody (a mistyped number), then the phone scans again;
- ends PASS_MAX_AGE after it was given, whatever the phone does meanwhile: no answer renews it,
  so a photo of the door screen forwarded to a chat group gives at most one pass, within the
  minute the screen's code lives, and that pass checks in at most one person.

It is a row (``door_passes``) whose key's SHA-256 is stored; the key is in the page's form.
Claiming is one conditional UPDATE, so two posts with one pass at the same moment cannot both
check somebody in. Each pass also carries the phone's door cookie (a random id), so the
check-ins list and the board can flag one phone checking in several people.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from tracker.checkin.models import CheckIn, DoorPass, Method
from tracker.extensions import db

#: Long enough to type a number slowly; not renewed by answering.
PASS_MAX_AGE = timedelta(minutes=10)
#: Look-ups that find nobody, per pass.
PASS_FAILURES = 5
#: The prefix of a door check-in's ``device``: the phone's cookie, or the pass without one.
PHONE_PREFIX, PASS_PREFIX = "phone:", "pass:"


class PassRefused(Exception):
    """The pass cannot be used: ``forged`` (not ours), ``used`` (it checked somebody in),
    ``expired`` (too old, or too many failed look-ups)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_phone_id() -> str:
    return secrets.token_urlsafe(12)


def issue_pass(event_id: int, kind: str, phone: str, now: datetime) -> str:
    """A new pass for a phone that just scanned a door code; returns its key. Flushes."""
    key = secrets.token_urlsafe(24)
    db.session.add(
        DoorPass(event_id=event_id, key_hash=_hash(key), kind=kind, phone=phone[:32], issued_at=now)
    )
    db.session.flush()
    return key


def claim_pass(event_id: int, key: str | None, now: datetime) -> DoorPass:
    """Take the pass for one look-up. Raises PassRefused. The caller either keeps it used
    (``spend``) or gives it back (``give_back``) in the same transaction."""
    if not key:
        raise PassRefused("forged")
    claimed = db.session.execute(
        update(DoorPass)
        .where(
            DoorPass.key_hash == _hash(key),
            DoorPass.event_id == event_id,
            DoorPass.used_at.is_(None),
            DoorPass.failures < PASS_FAILURES,
            DoorPass.issued_at >= now - PASS_MAX_AGE,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    found = db.session.scalar(
        select(DoorPass).where(DoorPass.key_hash == _hash(key), DoorPass.event_id == event_id)
    )
    if claimed.rowcount == 1 and found is not None:
        db.session.refresh(found)
        return found
    if found is None:
        raise PassRefused("forged")
    raise PassRefused("used" if found.used_at is not None else "expired")


def spend(door_pass: DoorPass, participant_id: int) -> None:
    """The pass checked this person in (or found them checked in): it is used up."""
    door_pass.participant_id = participant_id
    db.session.flush()


def give_back(door_pass: DoorPass, failed: bool) -> None:
    """The look-up checked nobody in; ``failed``: it found nobody (counts towards the limit)."""
    door_pass.used_at = None
    if failed:
        door_pass.failures += 1
    db.session.flush()


def device_of(door_pass: DoorPass) -> str:
    """What a door check-in records as its device: the phone, else the pass."""
    if door_pass.phone:
        return PHONE_PREFIX + door_pass.phone
    return f"{PASS_PREFIX}{door_pass.id}"


def shared_phones(event_id: int) -> dict[str, int]:
    """The phones that checked in more than one person at this event, with how many."""
    rows = db.session.execute(
        select(CheckIn.device, func.count())
        .where(
            CheckIn.event_id == event_id,
            CheckIn.method.in_([Method.DOOR.value, Method.WALK_IN.value]),
            CheckIn.device.startswith(PHONE_PREFIX),
        )
        .group_by(CheckIn.device)
        .having(func.count() > 1)
    )
    return {device: count for device, count in rows}
