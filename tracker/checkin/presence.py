"""Attendance per person: days present, sessions attended, hours inside, JP earned, and whether
the person met the event's completion rule. The one owner of "who completed" (certificates
ask here, through tracker.certificates.eligibility).

Read with three queries for the whole event (its days' rows, its session attendance, its
agenda), whatever its size, and a fourth (its scan log) when anybody was scanned out;
everything else is arithmetic in Python.

Entry and exit, as pretix's check-in lists do with "allow re-entering after an exit" (their
default): a person is inside from an entry until an exit. The scan path
(tracker.checkin.services) answers at the door:

- the day's first entry: checked in (green);
- an entry while inside (no exit since the last entry): already checked in (amber), with the
  day's first entry's time; recorded in the log, nothing else changes;
- an entry after the day's last exit, with no entry accepted since: a re-entry, checked in
  with ``reentry`` (green, "masuk kembali"), kept as the day's ``last_in_at``; of two gates
  scanning one person coming back at the same moment, one is green, the other amber;
- an exit: recorded when the person has an entry that day before it (else refused,
  not_checked_in); the day's last exit (the daftar hadir's "Jam pulang") is the latest one.

Like pretix, what a person did is the ordered list of their scans (by the scan's own time, so
an offline device's scans synced late fall into place), not the order the server heard them.

The rules:

- A day counts when the person has an entry that day (tracker.checkin.models.CheckInDay).
- Time inside, per day: the sum of the inside intervals, read from the day's scan log in the
  scans' time order: an entry opens an interval (an entry while one is open changes nothing,
  whatever the door answered: a late-synced re-entry answered amber still counts), an exit
  closes it (an exit while outside changes nothing). Only scans that counted are read
  (checked in, already checked in, checked out; never a refusal), and only since the person's
  check-in (a check-in undone and made again starts afresh). A day whose log is gone (kept
  from before the log had exits) is its first entry to its last exit.
- A day's last interval with no exit after it (nobody scanned them out, or the event scans
  no exits) is counted until that day's door closes (``Event.day_windows``, the times the
  organiser set per day), or until ``now`` while that door is still open (the live page does
  not count hours nobody has spent yet), and the day is marked ``no_exit`` ("tanpa scan
  keluar") on the attendance page and in the API. Why not zero, or unknown: an office
  reports hours for every person it paid or credited, and zero says the person was not
  there, which the entry disproves; a door that closes is the end pretix's "exit all at"
  gives too. The mark says the figure is the door's, not the person's, so whoever signs the
  report can check it.
- A session counts when the person was scanned at its door. A session at whose door nobody
  was scanned (the event does not scan rooms) counts for everyone present that day who was
  inside (in one of the day's intervals) at some time while it ran.
- JP earned: the JP of the sessions that count.
- Completion (``Event.completion_rule``): ``every_day``: present on every day of the event;
  ``jp_percent``: at least ``completion_percent`` % of the agenda's JP (an agenda without
  JP falls back to every day).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select

from tracker.checkin.models import CheckIn, CheckInDay, Scan, ScanResult, SessionAttendance
from tracker.events.days import event_dates
from tracker.events.models import AgendaSession, Event, Participant
from tracker.extensions import db


class CompletionRule(StrEnum):
    EVERY_DAY = "every_day"
    JP_PERCENT = "jp_percent"


class Filter(StrEnum):
    """The participants list's attendance filters."""

    PRESENT = "present"  # in on the day looked at (or on any day, for the whole event)
    NOT_ARRIVED = "not_arrived"  # not in yet on the day looked at
    ABSENT = "absent"  # never came, on any day
    INCOMPLETE = "incomplete"  # came, but has not met the completion rule


@dataclass(frozen=True)
class Interval:
    """A stretch of time inside: from an entry to an exit, or (``no_exit``) to the door's
    closing, nobody having scanned the person out."""

    start: datetime
    end: datetime
    no_exit: bool = False

    @property
    def length(self) -> timedelta:
        return max(self.end - self.start, timedelta())


@dataclass
class Presence:
    """One person's attendance of the event."""

    participant_id: int
    #: Per day present: the first entry and the last exit (None: never scanned out).
    days: dict[date, tuple[datetime, datetime | None]] = field(default_factory=dict)
    #: Per day present: the intervals inside, in order.
    inside: dict[date, list[Interval]] = field(default_factory=dict)
    sessions: set[int] = field(default_factory=set)
    jp: int = 0
    completed: bool = False

    @property
    def days_present(self) -> int:
        return len(self.days)

    @property
    def time_inside(self) -> timedelta:
        return sum((i.length for spans in self.inside.values() for i in spans), timedelta())

    @property
    def no_exit_days(self) -> list[date]:
        """The days whose time inside runs to the door's closing ("tanpa scan keluar")."""
        return sorted(day for day, spans in self.inside.items() if spans and spans[-1].no_exit)

    @property
    def hours_inside(self) -> float:
        return round(self.time_inside.total_seconds() / 3600, 2)


@dataclass(frozen=True)
class _Session:
    id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    jp: int


@dataclass
class EventPresence:
    """Everyone's attendance of one event, with what it was measured against."""

    days: list[date]
    total_jp: int
    rule: str
    percent: int
    people: dict[int, Presence]

    def of(self, participant_id: int) -> Presence:
        """A person's attendance (empty for someone who never came)."""
        return self.people.get(participant_id) or Presence(participant_id)

    def needed_jp(self) -> int:
        return -(-self.total_jp * self.percent // 100)  # rounded up: 80 % of 13 JP is 11


def presence(event: Event, now: datetime | None = None) -> EventPresence:
    """Every person's attendance of the event (three queries, four with exits). ``now``: an
    interval with no exit ends there if the door is still open then (None: at its closing)."""
    days = event_dates(event.starts_at, event.ends_at, event.timezone)
    sessions = _sessions(event)
    people: dict[int, Presence] = {}
    rows = db.session.execute(
        select(
            CheckInDay.participant_id,
            CheckInDay.day,
            CheckInDay.first_in_at,
            CheckInDay.last_out_at,
        ).where(CheckInDay.event_id == event.id)
    )
    for pid, day, first, out in rows:
        people.setdefault(pid, Presence(pid)).days[day] = (first, out)
    _measure_inside(event, people, now)
    scanned = db.session.execute(
        select(SessionAttendance.participant_id, SessionAttendance.session_id).where(
            SessionAttendance.event_id == event.id
        )
    ).all()
    for pid, session_id in scanned:
        people.setdefault(pid, Presence(pid)).sessions.add(session_id)
    unscanned = [s for s in sessions.values() if s.id not in {sid for _p, sid in scanned}]
    result = EventPresence(
        days,
        sum(s.jp for s in sessions.values()),
        event.completion_rule,
        event.completion_percent,
        people,
    )
    for person in people.values():
        person.sessions |= {s.id for s in unscanned if _there_during(person, s)}
        person.jp = sum(sessions[sid].jp for sid in person.sessions if sid in sessions)
        person.completed = _completed(result, person)
    return result


def _sessions(event: Event) -> dict[int, _Session]:
    rows = db.session.execute(
        select(
            AgendaSession.id,
            AgendaSession.day,
            AgendaSession.starts_at,
            AgendaSession.ends_at,
            AgendaSession.jp,
        ).where(AgendaSession.event_id == event.id)
    )
    return {row[0]: _Session(*row) for row in rows}


def _there_during(person: Presence, session: _Session) -> bool:
    """Inside on the session's day at some time while it ran."""
    return any(
        span.start < session.ends_at and span.end > session.starts_at
        for span in person.inside.get(session.day, ())
    )


#: The scans that say where a person was: the door let them in (or found them in) or out.
_COUNTED = (ScanResult.CHECKED_IN.value, ScanResult.ALREADY.value, ScanResult.CHECKED_OUT.value)


def _measure_inside(event: Event, people: dict[int, Presence], now: datetime | None) -> None:
    """Fill each person's intervals inside: from the scan log for the days with an exit (the
    fourth query, only when there is one), else from the first entry to the door's closing
    (or ``now``, if earlier)."""
    closes = {
        window.day: min(window.closes_at, now) if now else window.closes_at
        for window in event.day_windows()
    }
    scanned_out = any(out is not None for p in people.values() for _in, out in p.days.values())
    log: dict[tuple[int, date], list[tuple[str, datetime]]] = {}
    if scanned_out:
        for pid, day, kind, at in db.session.execute(_scan_log(event.id)):
            log.setdefault((pid, day), []).append((kind, at))
    for person in people.values():
        for day, (first, out) in person.days.items():
            scans = log.get((person.participant_id, day)) if out is not None else None
            if not scans:
                scans = [("entry", first)] + ([("exit", out)] if out is not None else [])
            person.inside[day] = _intervals(scans, closes.get(day, first))


def _scan_log(event_id: int):  # noqa: ANN202 - a Select
    """The event's scans that counted, since each person's check-in, in the scans' order."""
    return (
        select(Scan.participant_id, Scan.day, Scan.kind, Scan.scanned_at)
        .join(CheckIn, CheckIn.participant_id == Scan.participant_id)
        .where(
            Scan.event_id == event_id,
            Scan.day.is_not(None),
            Scan.result.in_(_COUNTED),
            Scan.recorded_at >= CheckIn.recorded_at,
        )
        .order_by(Scan.scanned_at, Scan.id)
    )


def _intervals(scans: list[tuple[str, datetime]], closes: datetime) -> list[Interval]:
    """Entry/exit pairs in order; an entry while inside and an exit while outside change
    nothing; an entry never closed runs to ``closes``."""
    spans: list[Interval] = []
    opened: datetime | None = None
    for kind, at in scans:
        if kind != "exit" and opened is None:
            opened = at
        elif kind == "exit" and opened is not None:
            spans.append(Interval(opened, at))
            opened = None
    if opened is not None:
        spans.append(Interval(opened, max(closes, opened), no_exit=True))
    return spans


def _completed(event: EventPresence, person: Presence) -> bool:
    if event.rule == CompletionRule.JP_PERCENT and event.total_jp > 0:
        return person.jp >= event.needed_jp()
    return all(day in person.days for day in event.days)


def completed_ids(event: Event) -> set[int]:
    """The ids of the participants who met the event's completion rule (never the anonymised:
    their data is gone)."""
    measured = presence(event)
    done = {pid for pid, person in measured.people.items() if person.completed}
    if not done:
        return done
    anonymised = set(
        db.session.scalars(
            select(Participant.id).where(
                Participant.event_id == event.id, Participant.anonymised_at.is_not(None)
            )
        )
    )
    return done - anonymised


def matches(measured: EventPresence, participant_id: int, wanted: Filter, day: date | None) -> bool:
    """Whether a person is in the list ``wanted`` on ``day`` (None: the whole event)."""
    person = measured.people.get(participant_id)
    came = person is not None and bool(person.days)
    present = came and (day is None or day in person.days)  # type: ignore[union-attr]
    if wanted == Filter.PRESENT:
        return present
    if wanted == Filter.NOT_ARRIVED:
        return not present
    if wanted == Filter.ABSENT:
        return not came
    return came and not person.completed  # type: ignore[union-attr]


@dataclass(frozen=True)
class PersonRow:
    """A line of the attendance list: who, and their attendance."""

    participant_id: int
    name: str
    agency: str
    category: str
    presence: Presence


def attendance_list(
    event: Event,
    wanted: Filter | None = None,
    day: date | None = None,
    now: datetime | None = None,
) -> tuple[EventPresence, list[PersonRow]]:
    """Everyone registered (by name) with their attendance as of ``now``, optionally only
    those ``wanted`` on ``day`` (four queries, five with exits)."""
    measured = presence(event, now)
    rows = db.session.execute(
        select(Participant.id, Participant.name, Participant.agency, Participant.category)
        .where(Participant.event_id == event.id)
        .order_by(Participant.name, Participant.id)
    )
    people = [
        PersonRow(pid, name, agency, category, measured.of(pid))
        for pid, name, agency, category in rows
        if wanted is None or matches(measured, pid, wanted, day)
    ]
    return measured, people
