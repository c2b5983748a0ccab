"""Checking people in: one scan in, one answer out, and every scan logged.

The path a scan takes is kept short because a door with two gates at 08:55 is the busiest
moment the application has: one query for the participant and their check-in (by the ticket
code's unique index), one insert for the check-in, one for the scan log.

Correctness rests on the database, not on a read-then-write in Python:

- ``checkins.participant_id`` is unique. Two gates that scan one ticket at the same moment both
  try to insert; the loser's insert fails inside a SAVEPOINT, is rolled back alone, and becomes
  "already checked in" while its scan is still logged.
- ``scans (event_id, nonce)`` is unique. A device retrying a scan (the answer was lost when the
  Wi-Fi dropped) gets the first answer back; two retries racing each other end the same way.
- "The earliest scan wins" is a conditional UPDATE (``WHERE checked_in_at > :t``), so two late
  syncs cannot overwrite an earlier time with a later one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from tracker import audit
from tracker.checkin.models import CheckIn, Method, Scan, ScanResult
from tracker.errors import NotFound
from tracker.events.models import Event, EventStatus, Participant
from tracker.extensions import db

#: Two scans this close together happened at the same moment (two gates, one ticket): the one
#: the database took first stays, and the other is "already checked in". Only a scan clearly
#: earlier (an offline device syncing later) takes the check-in over; otherwise both gates
#: could show green for one ticket, each with a clock a few milliseconds apart.
SAME_MOMENT = timedelta(seconds=2)
#: A device time this long before the door opens is a wrong clock, not a scan time.
BROKEN_CLOCK = timedelta(days=1)
#: How many characters of a scanned code the log keeps: enough to trace, too few to use.
CODE_PREFIX_LENGTH = 6
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,43}$")

HTTP_STATUS = {
    ScanResult.CHECKED_IN: 201,
    ScanResult.ALREADY: 200,
    ScanResult.INVALID: 404,
    ScanResult.WRONG_EVENT: 409,
    ScanResult.NOT_OPEN: 409,
}


@dataclass
class ScanInput:
    """One scan as a device or a page sends it. Either ``code`` or ``participant_id``."""

    code: str | None = None
    participant_id: int | None = None
    brought_tumbler: bool | None = None
    gate: str = ""
    device: str = ""
    method: str = Method.SCANNER.value
    #: The device's idempotency key: a retry with the same nonce gets the same answer.
    nonce: str | None = None
    #: When the device scanned (offline scans sync later); aware, or None for "now".
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    agency: str
    category: str


@dataclass
class ScanOutcome:
    result: ScanResult
    person: Person | None = None
    #: For checked_in: this scan's time; for already_checked_in: the first check-in's.
    checked_in_at: datetime | None = None
    gate: str = ""
    #: For wrong_event: the event the ticket belongs to.
    ticket_event_id: int | None = None
    #: True when the answer was rebuilt from an earlier scan with the same nonce.
    replayed: bool = False

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.result]


def ticket_code_from(raw: str) -> str | None:
    """The ticket code in what a scanner read: a bare code or a whole ticket URL .../t/<code>.

    None when it cannot be a code (so no query is spent on it).
    """
    text = raw.strip()
    if "/t/" in text:
        text = text.rsplit("/t/", 1)[1]
        text = re.split(r"[/?#]", text, maxsplit=1)[0]
    return text if _CODE_RE.match(text) else None


def plain(text: str | None, limit: int) -> str:
    """Text a database can store: no NUL (PostgreSQL refuses it), no lone surrogates (JSON
    can carry "\\ud800", which no database can encode), at most ``limit`` characters."""
    clean = (text or "").replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return clean.strip()[:limit]


def effective_time(scanned_at: datetime | None, now: datetime, event: Event) -> datetime:
    """The scan's own time, but never later than now (a device clock running fast).

    A time long before the event's door opened is a broken clock (a phone reset to 1970), not
    a scan: the server's time is the best there is then. A scan shortly before the door opens
    keeps its time, and is refused as "not open".
    """
    if scanned_at is None or scanned_at.tzinfo is None:
        return now
    if scanned_at < event.checkin_window()[0] - BROKEN_CLOCK:
        return now
    return min(scanned_at, now)


def is_open(event: Event, at: datetime) -> bool:
    """Whether the door takes check-ins at ``at``: status open, not archived, in the window."""
    if event.status != EventStatus.OPEN or event.is_archived:
        return False
    opens, closes = event.checkin_window()
    return opens <= at <= closes


# --- the scan ---------------------------------------------------------------------------------
#
# Plain column selects and Core INSERT / UPDATE statements: no ORM objects on this path, whose
# unit-of-work bookkeeping would cost more than the SQL itself.


@dataclass
class _Found:
    """The participant a scan names, and their check-in if they have one."""

    person: Person
    event_id: int
    checkin_id: int | None
    checked_in_at: datetime | None
    gate: str
    brought_tumbler: bool | None


_PERSON_COLUMNS = (Participant.id, Participant.name, Participant.agency, Participant.category)
_CHECKIN_COLUMNS = (CheckIn.id, CheckIn.checked_in_at, CheckIn.gate, CheckIn.brought_tumbler)


def check_in(event: Event, scan: ScanInput, actor: object | None, now: datetime) -> ScanOutcome:
    """Check a participant in by ticket code or id; every call but a replay logs one Scan.

    Never raises for a bad ticket: the answer says invalid / wrong_event / not_open, so the
    caller can log it and answer the device. Flushes; the caller commits.
    """
    scan = _cleaned(scan)
    if scan.nonce:
        earlier = _replay(event, scan.nonce)
        if earlier is not None:
            return earlier
    at = effective_time(scan.scanned_at, now, event)
    found = _find(scan)
    outcome = _decide(event, scan, found, actor, at, now)
    logged = _log(event, scan, outcome, found, actor, at, now)
    return outcome if logged is None else logged


def _cleaned(scan: ScanInput) -> ScanInput:
    return replace(
        scan,
        gate=plain(scan.gate, 50),
        device=plain(scan.device, 64),
        nonce=plain(scan.nonce, 64) or None,
    )


def _find(scan: ScanInput) -> _Found | None:
    """The participant the scan names and their check-in, in one query."""
    query = select(*_PERSON_COLUMNS, Participant.event_id, *_CHECKIN_COLUMNS).outerjoin(
        CheckIn, CheckIn.participant_id == Participant.id
    )
    if scan.participant_id is not None:
        query = query.where(Participant.id == scan.participant_id)
    else:
        code = ticket_code_from(scan.code or "")
        if code is None:
            return None
        query = query.where(Participant.ticket_code == code)
    row = db.session.execute(query).first()
    if row is None:
        return None
    pid, name, agency, category, event_id, checkin_id, at, gate, tumbler = row
    return _Found(Person(pid, name, agency, category), event_id, checkin_id, at, gate, tumbler)


def _decide(
    event: Event,
    scan: ScanInput,
    found: _Found | None,
    actor: object | None,
    at: datetime,
    now: datetime,
) -> ScanOutcome:
    if not is_open(event, at):
        return ScanOutcome(ScanResult.NOT_OPEN)
    if found is None:
        return ScanOutcome(ScanResult.INVALID)
    if found.event_id != event.id:
        if scan.participant_id is not None:  # an id from another event is just unknown here
            return ScanOutcome(ScanResult.INVALID)
        return ScanOutcome(ScanResult.WRONG_EVENT, found.person, ticket_event_id=found.event_id)
    if found.checkin_id is None and _insert(event, scan, found, actor, at, now):
        return ScanOutcome(ScanResult.CHECKED_IN, found.person, at, scan.gate)
    return _second_scan(scan, found, actor, at)


def _insert(
    event: Event, scan: ScanInput, found: _Found, actor: object | None, at: datetime, now: datetime
) -> bool:
    """Insert the check-in. False when another request got there first (``found`` then holds
    that check-in): the SAVEPOINT rolls back this insert alone, the rest of the work stays."""
    try:
        with db.session.begin_nested():
            db.session.execute(
                insert(CheckIn).values(
                    event_id=event.id,
                    participant_id=found.person.id,
                    checked_in_at=at,
                    recorded_at=now,
                    method=scan.method,
                    gate=scan.gate,
                    device=scan.device,
                    staff_id=getattr(actor, "id", None),
                    brought_tumbler=scan.brought_tumbler,
                    nonce=scan.nonce,
                )
            )
    except IntegrityError:
        # Another gate won the race; its row is committed (PostgreSQL waited for it).
        if not _reload(found):  # pragma: no cover - the constraint failed for another reason
            raise
        return False
    return True


def _reload(found: _Found) -> bool:
    """Read the participant's check-in again into ``found``; False if there is none."""
    row = db.session.execute(
        select(*_CHECKIN_COLUMNS).where(CheckIn.participant_id == found.person.id)
    ).first()
    if row is None:
        return False
    found.checkin_id, found.checked_in_at, found.gate, found.brought_tumbler = row
    return True


def _second_scan(scan: ScanInput, found: _Found, actor: object | None, at: datetime) -> ScanOutcome:
    """A ticket that is checked in already: an earlier offline scan takes over, else a duplicate."""
    assert found.checked_in_at is not None and found.checkin_id is not None
    if at < found.checked_in_at - SAME_MOMENT and _take_earlier(found, scan, actor, at):
        return ScanOutcome(ScanResult.CHECKED_IN, found.person, at, scan.gate)
    if scan.brought_tumbler is not None and found.brought_tumbler is None:
        db.session.execute(
            update(CheckIn)
            .where(CheckIn.id == found.checkin_id, CheckIn.brought_tumbler.is_(None))
            .values(brought_tumbler=scan.brought_tumbler)
            .execution_options(synchronize_session=False)
        )
    return ScanOutcome(ScanResult.ALREADY, found.person, found.checked_in_at, found.gate)


def _take_earlier(found: _Found, scan: ScanInput, actor: object | None, at: datetime) -> bool:
    """Move the check-in to this earlier scan; False if a still earlier one got there first."""
    values: dict[str, object] = {
        "checked_in_at": at,
        "gate": scan.gate,
        "device": scan.device,
        "method": scan.method,
        "staff_id": getattr(actor, "id", None),
        "nonce": scan.nonce,
    }
    if scan.brought_tumbler is not None:
        values["brought_tumbler"] = scan.brought_tumbler
    result = db.session.execute(
        update(CheckIn)
        .where(CheckIn.id == found.checkin_id, CheckIn.checked_in_at > at)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        return True
    _reload(found)
    return False


def _log(
    event: Event,
    scan: ScanInput,
    outcome: ScanOutcome,
    found: _Found | None,
    actor: object | None,
    at: datetime,
    now: datetime,
) -> ScanOutcome | None:
    """Log the scan; when its nonce turns out to be taken, the first scan's answer instead."""
    statement = insert(Scan).values(
        event_id=event.id,
        participant_id=found.person.id if found is not None else None,
        result=outcome.result.value,
        code_prefix=_code_prefix(scan),
        method=scan.method,
        gate=scan.gate,
        device=scan.device,
        staff_id=getattr(actor, "id", None),
        brought_tumbler=scan.brought_tumbler,
        nonce=scan.nonce or None,
        scanned_at=at,
        recorded_at=now,
    )
    if not scan.nonce:
        db.session.execute(statement)
        return None
    try:
        with db.session.begin_nested():
            db.session.execute(statement)
    except IntegrityError:
        # The same scan, sent twice at once (a retry racing its original): the first one stands.
        earlier = _replay(event, scan.nonce)
        if earlier is None:  # pragma: no cover - the constraint failed for another reason
            raise
        return earlier
    return None


def _code_prefix(scan: ScanInput) -> str:
    if scan.participant_id is not None or not scan.code:
        return ""
    code = ticket_code_from(scan.code) or plain(scan.code, CODE_PREFIX_LENGTH)
    return code[:CODE_PREFIX_LENGTH]


def _replay(event: Event, nonce: str) -> ScanOutcome | None:
    """The answer given to the first scan with this nonce, rebuilt from its log row (one query)."""
    row = db.session.execute(
        select(
            Scan.result,
            Scan.scanned_at,
            Scan.gate,
            *_PERSON_COLUMNS,
            Participant.event_id,
            CheckIn.checked_in_at,
            CheckIn.gate,
        )
        .outerjoin(Participant, Participant.id == Scan.participant_id)
        .outerjoin(CheckIn, CheckIn.participant_id == Scan.participant_id)
        .where(Scan.event_id == event.id, Scan.nonce == nonce)
    ).first()
    if row is None:
        return None
    result, scanned_at, gate, pid, name, agency, category, ticket_event, now_at, now_gate = row
    person = Person(pid, name, agency, category) if pid is not None else None
    outcome = ScanOutcome(ScanResult(result), person, replayed=True)
    if outcome.result == ScanResult.CHECKED_IN:
        outcome.checked_in_at, outcome.gate = scanned_at, gate
    elif outcome.result == ScanResult.ALREADY:
        # The first check-in as it stands now (an earlier offline scan may have replaced it);
        # if it was undone since, what the log knows.
        outcome.checked_in_at, outcome.gate = (
            (now_at, now_gate) if now_at is not None else (scanned_at, gate)
        )
    elif outcome.result == ScanResult.WRONG_EVENT:
        outcome.ticket_event_id = ticket_event
    return outcome


# --- undo -------------------------------------------------------------------------------------


def undo_check_in(event: Event, participant_id: int, actor: object, now: datetime) -> None:
    """Remove a participant's check-in, keeping what it was in the audit log.

    Raises NotFound when the participant is not checked in to this event.
    """
    checkin = db.session.scalar(
        select(CheckIn).where(
            CheckIn.participant_id == participant_id, CheckIn.event_id == event.id
        )
    )
    if checkin is None:
        raise NotFound(_("This participant is not checked in."))
    audit.record(
        "checkin.undo",
        now=now,
        actor=actor,
        event_id=event.id,
        subject_type="participant",
        subject_id=participant_id,
        details={
            "checked_in_at": checkin.checked_in_at.isoformat(),
            "method": checkin.method,
            "gate": checkin.gate,
            "device": checkin.device,
            "staff_id": checkin.staff_id,
            "brought_tumbler": checkin.brought_tumbler,
        },
    )
    db.session.delete(checkin)
    db.session.flush()
