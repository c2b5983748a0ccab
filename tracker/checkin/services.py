"""Checking people in: one scan in, one answer out, and every scan logged.

The path a scan takes is kept short because a door with two gates at 08:55 is the busiest
moment the application has: one query for the participant and their check-in (by the ticket
code's unique index), one insert for the check-in, one for the scan log.

Correctness rests on the database, not on a read-then-write in Python:

- ``checkins.participant_id`` is unique. Two gates that scan one ticket at the same moment both
  try to insert (``ON CONFLICT DO NOTHING``); the loser's insert writes nothing, and its scan
  becomes "already checked in" and is still logged.
- ``scans (event_id, nonce)`` is unique. A device retrying a scan (the answer was lost when the
  Wi-Fi dropped) gets the first answer back; two retries racing each other end the same way.
- "The earliest scan wins" is a conditional UPDATE (``WHERE checked_in_at > :t``), so two late
  syncs cannot overwrite an earlier time with a later one; the audit log keeps the check-in's
  time, gate and device before and after the move (``checkin.moved``).
- Time cannot be rewritten: a scan's ``scanned_at`` before the check-in window opens, or a scan
  that arrives after the window closed plus ``ScanInput.sync_grace``, is refused as not_open.
  Only an organiser's late manual check-in (``ScanKind.LATE``, with a reason, audited as
  ``checkin.late``) is recorded outside the window.

A scan is decided before anything is written, by ``decide``: a pure function of the event's
door, the scan and what the read found (tests/checkin/test_services.py tests its rules without
a database). The door-open rule itself is tracker.checkin.door_rule. A new kind of scan is a
new ``ScanKind``: decided in ``decide`` and written beside ``_admit``, on this one path, never
a second one.

Days, exits and sessions (issue 14). ``checkins`` keeps one row per participant: their first
arrival at the event, which every event-wide figure counts. ``checkin_days`` has one row per
participant and event day (tracker.events.days.day_of: the day whose door holds the scan's
time), with the day's first entry and last exit; the same unique-key race and earliest-wins
rules hold for it. A participant's first scan of the event writes both rows; a later scan
reads the day's row with one more indexed SELECT (a first scan needs none: no check-in, no
day). An exit (``ScanKind.EXIT``) moves the day's last exit later ("latest wins") and is
refused as not_checked_in without an entry that day. An entry of someone scanned out that
day and not let in since is a re-entry ("masuk kembali", checked_in with ``reentry``): a
conditional UPDATE of the day's ``last_in_at`` judges two gates racing, and it is the one
extra statement, paid only by an entry of someone with an exit that day (the rules and the
time inside they give: tracker.checkin.presence). A scan with a ``session_id`` (the scanner
set to a session at a room's door) is an entry for its day and a row of
``session_attendances``; its answer is about the session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, false, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from tracker import audit
from tracker.auth.models import Principal
from tracker.checkin.door_rule import ARCHIVED, DRAFT, closed_by_record, is_open
from tracker.checkin.models import (
    CheckIn,
    CheckInDay,
    Method,
    Scan,
    ScanResult,
    SessionAttendance,
)
from tracker.db import begin_write
from tracker.errors import NotFound, ValidationFailed
from tracker.events.days import day_of
from tracker.events.models import AgendaSession, DoorWindow, Event, Participant
from tracker.extensions import db
from tracker.i18n import day_label

#: Two scans this close together happened at the same moment (two gates, one ticket): the one
#: the database took first stays, and the other is "already checked in". Only a scan clearly
#: earlier (an offline device syncing later) takes the check-in over; otherwise both gates
#: could show green for one ticket, each with a clock a few milliseconds apart.
SAME_MOMENT = timedelta(seconds=2)
#: A device time this long before the door opens is a broken clock (a phone reset to 1970):
#: refused like any time before the window, and logged as this long before it opened (a
#: year-1 time would not even fit the column).
BROKEN_CLOCK = timedelta(days=1)
#: How long after the check-in window closes a device may still send the scans it made in it
#: (offline): the default of ``CHECKIN_SYNC_GRACE_HOURS``.
SYNC_GRACE = timedelta(hours=24)
#: At most this many characters of a late check-in's reason are kept.
REASON_MAX = 500
#: How many characters of a scanned code the log keeps: enough to trace, too few to use.
CODE_PREFIX_LENGTH = 6
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,43}$")

HTTP_STATUS = {
    ScanResult.CHECKED_IN: 201,
    ScanResult.ALREADY: 200,
    ScanResult.INVALID: 404,
    ScanResult.WRONG_EVENT: 409,
    ScanResult.NOT_OPEN: 409,
    ScanResult.CHECKED_OUT: 200,
    ScanResult.NOT_IN: 409,
}
#: The answers that let nobody in: the scan is only logged.
REFUSALS = frozenset(
    {ScanResult.INVALID, ScanResult.WRONG_EVENT, ScanResult.NOT_OPEN, ScanResult.NOT_IN}
)


class ScanKind(StrEnum):
    """What a scan means. An entry: the first one of a day checks the person in for that day,
    later ones that day are "already checked in" (with that day's time and gate). An exit:
    the day's last exit, which gives the time inside."""

    ENTRY = "entry"
    EXIT = "exit"
    #: An organiser's manual check-in recorded outside the door's window (the person was
    #: there; the record is late), with a reason: an entry the clock does not refuse. The
    #: caller makes sure the actor is an organiser of the event's office.
    LATE = "late"


@dataclass
class ScanInput:
    """One scan as a device or a page sends it. Either ``code`` or ``participant_id``."""

    code: str | None = None
    participant_id: int | None = None
    brought_tumbler: bool | None = None
    gate: str = ""
    device: str = ""
    #: How the person was found: scanner, door page, by name, walk-in.
    method: Method = Method.SCANNER
    kind: ScanKind = ScanKind.ENTRY
    #: The agenda session whose door the scanner is at (an entry only); None: the event's door.
    session_id: int | None = None
    #: The device's idempotency key: a retry with the same nonce gets the same answer.
    nonce: str | None = None
    #: When the device scanned (offline scans sync later); aware, or None for "now".
    scanned_at: datetime | None = None
    #: How long after the window closes a scan made in it may still arrive (the view sets it
    #: from ``CHECKIN_SYNC_GRACE_HOURS``).
    sync_grace: timedelta = SYNC_GRACE
    #: Why a LATE check-in is recorded (required for it, kept in the audit log).
    reason: str = ""


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
    #: For checked_in: this scan's time; for already_checked_in: the day's latest entry's
    #: (the first, or the re-entry after an exit: when they came in this time).
    checked_in_at: datetime | None = None
    gate: str = ""
    #: For wrong_event: the event the ticket belongs to.
    ticket_event_id: int | None = None
    #: True when the answer was rebuilt from an earlier scan with the same nonce.
    replayed: bool = False
    #: The event day the scan counted for (None for a refusal).
    day: date | None = None
    #: For checked_in: an entry after the day's exit ("masuk kembali"), not the day's first.
    reentry: bool = False

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


@dataclass(frozen=True)
class Door(DoorWindow):
    """What a scan needs to know of its event (read with the scan's one query, no ORM object)."""

    id: int
    timezone: str
    status: str
    starts_at: datetime
    ends_at: datetime
    checkin_opens_at: datetime | None
    checkin_closes_at: datetime | None
    archived_at: datetime | None
    day_doors: list[dict[str, str]] | None = None

    @classmethod
    def of(cls, event: Event) -> Door:
        return cls(
            event.id,
            event.timezone,
            event.status,
            event.starts_at,
            event.ends_at,
            event.checkin_opens_at,
            event.checkin_closes_at,
            event.archived_at,
            event.day_doors,
        )


def effective_time(scanned_at: datetime | None, now: datetime, event: Event | Door) -> datetime:
    """The scan's own time, but never later than now (a device clock running fast).

    A time without a zone is read in the event's. A time before the door opened is kept, and
    refused as "not open" (``decide``): a device cannot move a check-in into the window by
    its clock, nor get the server's time by sending a broken one (a phone reset to 1970).
    """
    if scanned_at is None:
        return now
    if scanned_at.tzinfo is None:
        scanned_at = scanned_at.replace(tzinfo=ZoneInfo(event.timezone))
    floor = event.checkin_window()[0] - BROKEN_CLOCK
    return min(max(scanned_at, floor), now)


def in_time(door: Door, scan: ScanInput, at: datetime, now: datetime) -> bool:
    """Whether the clock lets this scan in: the door open at the scan's time, and a scan made
    on a device (``scanned_at``) arriving no later than the window's end plus its sync grace.
    A LATE check-in is judged by the record alone (not archived, not a draft)."""
    if scan.kind == ScanKind.LATE:
        return closed_by_record(door) not in (ARCHIVED, DRAFT)
    if not is_open(door, at):
        return False
    return scan.scanned_at is None or now <= door.checkin_window()[1] + scan.sync_grace


# --- the scan ---------------------------------------------------------------------------------
#
# The busiest path in the application, so it is kept to one read and two writes: one query for
# the event, the participant the ticket names and their check-in; then the scan's log row and
# the check-in. Core statements built once (neither their construction nor their cache key is
# paid per scan), run on the session's connection: no ORM objects and no SAVEPOINTs. A race on
# a unique key is settled by ``INSERT ... ON CONFLICT DO NOTHING RETURNING``: no row back means
# another request got there first.
#
# The read comes before ``begin_write()``: in a request that began writing already that changes
# nothing; in a ``@writes_late`` view on SQLite it means the one write lock every worker queues
# for is held for the two INSERTs and the COMMIT, not the whole request.
#
# The log row is written first, with the answer the read promises: its nonce is how a retry is
# recognised (the same nonce is refused, and the first scan's answer is given back, before the
# retry can change anything). When the check-in then turns out otherwise (another gate got there
# between the read and the write), the log row is corrected.


@dataclass
class Found:
    """What the scan's read found: the participant it names, and their check-in if any; then
    (``_read_day``) their row of the scan's day and, for a session, their attendance of it."""

    person: Person
    event_id: int
    checkin_id: int | None
    checked_in_at: datetime | None
    gate: str
    brought_tumbler: bool | None
    day_id: int | None = None
    day_in_at: datetime | None = None
    day_gate: str = ""
    #: The day's last exit and latest re-entry (``CheckInDay.last_out_at``, ``last_in_at``,
    #: ``last_in_gate``).
    day_out_at: datetime | None = None
    day_back_at: datetime | None = None
    day_back_gate: str = ""
    session_seen_id: int | None = None
    session_at: datetime | None = None
    session_gate: str = ""
    #: The scan's session was read and is this event's, on the scan's day.
    session_ok: bool = False

    def set_day(self, row: Any) -> None:
        """Take the day's row as ``_DAY`` reads it."""
        self.day_id, self.day_in_at, self.day_gate, self.day_out_at = row[:4]
        self.day_back_at, self.day_back_gate = row[4:]

    def latest_entry(self) -> tuple[datetime | None, str]:
        """The day's latest entry and its gate: the re-entry after an exit when there was
        one, else the first entry. What "already inside since ..." says: the time they came
        in this time, not the morning's."""
        if self.day_back_at is not None and (
            self.day_in_at is None or self.day_back_at > self.day_in_at
        ):
            return self.day_back_at, self.day_back_gate
        return self.day_in_at, self.day_gate

    def out_at(self, at: datetime) -> bool:
        """Scanned out that day, and not let in again since, at the time ``at``: an entry
        then is a re-entry (the rules: tracker.checkin.presence)."""
        if self.day_out_at is None or self.day_in_at is None or at < self.day_out_at:
            return False
        return (self.day_back_at or self.day_in_at) < self.day_out_at


_DOOR_COLUMNS = (
    Event.id,
    Event.timezone,
    Event.status,
    Event.starts_at,
    Event.ends_at,
    Event.checkin_opens_at,
    Event.checkin_closes_at,
    Event.archived_at,
    Event.day_doors,
)
_PERSON_COLUMNS = (Participant.id, Participant.name, Participant.agency, Participant.category)
_CHECKIN_COLUMNS = (CheckIn.id, CheckIn.checked_in_at, CheckIn.gate, CheckIn.brought_tumbler)
_FOUND_COLUMNS = (*_PERSON_COLUMNS, Participant.event_id, *_CHECKIN_COLUMNS)


def _door_and(match: Any) -> Any:
    """The event by id and, joined to it whatever event it is from, the participant ``match``
    names with their check-in: one row when the event exists, the participant's columns NULL
    when nobody matches."""
    return (
        select(*_DOOR_COLUMNS, *_FOUND_COLUMNS)
        .select_from(Event)
        .outerjoin(Participant, match)
        .outerjoin(CheckIn, CheckIn.participant_id == Participant.id)
        .where(Event.id == bindparam("event_id"))
    )


_DOOR_BY_CODE = _door_and(Participant.ticket_code == bindparam("code"))
_DOOR_BY_ID = _door_and(Participant.id == bindparam("participant_id"))
_DOOR_ONLY = _door_and(false())
_FIND = select(*_FOUND_COLUMNS).outerjoin(CheckIn, CheckIn.participant_id == Participant.id)
_FIND_BY_CODE = _FIND.where(Participant.ticket_code == bindparam("code"))
_FIND_BY_ID = _FIND.where(Participant.id == bindparam("participant_id"))
_RELOAD = select(*_CHECKIN_COLUMNS).where(CheckIn.participant_id == bindparam("participant_id"))
_DAY = select(
    CheckInDay.id,
    CheckInDay.first_in_at,
    CheckInDay.gate,
    CheckInDay.last_out_at,
    CheckInDay.last_in_at,
    CheckInDay.last_in_gate,
).where(
    CheckInDay.participant_id == bindparam("participant_id"), CheckInDay.day == bindparam("day")
)
_SESSION = (
    select(
        AgendaSession.event_id,
        AgendaSession.day,
        SessionAttendance.id,
        SessionAttendance.attended_at,
        SessionAttendance.gate,
    )
    .outerjoin(
        SessionAttendance,
        (SessionAttendance.session_id == AgendaSession.id)
        & (SessionAttendance.participant_id == bindparam("participant_id")),
    )
    .where(AgendaSession.id == bindparam("session_id"))
)
_REPLAY = (
    select(
        Scan.result,
        Scan.scanned_at,
        Scan.gate,
        Scan.day,
        *_PERSON_COLUMNS,
        Participant.event_id,
        CheckInDay.first_in_at,
        CheckInDay.gate,
        CheckInDay.last_in_at,
        CheckInDay.last_in_gate,
    )
    .outerjoin(Participant, Participant.id == Scan.participant_id)
    .outerjoin(
        CheckInDay,
        (CheckInDay.participant_id == Scan.participant_id) & (CheckInDay.day == Scan.day),
    )
    .where(Scan.event_id == bindparam("event_id"), Scan.nonce == bindparam("nonce"))
)
_TAKE_EARLIER_DAY = (
    update(CheckInDay.__table__)
    .where(CheckInDay.id == bindparam("day_id"), CheckInDay.first_in_at > bindparam("b_at"))
    .values(first_in_at=bindparam("b_at"), gate=bindparam("b_gate"))
)
#: Latest wins: a late sync of an earlier exit does not move the day's last exit back.
_EXIT = (
    update(CheckInDay.__table__)
    .where(
        CheckInDay.id == bindparam("day_id"),
        CheckInDay.first_in_at <= bindparam("b_at"),
        CheckInDay.last_out_at.is_(None) | (CheckInDay.last_out_at < bindparam("b_at")),
    )
    .values(last_out_at=bindparam("b_at"), out_gate=bindparam("b_gate"))
)
#: A re-entry: only while the day's row still says "out" at this time, so of two gates that
#: scan one person coming back at the same moment one is green and the other amber.
_REENTER = (
    update(CheckInDay.__table__)
    .where(
        CheckInDay.id == bindparam("day_id"),
        CheckInDay.last_out_at.is_not(None),
        CheckInDay.last_out_at <= bindparam("b_at"),
        func.coalesce(CheckInDay.last_in_at, CheckInDay.first_in_at) < CheckInDay.last_out_at,
    )
    .values(last_in_at=bindparam("b_at"), last_in_gate=bindparam("b_gate"))
)
#: Exits refused for want of an entry that day (or before them), at or after a time: they
#: count once the entry is heard (``_count_refused_exits``).
_REFUSED_EXITS = (
    select(Scan.id, Scan.scanned_at, Scan.gate)
    .where(
        Scan.participant_id == bindparam("participant_id"),
        Scan.day == bindparam("day"),
        Scan.kind == "exit",
        Scan.result == ScanResult.NOT_IN.value,
        Scan.scanned_at >= bindparam("b_at"),
    )
    .order_by(Scan.scanned_at, Scan.id)
)
#: Recorded anew: the scans that count since a person's check-in are those recorded since
#: (tracker.checkin.presence), and this one counts from now on.
_COUNT_EXITS = (
    update(Scan.__table__)
    .where(Scan.id.in_(bindparam("scan_ids", expanding=True)))
    .values(result=ScanResult.CHECKED_OUT.value, recorded_at=bindparam("now"))
)
#: The day's latest entry that counted, after a time: they came back in after that exit.
_ENTRY_AFTER = (
    select(Scan.scanned_at, Scan.gate)
    .where(
        Scan.participant_id == bindparam("participant_id"),
        Scan.day == bindparam("day"),
        Scan.kind == "entry",
        Scan.result.in_([ScanResult.CHECKED_IN.value, ScanResult.ALREADY.value]),
        Scan.scanned_at > bindparam("b_at"),
    )
    .order_by(Scan.scanned_at.desc(), Scan.id.desc())
    .limit(1)
)
_BACK_IN = (
    update(CheckInDay.__table__)
    .where(
        CheckInDay.id == bindparam("day_id"),
        CheckInDay.last_in_at.is_(None) | (CheckInDay.last_in_at < bindparam("b_at")),
    )
    .values(last_in_at=bindparam("b_at"), last_in_gate=bindparam("b_gate"))
)
_TAKE_EARLIER_SESSION = (
    update(SessionAttendance.__table__)
    .where(
        SessionAttendance.id == bindparam("seen_id"),
        SessionAttendance.attended_at > bindparam("b_at"),
    )
    .values(attended_at=bindparam("b_at"), gate=bindparam("b_gate"))
)
_SET_TUMBLER = (
    update(CheckIn.__table__)
    .where(CheckIn.id == bindparam("checkin_id"), CheckIn.brought_tumbler.is_(None))
    .values(brought_tumbler=bindparam("tumbler"))
)
_SET_RESULT = (
    update(Scan.__table__).where(Scan.id == bindparam("scan_id")).values(result=bindparam("result"))
)
_DIALECT_INSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}
_INSERTS: dict[str, tuple[Any, Any, Any, Any]] = {}


def _inserts(dialect: str) -> tuple[Any, Any, Any, Any]:
    """The check-in, scan-log, day and session-attendance INSERTs for a database, each
    ON CONFLICT DO NOTHING."""
    if dialect not in _INSERTS:
        make = _DIALECT_INSERTS[dialect]
        _INSERTS[dialect] = (
            make(CheckIn.__table__)
            .on_conflict_do_nothing(index_elements=["participant_id"])
            .returning(CheckIn.id),
            make(Scan.__table__)
            .on_conflict_do_nothing(index_elements=["event_id", "nonce"])
            .returning(Scan.id),
            make(CheckInDay.__table__)
            .on_conflict_do_nothing(index_elements=["participant_id", "day"])
            .returning(CheckInDay.id),
            make(SessionAttendance.__table__)
            .on_conflict_do_nothing(index_elements=["session_id", "participant_id"])
            .returning(SessionAttendance.id),
        )
    return _INSERTS[dialect]


@dataclass
class _Scan:
    """What the write phase needs, read before it (ORM objects expire when it begins)."""

    scan: ScanInput
    event_id: int
    actor: Principal | None
    at: datetime
    now: datetime
    #: The event day the scan's time belongs to.
    day: date

    @property
    def staff_id(self) -> int | None:
        return self.actor.id if self.actor is not None else None

    def how(self) -> dict[str, object]:
        """The columns a check-in and its scan's log row share: how, where and by whom."""
        return {
            "method": self.scan.method.value,
            "gate": self.scan.gate,
            "device": self.scan.device,
            "staff_id": self.staff_id,
            "brought_tumbler": self.scan.brought_tumbler,
            "nonce": self.scan.nonce,
        }


def check_in(
    event: Event | Door, scan: ScanInput, actor: Principal | None, now: datetime
) -> ScanOutcome:
    """Check a participant in by ticket code or id; every call but a retry logs one Scan.

    Never raises for a bad ticket: the answer says invalid / wrong_event / not_open, so the
    caller can log it and answer the device. Calls ``begin_write()`` between its read and its
    writes; the caller commits.
    """
    door = event if isinstance(event, Door) else Door.of(event)
    scan = _cleaned(scan)
    query = _find_query(scan, None)
    row = None if query is None else db.session.connection().execute(*query).first()
    return _scan(door, scan, _found(row, 0), actor, now)


def check_in_by_event_id(
    event_id: int, scan: ScanInput, actor: Principal | None, now: datetime
) -> tuple[Door, ScanOutcome]:
    """``check_in`` for a request that names the event by id: the event, the participant and
    their check-in in one query. Raises NotFound for an unknown event."""
    scan = _cleaned(scan)
    query = _find_query(scan, event_id)
    assert query is not None  # with an event id there is always the event to read
    row = db.session.connection().execute(*query).first()
    if row is None:
        raise NotFound(_("No event with id %(id)s.", id=event_id))
    door = Door(*row[: len(_DOOR_COLUMNS)])
    found = _found(row, len(_DOOR_COLUMNS))
    return door, _scan(door, scan, found, actor, now)


def _find_query(scan: ScanInput, event_id: int | None) -> tuple[Any, dict[str, Any]] | None:
    """The statement that finds the participant the scan names (with the event, given its id);
    None when there is nothing to read (no event id, and what was scanned cannot be a code)."""
    if scan.participant_id is not None:
        key, value = "participant_id", scan.participant_id
    else:
        key, value = "code", ticket_code_from(scan.code or "")
    if event_id is None:
        if value is None:
            return None
        return (_FIND_BY_ID if key == "participant_id" else _FIND_BY_CODE), {key: value}
    if value is None:
        return _DOOR_ONLY, {"event_id": event_id}
    query = _DOOR_BY_ID if key == "participant_id" else _DOOR_BY_CODE
    return query, {"event_id": event_id, key: value}


def _found(row: Any, offset: int) -> Found | None:
    if row is None or row[offset] is None:
        return None
    pid, name, agency, category, event_id, checkin_id, at, gate, tumbler = row[offset:]
    return Found(Person(pid, name, agency, category), event_id, checkin_id, at, gate, tumbler)


def _cleaned(scan: ScanInput) -> ScanInput:
    return replace(
        scan,
        gate=plain(scan.gate, 50),
        device=plain(scan.device, 64),
        nonce=plain(scan.nonce, 64) or None,
        method=Method(scan.method),
        kind=ScanKind(scan.kind),
        reason=plain(scan.reason, REASON_MAX),
    )


def _scan(
    door: Door, scan: ScanInput, found: Found | None, actor: Principal | None, now: datetime
) -> ScanOutcome:
    """Decide with what was read, then write: the log row first (a retry stops there), then
    the check-in."""
    at = effective_time(scan.scanned_at, now, door)
    facts = _Scan(scan, door.id, actor, at, now, day_of(door.day_windows(), at, door.timezone))
    if found is not None and found.event_id == door.id:
        _read_day(db.session.connection(), facts, found)
    promised = decide(door, scan, found, facts.at, now)
    begin_write()
    connection = db.session.connection()
    scan_id = _log(connection, facts, promised, found)
    if scan_id is None:  # the same nonce came before: this is a retry
        earlier = _replay(connection, facts.event_id, scan.nonce or "")
        if earlier is None:  # pragma: no cover - the constraint failed for another reason
            raise RuntimeError("scan log insert refused without a scan holding its nonce")
        return earlier
    if promised.result in REFUSALS:
        return promised
    assert found is not None
    outcome = _admit(connection, facts, found)
    if outcome.result != promised.result:
        connection.execute(_SET_RESULT, {"scan_id": scan_id, "result": outcome.result.value})
    if scan.kind == ScanKind.LATE and outcome.result == ScanResult.CHECKED_IN:
        _audit(facts, found, "checkin.late", {"reason": scan.reason, "at": facts.at.isoformat()})
    return outcome


def _audit(facts: _Scan, found: Found, action: str, details: dict[str, Any]) -> None:
    audit.record(
        action,
        now=facts.now,
        actor=facts.actor,
        actor_label="" if facts.actor else facts.scan.device or facts.scan.gate,
        event_id=facts.event_id,
        subject_type="participant",
        subject_id=found.person.id,
        details=details,
    )


def _read_day(connection: Connection, facts: _Scan, found: Found) -> None:
    """Read the participant's row of the scan's day (unless there is no check-in at all, so
    no day either: a first scan costs no read) and, for a session, the session and their
    attendance of it. Raises ValidationFailed for a session of another event or day."""
    if found.checkin_id is not None:
        row = connection.execute(
            _DAY, {"participant_id": found.person.id, "day": facts.day}
        ).first()
        if row is not None:
            found.set_day(row)
    session_id = facts.scan.session_id
    if session_id is None:
        return
    row = connection.execute(
        _SESSION, {"session_id": session_id, "participant_id": found.person.id}
    ).first()
    if row is None or row[0] != facts.event_id:
        raise ValidationFailed(
            _("No session with id %(id)s in this event.", id=session_id),
            {"session_id": _("Unknown session.")},
        )
    if row[1] != facts.day:
        raise ValidationFailed(
            _(
                "This session is on %(day)s, not on the day of the scan (%(scan_day)s).",
                day=day_label(row[1]),
                scan_day=day_label(facts.day),
            ),
            {"session_id": _("The session is on another day.")},
        )
    found.session_seen_id, found.session_at, found.session_gate = row[2:]
    found.session_ok = True


def decide(
    door: Door, scan: ScanInput, found: Found | None, at: datetime, now: datetime | None = None
) -> ScanOutcome:
    """What the read promises, before anything is written. Pure: no database, no clock.

    not_open when the clock does not let the scan in (``in_time``: the door rule at the scan's
    time, and a device's scan arriving within its sync grace, ``now`` defaulting to ``at``);
    invalid when nothing was found (or a participant id of another event: an unknown id
    here); wrong_event for another event's ticket. An exit: not_checked_in without an entry
    that day (or before it), else checked_out. An entry: checked_in when the participant is
    not in yet that day (or that session), or scanned out that day and not in again since
    (a re-entry, ``reentry``), else already_checked_in (whose time and gate the write phase
    reads).
    """
    if not in_time(door, scan, at, now or at):
        return ScanOutcome(ScanResult.NOT_OPEN)
    if found is None:
        return ScanOutcome(ScanResult.INVALID)
    if found.event_id != door.id:
        if scan.participant_id is not None:
            return ScanOutcome(ScanResult.INVALID)
        return ScanOutcome(ScanResult.WRONG_EVENT, found.person, ticket_event_id=found.event_id)
    if scan.kind == ScanKind.EXIT:
        if found.day_in_at is None or at < found.day_in_at:
            return ScanOutcome(ScanResult.NOT_IN, found.person)
        return ScanOutcome(ScanResult.CHECKED_OUT, found.person, at, scan.gate)
    seen = found.session_at if scan.session_id is not None else found.day_in_at
    if seen is None:
        return ScanOutcome(ScanResult.CHECKED_IN, found.person, at, scan.gate)
    if scan.session_id is None and found.out_at(at):
        return ScanOutcome(ScanResult.CHECKED_IN, found.person, at, scan.gate, reentry=True)
    return ScanOutcome(ScanResult.ALREADY)


def _admit(connection: Connection, facts: _Scan, found: Found) -> ScanOutcome:
    """Write what the scan means: an exit on the day's row; an entry on the check-in, then on
    the day's row, then (at a session's door) on the session's attendance. The answer is the
    day's (or the session's)."""
    if facts.scan.kind == ScanKind.EXIT:
        return _exit(connection, facts, found)
    _admit_event(connection, facts, found)
    outcome = _admit_day(connection, facts, found)
    if facts.scan.session_id is not None:
        outcome = _admit_session(connection, facts, found)
    outcome.day = facts.day
    return outcome


def _admit_event(connection: Connection, facts: _Scan, found: Found) -> ScanOutcome:
    """Insert the check-in; a ticket already in (or in since the read) is a second scan."""
    scan = facts.scan
    if found.checkin_id is None:
        inserted = connection.execute(
            _inserts(connection.dialect.name)[0],
            {
                "event_id": facts.event_id,
                "participant_id": found.person.id,
                "checked_in_at": facts.at,
                "recorded_at": facts.now,
                **facts.how(),
            },
        ).first()
        if inserted is not None:
            return ScanOutcome(ScanResult.CHECKED_IN, found.person, facts.at, scan.gate)
        # Another gate won the race; its row is committed (PostgreSQL waited for it).
        if not _reload(connection, found):  # pragma: no cover - undone in the same instant
            return ScanOutcome(ScanResult.INVALID)
    elif not _reload(connection, found):  # undone since the read: check in anew
        found.checkin_id = None
        found.day_id = found.day_in_at = None
        return _admit_event(connection, facts, found)
    return _second_scan(connection, facts, found)


def _admit_day(connection: Connection, facts: _Scan, found: Found) -> ScanOutcome:
    """The day's row: inserted by the day's first entry; an earlier offline scan takes it
    over; an entry of someone scanned out that day (and not let in since) is a re-entry;
    else the day's time and gate for "already checked in"."""
    person, at, gate = found.person, facts.at, facts.scan.gate
    if found.day_id is None:
        inserted = connection.execute(
            _inserts(connection.dialect.name)[2],
            {
                "event_id": facts.event_id,
                "participant_id": person.id,
                "day": facts.day,
                "first_in_at": at,
                "gate": gate,
            },
        ).first()
        if inserted is not None:
            found.day_id, found.day_in_at, found.day_gate = inserted[0], at, gate
            _count_refused_exits(connection, facts, found)
            return ScanOutcome(ScanResult.CHECKED_IN, person, at, gate)
        # Another gate won the day's race; its row is committed (PostgreSQL waited for it).
        row = connection.execute(_DAY, {"participant_id": person.id, "day": facts.day}).first()
        if row is None:  # pragma: no cover - undone in the same instant
            return ScanOutcome(ScanResult.INVALID)
        found.set_day(row)
    assert found.day_in_at is not None
    if at < found.day_in_at - SAME_MOMENT:
        moved = connection.execute(
            _TAKE_EARLIER_DAY, {"day_id": found.day_id, "b_at": at, "b_gate": gate}
        )
        if moved.rowcount:
            found.day_in_at, found.day_gate = at, gate
            _count_refused_exits(connection, facts, found)
            return ScanOutcome(ScanResult.CHECKED_IN, person, at, gate)
        row = connection.execute(_DAY, {"participant_id": person.id, "day": facts.day}).first()
        if row is not None:
            found.set_day(row)
    if found.out_at(at):  # the one extra statement, only for someone scanned out that day
        back = connection.execute(_REENTER, {"day_id": found.day_id, "b_at": at, "b_gate": gate})
        if back.rowcount:
            found.day_back_at, found.day_back_gate = at, gate
            return ScanOutcome(ScanResult.CHECKED_IN, person, at, gate, reentry=True)
    return ScanOutcome(ScanResult.ALREADY, person, *found.latest_entry())


def _count_refused_exits(connection: Connection, facts: _Scan, found: Found) -> None:
    """The day's first entry (or an earlier one) heard late, from a device that was offline:
    an exit heard before it, refused then for want of an entry (``not_checked_in``), counts
    now. Its log row turns ``checked_out``, the day's row takes the latest such exit, and an
    entry heard meanwhile after that exit is the day's re-entry (the order the scans were
    made in, not the order they were heard in: tracker.checkin.presence).

    A scan heard as it was made (within ``SAME_MOMENT``) has no exit heard before it to
    count: only a late one pays the extra read."""
    if facts.scan.scanned_at is None or facts.at >= facts.now - SAME_MOMENT:
        return
    key = {"participant_id": found.person.id, "day": facts.day}
    exits = connection.execute(_REFUSED_EXITS, key | {"b_at": facts.at}).all()
    if not exits:
        return
    connection.execute(_COUNT_EXITS, {"scan_ids": [row[0] for row in exits], "now": facts.now})
    _scan_id, out_at, out_gate = exits[-1]
    connection.execute(_EXIT, {"day_id": found.day_id, "b_at": out_at, "b_gate": out_gate})
    back = connection.execute(_ENTRY_AFTER, key | {"b_at": out_at}).first()
    if back is not None:
        connection.execute(_BACK_IN, {"day_id": found.day_id, "b_at": back[0], "b_gate": back[1]})


def _admit_session(connection: Connection, facts: _Scan, found: Found) -> ScanOutcome:
    """The session's attendance: the first scan at its door, or an earlier one synced late."""
    person, at, gate = found.person, facts.at, facts.scan.gate
    if found.session_seen_id is None:
        inserted = connection.execute(
            _inserts(connection.dialect.name)[3],
            {
                "event_id": facts.event_id,
                "session_id": facts.scan.session_id,
                "participant_id": person.id,
                "attended_at": at,
                "gate": gate,
            },
        ).first()
        if inserted is not None:
            return ScanOutcome(ScanResult.CHECKED_IN, person, at, gate)
        _read_day(connection, facts, found)  # another door won the race: read what it wrote
    assert found.session_at is not None
    if at < found.session_at - SAME_MOMENT:
        moved = connection.execute(
            _TAKE_EARLIER_SESSION, {"seen_id": found.session_seen_id, "b_at": at, "b_gate": gate}
        )
        if moved.rowcount:
            return ScanOutcome(ScanResult.CHECKED_IN, person, at, gate)
    return ScanOutcome(ScanResult.ALREADY, person, found.session_at, found.session_gate)


def _exit(connection: Connection, facts: _Scan, found: Found) -> ScanOutcome:
    """The day's last exit: moved later by a later exit, never back by an earlier one."""
    connection.execute(_EXIT, {"day_id": found.day_id, "b_at": facts.at, "b_gate": facts.scan.gate})
    return ScanOutcome(
        ScanResult.CHECKED_OUT, found.person, facts.at, facts.scan.gate, day=facts.day
    )


def _reload(connection: Connection, found: Found) -> bool:
    """Read the participant's check-in again into ``found``; False if there is none."""
    row = connection.execute(_RELOAD, {"participant_id": found.person.id}).first()
    if row is None:
        return False
    found.checkin_id, found.checked_in_at, found.gate, found.brought_tumbler = row
    return True


def _second_scan(connection: Connection, facts: _Scan, found: Found) -> ScanOutcome:
    """A ticket that is checked in already: an earlier offline scan takes over, else a duplicate."""
    assert found.checked_in_at is not None and found.checkin_id is not None
    scan, at = facts.scan, facts.at
    if at < found.checked_in_at - SAME_MOMENT and _take_earlier(connection, facts, found):
        return ScanOutcome(ScanResult.CHECKED_IN, found.person, at, scan.gate)
    if scan.brought_tumbler is not None and found.brought_tumbler is None:
        connection.execute(
            _SET_TUMBLER, {"checkin_id": found.checkin_id, "tumbler": scan.brought_tumbler}
        )
    return ScanOutcome(ScanResult.ALREADY, found.person, found.checked_in_at, found.gate)


def _take_earlier(connection: Connection, facts: _Scan, found: Found) -> bool:
    """Move the check-in to this earlier scan; False if a still earlier one got there first."""
    scan, at = facts.scan, facts.at
    values: dict[str, object] = {
        "checked_in_at": at,
        "gate": scan.gate,
        "device": scan.device,
        "method": scan.method.value,
        "staff_id": facts.staff_id,
        "nonce": scan.nonce,
    }
    if scan.brought_tumbler is not None:
        values["brought_tumbler"] = scan.brought_tumbler
    result = connection.execute(
        update(CheckIn.__table__)
        .where(CheckIn.id == found.checkin_id, CheckIn.checked_in_at > at)
        .values(**values)
    )
    if result.rowcount:
        before = {"checked_in_at": found.checked_in_at.isoformat(), "gate": found.gate}
        after = {"checked_in_at": at.isoformat(), "gate": scan.gate, "device": scan.device}
        _audit(facts, found, "checkin.moved", {"before": before, "after": after})
        return True
    _reload(connection, found)
    return False


def _log(
    connection: Connection, facts: _Scan, promised: ScanOutcome, found: Found | None
) -> int | None:
    """Log the scan; None when its nonce is taken (a retry), else the log row's id."""
    scan = facts.scan
    return connection.execute(
        _inserts(connection.dialect.name)[1],
        {
            "event_id": facts.event_id,
            "participant_id": found.person.id if found is not None else None,
            "result": promised.result.value,
            "code_prefix": _code_prefix(scan),
            "scanned_at": facts.at,
            "recorded_at": facts.now,
            "kind": scan.kind.value,
            "day": facts.day,
            # Only a session that was checked (a refused scan's may not exist at all).
            "session_id": scan.session_id if found is not None and found.session_ok else None,
            **facts.how(),
        },
    ).scalar()


def _code_prefix(scan: ScanInput) -> str:
    if scan.participant_id is not None or not scan.code:
        return ""
    code = ticket_code_from(scan.code) or plain(scan.code, CODE_PREFIX_LENGTH)
    return code[:CODE_PREFIX_LENGTH]


def _replay(connection: Connection, event_id: int, nonce: str) -> ScanOutcome | None:
    """The answer given to the first scan with this nonce, rebuilt from its log row (one query)."""
    row = connection.execute(_REPLAY, {"event_id": event_id, "nonce": nonce}).first()
    if row is None:
        return None
    result, scanned_at, gate, day, pid, name, agency, category, ticket_event = row[:9]
    now_at, now_gate, back_at, back_gate = row[9:]
    person = Person(pid, name, agency, category) if pid is not None else None
    outcome = ScanOutcome(ScanResult(result), person, replayed=True)
    if outcome.result in (ScanResult.CHECKED_IN, ScanResult.CHECKED_OUT):
        outcome.checked_in_at, outcome.gate, outcome.day = scanned_at, gate, day
        # A check-in later than the day's first entry was a re-entry (an earlier offline
        # first entry synced since can make a first entry look like one: the words differ,
        # not what was recorded).
        outcome.reentry = (
            outcome.result == ScanResult.CHECKED_IN and now_at is not None and scanned_at > now_at
        )
    elif outcome.result == ScanResult.ALREADY:
        outcome.day = day
        # The day's latest entry as it stands now (an earlier offline scan may have replaced
        # the first, a re-entry come since); if it was undone since, what the log knows.
        if now_at is None:
            outcome.checked_in_at, outcome.gate = scanned_at, gate
        elif back_at is not None and back_at > now_at:
            outcome.checked_in_at, outcome.gate = back_at, back_gate
        else:
            outcome.checked_in_at, outcome.gate = now_at, now_gate
    elif outcome.result == ScanResult.WRONG_EVENT:
        outcome.ticket_event_id = ticket_event
    return outcome


# --- undo -------------------------------------------------------------------------------------


def undo_check_in(
    event: Event, participant_id: int, actor: Principal | None, now: datetime
) -> None:
    """Remove a participant's check-in (with their days and sessions: a check-in made by
    mistake), keeping what it was in the audit log.

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
    for model in (CheckInDay, SessionAttendance):
        db.session.execute(delete(model).where(model.participant_id == participant_id))
    db.session.delete(checkin)
    db.session.flush()
