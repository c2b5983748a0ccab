"""The report across events: one organiser unit (or all), one date range.

Each event's numbers are its own summary's numbers: ``attendance()`` from check-in and
``sustainability()`` from compliance, called per event, so a row of the report always agrees
with that event's summary page. Two more queries count what only a range has: unique people
(DISTINCT ``person_key``, the pseudonymous key that survives the retention purge, over people
checked in) and distinct agencies reached.

"Held": an event that is not a draft and has started by now. Dates are whole days in the
app's time zone (WITA by default), both ends included.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from tracker.auth.offices import find_office, list_offices
from tracker.checkin.attendance import attendance
from tracker.checkin.models import CheckIn
from tracker.errors import ValidationFailed
from tracker.events.models import Event, EventStatus, Participant
from tracker.extensions import db
from tracker.summaries.data import Report, ReportRow, reached
from tracker.summaries.sustainability import sustainability

#: A report reads every event's figures; beyond this many events the range must be narrowed.
MAX_EVENTS = 500
#: The longest range accepted, in days (ten years).
MAX_DAYS = 3660
#: The years a report may name: events are held in 2000-2099 (their form refuses others), and
#: dates at the calendar's edges (year 1, year 9999) would overflow the day after or the UTC
#: conversion.
YEARS = range(2000, 2100)


def parse_date(raw: str | None, field: str, default: date) -> date:
    """YYYY-MM-DD; the default when empty. Raises ValidationFailed naming the field."""
    if raw is None or not raw.strip():
        return default
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed(
            _("Give dates as YYYY-MM-DD."), {field: _("Not a date (YYYY-MM-DD).")}
        ) from None
    if day.year not in YEARS:
        raise ValidationFailed(_("Give a year from 2000 to 2099."), {field: _("Check the year.")})
    return day


def parse_range(raw_from: str | None, raw_to: str | None, today: date) -> tuple[date, date]:
    """The range asked for; by default from 1 January of this year to today.

    Raises ValidationFailed for a malformed date, an end before the start or a range over
    MAX_DAYS.
    """
    start = parse_date(raw_from, "from", date(today.year, 1, 1))
    end = parse_date(raw_to, "to", today)
    if end < start:
        raise ValidationFailed(
            _("The end date is before the start date."), {"to": _("Before the start date.")}
        )
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed(
            _("Ask for at most ten years at a time."), {"from": _("The range is too long.")}
        )
    return start, end


def organiser_units(offices: set[int] | None = None) -> list[str]:
    """The offices a report may be asked for (these ids; None: every office), by name."""
    return [office.name for office in list_offices(offices)]


def held_events(
    unit: str,
    start: date,
    end: date,
    tz: str,
    now: datetime,
    offices: set[int] | None = None,
) -> list[Event]:
    """The events held by the office named ``unit`` (empty: every office), of the offices
    ``offices`` only (None: any). Raises ValidationFailed when more than MAX_EVENTS match."""
    zone = ZoneInfo(tz)
    since = datetime.combine(start, time.min, zone)
    until = datetime.combine(end + timedelta(days=1), time.min, zone)
    query = (
        select(Event)
        .where(
            Event.starts_at >= since,
            Event.starts_at < until,
            Event.starts_at <= now,
            Event.status != EventStatus.DRAFT.value,
        )
        .order_by(Event.starts_at, Event.id)
        .limit(MAX_EVENTS + 1)
    )
    if offices is not None:
        query = query.where(Event.office_id.in_(offices))
    if unit.strip():
        office = find_office(unit)
        query = query.where(Event.office_id == (office.id if office else None))
    events = list(db.session.scalars(query))
    if len(events) > MAX_EVENTS:
        raise ValidationFailed(
            _("More than %(n)d events match: narrow the range.", n=MAX_EVENTS),
            {"from": _("Too many events.")},
        )
    return events


def report_row(event: Event) -> ReportRow:
    a = attendance(event)
    s = sustainability(event, a.tumbler)
    return ReportRow(
        event_id=event.id,
        title=event.title,
        organiser_unit=event.organiser_unit,
        starts_at=event.starts_at,
        timezone=event.timezone,
        registered=a.registered,
        checked_in=a.checked_in,
        walk_ins=a.walk_ins,
        agencies=reached(a.by_agency),
        tumbler_yes=s.tumbler.yes,
        tumbler_rate=s.tumbler.rate,
        compliant=s.compliance.compliant,
        applicable=s.compliance.applicable,
        compliance_percent=s.compliance.percent,
    )


def _count_checked_in(column, event_ids: list[int]) -> int:  # noqa: ANN001 - a column
    """COUNT(DISTINCT column) over the participants checked in at these events, blanks left out
    (a blank person_key or agency is nobody's)."""
    if not event_ids:
        return 0
    query = (
        select(func.count(distinct(column)))
        .select_from(Participant)
        .join(CheckIn, CheckIn.participant_id == Participant.id)
        .where(Participant.event_id.in_(event_ids), column != "")
    )
    return db.session.scalar(query) or 0


def unique_people(event_ids: list[int]) -> int:
    return _count_checked_in(Participant.person_key, event_ids)


def agencies_reached(event_ids: list[int]) -> int:
    return _count_checked_in(Participant.agency, event_ids)


def build_report(
    unit: str,
    start: date,
    end: date,
    tz: str,
    now: datetime,
    offices: set[int] | None = None,
) -> Report:
    """The report of the office named ``unit`` (empty: all of ``offices``; None: every office).
    Raises ValidationFailed when the range holds more than MAX_EVENTS events."""
    events = held_events(unit, start, end, tz, now, offices)
    ids = [e.id for e in events]
    return Report(
        unit=unit.strip(),
        date_from=start,
        date_to=end,
        timezone=tz,
        rows=tuple(report_row(e) for e in events),
        unique_participants=unique_people(ids),
        agencies_reached=agencies_reached(ids),
        generated_at=now,
    )
