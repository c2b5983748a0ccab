"""The days an event runs on, in its own time zone.

An event's days are the local dates from its start to its end, except that the hours after
midnight, until ``NIGHT_ENDS``, belong to the day before: a reception from 19:00 to 01:00 is one
day, not two. Bottles avoided (per day present) and the news paragraph's dates use these days;
whoever counts "days" of an event asks here, so the rule is written once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: Until when a night still belongs to the day before (an evening event's end at 01:00).
NIGHT_ENDS = time(6, 0)


def event_dates(starts_at: datetime, ends_at: datetime, timezone: str) -> list[date]:
    """The local dates the event runs on, first to last (always at least one)."""
    zone = ZoneInfo(timezone)
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    last = end.date()
    if end.time() < NIGHT_ENDS and last > start.date():
        last -= timedelta(days=1)
    return [start.date() + timedelta(days=n) for n in range((last - start.date()).days + 1)]


def day_of(moment: datetime, starts_at: datetime, timezone: str) -> date:
    """The event day a moment belongs to: its local date, except that the hours after midnight
    until NIGHT_ENDS still belong to the day before (from the event's second day on)."""
    zone = ZoneInfo(timezone)
    when, first = moment.astimezone(zone), starts_at.astimezone(zone).date()
    if when.time() < NIGHT_ENDS and when.date() > first:
        return when.date() - timedelta(days=1)
    return when.date()
