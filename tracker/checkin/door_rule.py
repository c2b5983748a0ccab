"""When the door takes check-ins: the one rule, for the scan, the door page, walk-ins and the
scanner page.

The door is shut by the event's record (archived, a draft, closed), else by the clock (before
the check-in window opens, after it closes). The scanner page is sent what the record says
(``closed_by_record``) and the window, and applies the clock to them on the device, because
it keeps judging scans while the network is away: it mirrors this rule, it does not own one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from tracker.events.days import DayWindow
from tracker.events.models import EventStatus
from tracker.i18n import iso

#: Why the door is shut by the record, strongest first; the page words each one.
ARCHIVED, DRAFT, CLOSED = "archived", EventStatus.DRAFT.value, EventStatus.CLOSED.value
#: Why the door is shut or open by the clock.
NOT_YET, OPEN, ENDED = "not_yet", "open", "ended"


class HasDoor(Protocol):
    """An Event, or the scan path's lean copy of one (services.Door)."""

    status: str

    @property
    def is_archived(self) -> bool: ...

    def checkin_window(self) -> tuple[datetime, datetime]: ...

    def day_windows(self) -> list[DayWindow]: ...


def closed_by_record(event: HasDoor) -> str | None:
    """archived, draft or closed when the event's record shuts the door; None otherwise."""
    if event.is_archived:
        return ARCHIVED
    if event.status != EventStatus.OPEN:
        return str(event.status)
    return None


def door_state(event: HasDoor, at: datetime) -> str:
    """archived, draft, closed (by the record), or not_yet, open, ended (by the clock)."""
    closed = closed_by_record(event)
    if closed is not None:
        return closed
    opens, closes = event.checkin_window()
    if at < opens:
        return NOT_YET
    if at > closes:
        return ENDED
    days = event.day_windows()
    if len(days) > 1 and not any(day.holds(at) for day in days):
        return NOT_YET  # between two days: the next day's door has not opened yet
    return OPEN


def is_open(event: HasDoor, at: datetime) -> bool:
    """Whether the door takes check-ins at ``at``."""
    return door_state(event, at) == OPEN


def door_json(event: Any) -> dict[str, Any]:
    """An Event as the scanner page and the check-in API's ticket list send it: what its record
    says (``closed``: archived, draft, closed, or None), its check-in window and its days with
    their doors, from which the device judges the door on its own clock, offline too."""
    opens, closes = event.checkin_window()
    days = [
        {
            "date": day.day.isoformat(),
            "opens_at": iso(day.opens_at, event.timezone),
            "closes_at": iso(day.closes_at, event.timezone),
        }
        for day in event.day_windows()
    ]
    return {
        "id": event.id,
        "title": event.title,
        "status": event.status,
        "closed": closed_by_record(event),
        "timezone": event.timezone,
        "checkin_opens_at": iso(opens, event.timezone),
        "checkin_closes_at": iso(closes, event.timezone),
        "days": days,
    }
