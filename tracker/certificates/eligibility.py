"""Who completed an event, and so may get its certificate: the one place certificates ask.

The rule itself is the event's completion rule (every day, or a share of the agenda's JP),
owned by tracker.checkin.presence; issuing, the pages and the API only call this function.
"""

from __future__ import annotations

from datetime import datetime

from tracker.checkin.presence import completed_ids
from tracker.events.models import Event


def completed(event: Event, now: datetime) -> set[int]:
    """The ids of the event's participants who met its completion rule by ``now`` (never the
    anonymised: their data is gone). ``now`` bounds nothing more today: a scan's time is never
    later than the moment it was recorded."""
    del now
    return completed_ids(event)
