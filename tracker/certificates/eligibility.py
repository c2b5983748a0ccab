"""Who completed an event, and so may get its certificate: the one place that decides it.

Today an event has one check-in per person, so "checked in on every day of the event" is
"checked in". The attendance issue (days, sessions and a completion rule per event, issue 14)
replaces this function's body and keeps its signature; issuing, the pages and the API only
call it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tracker.checkin.models import CheckIn
from tracker.events.models import Event, Participant
from tracker.extensions import db


def completed(event: Event, now: datetime) -> set[int]:
    """The ids of the event's participants who met its completion rule by ``now`` (never the
    anonymised: their data is gone)."""
    query = (
        select(CheckIn.participant_id)
        .join(Participant, Participant.id == CheckIn.participant_id)
        .where(
            CheckIn.event_id == event.id,
            CheckIn.checked_in_at <= now,
            Participant.anonymised_at.is_(None),
        )
    )
    return set(db.session.scalars(query))
