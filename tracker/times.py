"""Numbers, dates and times as the summary's formats write them. Pure: Babel's CLDR data only.

Indonesian writes 4,2 kg and 20.000 peserta; English 4.2 kg and 20,000. Times are always in
the event's own zone, 24-hour, as on an Indonesian attendance sheet (09.12 in prose, 09:12 in
tables, which spreadsheets and the eye both read).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal


def number(value: float | int, lang: str) -> str:
    """At most two decimals, the language's separators: 1.234,5 (id), 1,234.5 (en)."""
    return format_decimal(round(value, 2), format="#,##0.##", locale=lang)


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def percent_text(value: float | int | None) -> str:
    return "–" if value is None else f"{round(value)}%"


def local(value: datetime, tz: str) -> datetime:
    return value.astimezone(ZoneInfo(tz))


def date_time(value: datetime | None, tz: str) -> str:
    """22/07/2025 09:12, in the zone ``tz``; empty for None."""
    return "" if value is None else local(value, tz).strftime("%d/%m/%Y %H:%M")


def clock(value: datetime | None, tz: str) -> str:
    return "" if value is None else local(value, tz).strftime("%H:%M")


def long_date(value: datetime, tz: str, lang: str) -> str:
    """Selasa, 22 Juli 2025 / Tuesday, 22 July 2025."""
    return format_date(local(value, tz).date(), "EEEE, d MMMM y", locale=lang)


def event_when(starts_at: datetime, ends_at: datetime, tz: str, zone_label: str, lang: str) -> str:
    """Selasa, 22 Juli 2025, 09:00–16:00 WITA; two dates when the event spans several days."""
    start, end = local(starts_at, tz), local(ends_at, tz)
    first = long_date(starts_at, tz, lang)
    if start.date() == end.date():
        return f"{first}, {start:%H:%M}–{end:%H:%M} {zone_label}"
    return f"{first} {start:%H:%M} – {long_date(ends_at, tz, lang)} {end:%H:%M} {zone_label}"
