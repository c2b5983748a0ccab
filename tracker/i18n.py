"""Languages and times as a person sees them.

Bahasa Indonesia is the default on every page; English is a switch away (``/lang/en``), kept in
the session. API clients may ask for English with Accept-Language. Times are stored in UTC and
shown in the event's time zone (WITA, ``Asia/Makassar``, for Bali).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date as babel_format_date
from flask_babel import get_locale
from flask_babel import gettext as _

from tracker import times
from tracker.extensions import babel

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work
        return DEFAULT_LANGUAGE
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def zone(name: str | None = None) -> ZoneInfo:
    return ZoneInfo(name or current_app.config["TIMEZONE"])


def localtime(value: datetime | None, tz: str | None = None) -> datetime | None:
    """The moment in the given zone (the app's default zone when none is given)."""
    return None if value is None else value.astimezone(zone(tz))


def iso(value: datetime | None, tz: str | None = None) -> str | None:
    """ISO 8601 with the offset of the event's zone (2026-07-22T09:00:00+08:00); the one way
    the API, the scanner's and the board's data write a time."""
    return None if value is None else value.astimezone(zone(tz)).isoformat()


def localised_event_when(starts_at: datetime, ends_at: datetime, tz: str) -> str:
    """When an event is (tracker.times.event_when) in the page's language."""
    return times.event_when(starts_at, ends_at, tz, current_language(), _("%(start)s to %(end)s"))


def format_local(value: datetime | None, tz: str | None = None) -> str:
    """A datetime in the event's zone, in the page's language: "Selasa, 22 Jul 2025 09.00
    WITA" (tracker.times.moment)."""
    if value is None:
        return ""
    return times.moment(value, tz or current_app.config["TIMEZONE"], current_language())


def format_clock(value: datetime | None, tz: str | None = None) -> str:
    """A time of day in the event's zone as the page's language writes it (09.00 / 09:00)."""
    if value is None:
        return ""
    return times.clock_in(value, tz or current_app.config["TIMEZONE"], current_language())


def day_label(day: date) -> str:
    """An event day as a page says it, with its weekday ("Rabu, 22 Juli 2026")."""
    return babel_format_date(day, "EEEE, d MMMM y")


def register_i18n(app: Flask) -> None:
    translations = Path(__file__).parent / "translations"
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(translations),
    )
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["day_label"] = day_label
    app.jinja_env.filters["clock"] = format_clock
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
