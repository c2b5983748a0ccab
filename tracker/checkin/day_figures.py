"""Attendance per day and per session: who was present each day of a multi-day event (the
daftar hadir's day, the offline list's "in today"), the counts per day and per session (the
board, the summaries, the API) and the tumbler-bringers per day (bottles avoided).

Every count here reads the day index (CheckInDay: one row per person and day) or the session
scans with one GROUP BY or one flat select; the per-person rules on sessions and JP live in
tracker.checkin.presence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from tracker.checkin.models import CheckIn, CheckInDay, SessionAttendance
from tracker.events.models import AgendaSession, Event
from tracker.extensions import db


@dataclass(frozen=True)
class DayFigures:
    """One day of the event: people present (an entry that day) and those scanned out."""

    day: date
    present: int
    checked_out: int


@dataclass(frozen=True)
class SessionFigures:
    """One session of the agenda and how many attended it: scanned at its door, or, for a
    session nobody was scanned at, present that day while it ran (tracker.checkin.presence's
    rule, counted in SQL)."""

    id: int
    title: str
    day: date
    starts_at: datetime
    ends_at: datetime
    room: str
    jp: int
    attended: int
    #: True when the count is of scans at the session's door.
    scanned: bool


def days_figures(event: Event) -> list[DayFigures]:
    """People present and scanned out on each day of the event (one GROUP BY on the day
    index); days nobody came yet show 0."""
    counts = {
        day: (present, out)
        for day, present, out in db.session.execute(
            select(CheckInDay.day, func.count(), func.count(CheckInDay.last_out_at))
            .where(CheckInDay.event_id == event.id)
            .group_by(CheckInDay.day)
        )
    }
    return [DayFigures(w.day, *counts.get(w.day, (0, 0))) for w in event.day_windows()]


def sessions_figures(event: Event) -> list[SessionFigures]:
    """Each session with its attendance: the agenda, then (when it has sessions) two GROUP
    BYs: scans at each session's door, and presence that day while it ran."""
    rows = db.session.execute(
        select(
            AgendaSession.id,
            AgendaSession.title,
            AgendaSession.day,
            AgendaSession.starts_at,
            AgendaSession.ends_at,
            AgendaSession.room,
            AgendaSession.jp,
        )
        .where(AgendaSession.event_id == event.id)
        .order_by(AgendaSession.day, AgendaSession.position, AgendaSession.starts_at)
    ).all()
    if not rows:
        return []
    scanned = dict(
        db.session.execute(
            select(SessionAttendance.session_id, func.count())
            .where(SessionAttendance.event_id == event.id)
            .group_by(SessionAttendance.session_id)
        ).all()
    )
    overlapping = dict(
        db.session.execute(
            select(AgendaSession.id, func.count(CheckInDay.id))
            .join(
                CheckInDay,
                (CheckInDay.event_id == AgendaSession.event_id)
                & (CheckInDay.day == AgendaSession.day)
                & (CheckInDay.first_in_at < AgendaSession.ends_at)
                & (
                    CheckInDay.last_out_at.is_(None)
                    | (CheckInDay.last_out_at > AgendaSession.starts_at)
                ),
            )
            .where(AgendaSession.event_id == event.id)
            .group_by(AgendaSession.id)
        ).all()
    )
    return [
        SessionFigures(
            *row,
            attended=scanned.get(row[0]) or overlapping.get(row[0], 0),
            scanned=row[0] in scanned,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class DayPresence:
    """One person on one day of the event: the day's first entry and last exit (None when
    nobody scanned them out), with the gates."""

    participant_id: int
    first_in_at: datetime
    gate: str
    last_out_at: datetime | None
    out_gate: str


def day_attendance(event: Event, day: date) -> dict[int, DayPresence]:
    """Who was present on ``day`` (an event day: tracker.events.days.event_dates), by
    participant id, with their first entry and last exit: the daftar hadir's Jam datang and
    Jam pulang. One indexed query; a person absent that day is not in it."""
    rows = db.session.execute(
        select(
            CheckInDay.participant_id,
            CheckInDay.first_in_at,
            CheckInDay.gate,
            CheckInDay.last_out_at,
            CheckInDay.out_gate,
        ).where(CheckInDay.event_id == event.id, CheckInDay.day == day)
    )
    return {row[0]: DayPresence(*row) for row in rows}


def entries_by_day(event: Event) -> dict[int, dict[date, datetime]]:
    """Each participant's first entry per day (the offline scanner's ticket list: who is in
    today), in one query."""
    days: dict[int, dict[date, datetime]] = {}
    rows = db.session.execute(
        select(CheckInDay.participant_id, CheckInDay.day, CheckInDay.first_in_at).where(
            CheckInDay.event_id == event.id
        )
    )
    for participant_id, day, at in rows:
        days.setdefault(participant_id, {})[day] = at
    return days


def tumbler_present_per_day(event: Event) -> dict[date, int]:
    """People who said they brought a tumbler, present on each day of the event (the bottles
    avoided are counted per day attended, not per calendar day): one GROUP BY."""
    counts = dict(
        db.session.execute(
            select(CheckInDay.day, func.count())
            .join(CheckIn, CheckIn.participant_id == CheckInDay.participant_id)
            .where(CheckInDay.event_id == event.id, CheckIn.brought_tumbler.is_(True))
            .group_by(CheckInDay.day)
        ).all()
    )
    return {window.day: counts.get(window.day, 0) for window in event.day_windows()}


def present_per_day(event: Event) -> dict[date, int]:
    """How many people were present on each day of the event, every day included (0 for a day
    nobody came yet): one GROUP BY on the day index."""
    counts = dict(
        db.session.execute(
            select(CheckInDay.day, func.count())
            .where(CheckInDay.event_id == event.id)
            .group_by(CheckInDay.day)
        ).all()
    )
    return {window.day: counts.get(window.day, 0) for window in event.day_windows()}
