"""Words and times shared by the check-in pages and files (Flask-Babel, so not in tickets.py)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, format_time
from flask_babel import gettext as _

from tracker.checkin.tickets import InvitationText
from tracker.events.models import CATEGORY_LABELS, Event
from tracker.i18n import zone, zone_abbreviation


def long_time(value: datetime, tz: str) -> str:
    """e.g. "Selasa, 22 Juli 2025 09.00 WITA": the day spelled out, in the event's zone."""
    local = value.astimezone(zone(tz)).replace(tzinfo=None)
    return (
        f"{format_date(local, 'full', rebase=False)} {format_time(local, 'short', rebase=False)}"
        f" {zone_abbreviation(value, tz)}"
    )


def event_when(event: Event) -> str:
    """The start, and the end's time when it ends the same day."""
    start = long_time(event.starts_at, event.timezone)
    start_day = event.starts_at.astimezone(zone(event.timezone)).date()
    end_local = event.ends_at.astimezone(zone(event.timezone))
    if end_local.date() == start_day:
        return _(
            "%(start)s to %(end)s",
            start=start,
            end=format_time(end_local.replace(tzinfo=None), "short", rebase=False),
        )
    return _("%(start)s to %(end)s", start=start, end=long_time(event.ends_at, event.timezone))


def event_where(event: Event) -> str:
    if event.venue is None:
        return ""
    parts = [event.venue.label(), event.venue.address]
    return ", ".join(part for part in parts if part)


def category_label(category: str) -> str:
    label = CATEGORY_LABELS.get(category)  # type: ignore[call-overload]
    return str(label) if label is not None else category


def invitation_text(event: Event) -> InvitationText:
    """The event's facts as an invitation names them, in the current language."""
    return InvitationText(
        title=event.title,
        when=event_when(event),
        where=event_where(event) or event.organiser_unit,
        organiser=event.organiser_unit,
        privacy_contact=event.privacy_contact,
    )
