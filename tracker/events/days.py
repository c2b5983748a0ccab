"""The days an event runs on, in its own time zone.

An event's days are the local dates from its start to its end, except that the hours after
midnight, until ``NIGHT_ENDS``, belong to the day before: a reception from 19:00 to 01:00 is one
day, not two. Bottles avoided (per day present) and the news paragraph's dates use these days;
whoever counts "days" of an event asks here, so the rule is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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


@dataclass(frozen=True)
class DayWindow:
    """One day of an event and when its door takes check-ins (UTC)."""

    day: date
    opens_at: datetime
    closes_at: datetime

    def holds(self, at: datetime) -> bool:
        return self.opens_at <= at <= self.closes_at


def local_moment(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """``clock`` on ``day`` in the zone, as UTC; a time before NIGHT_ENDS is the night after.
    A clock given with an offset is read as the event's own clock (the offset is dropped)."""
    clock = clock.replace(tzinfo=None)
    moment = datetime.combine(day, clock, tzinfo=zone)
    if clock < NIGHT_ENDS:
        moment += timedelta(days=1)
    return moment.astimezone(UTC)


def day_windows(
    starts_at: datetime,
    ends_at: datetime,
    timezone: str,
    opens_at: datetime,
    closes_at: datetime,
    day_doors: list[dict[str, str]] | None = None,
) -> list[DayWindow]:
    """Each day of the event with its door: by default every day opens at the local time the
    first day opens (``opens_at``) and closes at the local time the event ends (``closes_at``);
    ``day_doors`` (``{"date": "YYYY-MM-DD", "opens": "HH:MM", "closes": "HH:MM"}``, set per
    day by the organiser) overrides a day's times. A one-day event is its whole window."""
    dates = event_dates(starts_at, ends_at, timezone)
    if len(dates) == 1 and not day_doors:
        return [DayWindow(dates[0], opens_at, closes_at)]
    zone = ZoneInfo(timezone)
    first_open = opens_at.astimezone(zone).time()
    last_close = closes_at.astimezone(zone).time()
    custom = {entry.get("date"): entry for entry in day_doors or []}
    windows = []
    for n, day in enumerate(dates):
        opens = opens_at if n == 0 else local_moment(day, first_open, zone)
        closes = closes_at if n == len(dates) - 1 else local_moment(day, last_close, zone)
        entry = custom.get(day.isoformat())
        if entry:
            opens = local_moment(day, time.fromisoformat(entry["opens"]), zone)
            closes = local_moment(day, time.fromisoformat(entry["closes"]), zone)
        windows.append(DayWindow(day, opens, closes))
    return windows


def day_of(windows: list[DayWindow], at: datetime, timezone: str) -> date:
    """The event day a moment belongs to: the day whose door holds it, else its local date
    (night until NIGHT_ENDS belonging to the day before)."""
    for window in windows:
        if window.holds(at):
            return window.day
    local = at.astimezone(ZoneInfo(timezone))
    return local.date() - timedelta(days=1) if local.time() < NIGHT_ENDS else local.date()
