"""Times as people read them: in the event's own zone, named WITA rather than +08, in the
reader's language. Pure: Babel's CLDR data only, no Flask, so the PDF, XLSX and CSV renderers
use it as the pages do.

Times are always in the event's own zone, 24-hour, as on an Indonesian attendance sheet (09.12
in prose, 09:12 in tables, which spreadsheets and the eye both read).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

#: Indonesia's zones as Indonesians name them; the tz database writes them +08 etc.
ZONE_LABELS = {
    "Asia/Makassar": "WITA",
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Jayapura": "WIT",
}


def local(value: datetime, tz: str) -> datetime:
    return value.astimezone(ZoneInfo(tz))


def zone_label(value: datetime, tz: str) -> str:
    """WITA / WIB / WIT for Indonesia's zones, else the zone's own abbreviation at ``value``."""
    return ZONE_LABELS.get(tz) or local(value, tz).strftime("%Z")


def date_time(value: datetime | None, tz: str) -> str:
    """22/07/2025 09:12, in the zone ``tz``; empty for None."""
    return "" if value is None else local(value, tz).strftime("%d/%m/%Y %H:%M")


def clock(value: datetime | None, tz: str) -> str:
    return "" if value is None else local(value, tz).strftime("%H:%M")


#: Hours and minutes as the language writes them, 24-hour, never seconds (Babel's "medium"
#: time had seconds, and its English "short" is 12-hour).
_CLOCK = {"id": "HH.mm"}


def clock_in(value: datetime, tz: str, lang: str) -> str:
    """09.00 (Indonesian) / 09:00, in the zone ``tz``."""
    return format_time(
        local(value, tz).replace(tzinfo=None), _CLOCK.get(lang, "HH:mm"), locale=lang
    )


def moment(value: datetime, tz: str, lang: str) -> str:
    """Selasa, 22 Jul 2025 09.00 WITA: the weekday (a date alone is easy to misread at the
    door), the time without seconds, the zone named."""
    day = format_date(local(value, tz).date(), "EEEE, d MMM y", locale=lang)
    return f"{day} {clock_in(value, tz, lang)} {zone_label(value, tz)}"


def moment_from(value: datetime, now: datetime, tz: str, lang: str) -> str:
    """ "09.00 WITA" when ``value`` is on today's date in ``tz``, else the whole ``moment``:
    "opens at 09.00" on the wrong day would be read as today."""
    if local(value, tz).date() == local(now, tz).date():
        return f"{clock_in(value, tz, lang)} {zone_label(value, tz)}"
    return moment(value, tz, lang)


def long_date(value: datetime, tz: str, lang: str) -> str:
    """Selasa, 22 Juli 2025 / Tuesday, 22 July 2025."""
    return format_date(local(value, tz).date(), "EEEE, d MMMM y", locale=lang)


def long_time(value: datetime, tz: str, lang: str) -> str:
    """Selasa, 22 Juli 2025 09.00 WITA: the day spelled out, the time as the language writes
    it, in the zone ``tz``."""
    moment = local(value, tz).replace(tzinfo=None)
    return (
        f"{format_date(moment, 'full', locale=lang)} {format_time(moment, 'short', locale=lang)}"
        f" {zone_label(value, tz)}"
    )


def event_when(
    starts_at: datetime, ends_at: datetime, tz: str, lang: str, until: str = "%(start)s to %(end)s"
) -> str:
    """When an event is, for tickets, posters, invitations and the summary: "Selasa, 22 Juli
    2025 09.00 WITA s.d. 16.00", the end's date written out too when it ends on another day.

    ``until`` joins start and end in the reader's language (its msgid is "%(start)s to
    %(end)s"; this module has no catalogue, so the caller translates it).
    """
    start = long_time(starts_at, tz, lang)
    end = local(ends_at, tz)
    if end.date() == local(starts_at, tz).date():
        end_text = format_time(end.replace(tzinfo=None), "short", locale=lang)
    else:
        end_text = long_time(ends_at, tz, lang)
    return until % {"start": start, "end": end_text}
