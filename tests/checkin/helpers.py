"""Events and participants for the check-in tests, made through the services like real data."""

from __future__ import annotations

from datetime import datetime, timedelta

from tracker.db import utcnow
from tracker.events.models import Event, Participant
from tracker.events.registration import ParticipantInput, register_participants
from tracker.events.services import EventInput, VenueInput, create_event
from tracker.extensions import db

PEOPLE = [
    ParticipantInput(
        name="I Wayan Sudarsana",
        agency="Dinas Kesehatan Kabupaten Tabanan",
        email="wayan@tabanankab.go.id",
        phone="0812-3000-4000",
    ),
    ParticipantInput(
        name="Ni Luh Ariani",
        agency="Dinas Pariwisata Kabupaten Tabanan",
        category="speaker",
        email="luh@tabanankab.go.id",
        phone="0812-3001-4001",
    ),
    ParticipantInput(
        name="I Made Widiantara",
        agency="Dinas Kesehatan Kabupaten Tabanan",
        email="made@tabanankab.go.id",
        phone="0812-3002-4002",
    ),
]


def make_event(
    title: str = "Pelatihan Pengelolaan Media Sosial",
    *,
    starts_at: datetime | None = None,
    status: str = "open",
    walk_ins: bool = True,
    people: list[ParticipantInput] | None = None,
    now: datetime | None = None,
) -> tuple[Event, list[Participant]]:
    """An event starting in an hour (so its door is open now) with three participants."""
    now = now or utcnow()
    start = starts_at or now + timedelta(hours=1)
    event = create_event(
        EventInput(
            title=title,
            organiser_unit="Diskominfo Kabupaten Tabanan",
            starts_at=start,
            ends_at=start + timedelta(hours=7),
            venue=VenueInput(
                "Kantor Diskominfo Kabupaten Tabanan", "Jl. Pahlawan No. 19", "Ruang Rapat"
            ),
            allow_walk_ins=walk_ins,
            status=status,
        ),
        None,
    )
    registered = register_participants(
        event, list(PEOPLE if people is None else people), now, source="import"
    )
    db.session.commit()
    return event, registered


def dispose(app) -> None:  # noqa: ANN001 - a Flask app
    """Close a second app's pooled connections (PostgreSQL warns about ones left to the GC)."""
    with app.app_context():
        db.engine.dispose()
