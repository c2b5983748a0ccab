"""Building test events and participants through the services, as real data is built."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tracker.db import utcnow
from tracker.events.models import Event
from tracker.events.registration import ParticipantInput, register_participants
from tracker.events.services import EventInput, VenueInput, create_event
from tracker.extensions import db

WITA = ZoneInfo("Asia/Makassar")


def make_event(
    actor=None, *, starts_at: datetime | None = None, hours: int = 6, status: str = "open", **fields
) -> Event:
    start = starts_at or utcnow().astimezone(WITA).replace(microsecond=0) - timedelta(hours=1)
    data = EventInput(
        title=fields.pop("title", "Pelatihan Pengelolaan Media Sosial"),
        organiser_unit=fields.pop("organiser_unit", "Diskominfo Kabupaten Tabanan"),
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        status=status,
        venue=fields.pop(
            "venue", VenueInput("Kantor Diskominfo Tabanan", "Jl. Pahlawan 19", "Ruang Rapat", 60)
        ),
        **fields,
    )
    event = create_event(data, actor)
    db.session.commit()
    return event


def add_people(event: Event, count: int, **overrides) -> list:
    people = [
        ParticipantInput(
            name=f"Peserta {i:03d}",
            agency=overrides.get("agency", f"Dinas {i % 4}"),
            category=overrides.get("category", "participant"),
            email=f"peserta{i}@tabanankab.go.id",
            phone=f"+62812300{i:05d}",
        )
        for i in range(count)
    ]
    created = register_participants(event, people, utcnow(), source="test")
    db.session.commit()
    return created
