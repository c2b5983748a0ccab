"""Times as people read them: in the event's own zone, named WITA rather than +08, in the
reader's language. Pure: Babel's CLDR data only, no Flask, so the PDF, XLSX and CSV renderers
use it as the pages do.

Times are always in the event's own zone, 24-hour, as on an Indonesian attendance sheet (09.12
in prose, 09:12 in tables, which spreadsheets and the eye both read).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date


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
