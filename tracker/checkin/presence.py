"""Attendance per person: days present, sessions attended, hours inside, JP earned, and whether
the person met the event's completion rule. The one owner of "who completed" (certificates
ask here, through tracker.certificates.eligibility).

Read with three queries for the whole event (its days' rows, its session attendance, its
agenda), whatever its size; everything else is arithmetic in Python.

The rules:

- A day counts when the person has an entry that day (tracker.checkin.models.CheckInDay).
- Hours inside: per day with both an entry and an exit, the last exit minus the first entry.
  A day without an exit adds nothing (the time is unknown, not zero or a whole day).
- A session counts when the person was scanned at its door. A session at whose door nobody
  was scanned (the event does not scan rooms) counts for everyone present that day who came
  in before it ended and, if they were scanned out, left after it began.
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

from tracker.checkin.models import CheckInDay, SessionAttendance
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


@dataclass
class Presence:
    """One person's attendance of the event."""

    participant_id: int
    days: dict[date, tuple[datetime, datetime | None]] = field(default_factory=dict)
    sessions: set[int] = field(default_factory=set)
    jp: int = 0
    completed: bool = False

    @property
    def days_present(self) -> int:
        return len(self.days)

    @property
    def time_inside(self) -> timedelta:
        return sum(
            (out - first for first, out in self.days.values() if out is not None), timedelta()
        )

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


def presence(event: Event) -> EventPresence:
    """Every person's attendance of the event (three queries)."""
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
    """Present on the session's day, in before it ended and (if scanned out) out after it began."""
    if session.day not in person.days:
        return False
    first, out = person.days[session.day]
    return first < session.ends_at and (out is None or out > session.starts_at)


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
    event: Event, wanted: Filter | None = None, day: date | None = None
) -> tuple[EventPresence, list[PersonRow]]:
    """Everyone registered (by name) with their attendance, optionally only those ``wanted``
    on ``day`` (four queries)."""
    measured = presence(event)
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
