"""The event's agenda: timed sessions on its days, with speakers from its narasumber and their
training hours (JP). Services flush; the view or command commits once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.events.models import AgendaSession, Event, SessionSpeaker
from tracker.extensions import db


def agenda(event: Event) -> list[AgendaSession]:
    """The event's sessions in the agenda's order (the organiser's, then by time), with their
    speakers loaded (two queries)."""
    return list(
        db.session.scalars(
            select(AgendaSession)
            .where(AgendaSession.event_id == event.id)
            .options(selectinload(AgendaSession.speakers).selectinload(SessionSpeaker.participant))
            .order_by(
                AgendaSession.day,
                AgendaSession.position,
                AgendaSession.starts_at,
                AgendaSession.id,
            )
        )
    )
