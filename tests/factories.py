"""The one place tests make events and participants, built through the services as real data is.

Times default to the suite's clock (tests/clock.py: every test runs at TUESDAY_NINE unless it
moves the clock), so what a test builds does not depend on the hour it runs at. A test that
needs another moment passes ``now=`` or ``starts_at=``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask

from tests.clock import WITA
from tracker.db import utcnow
from tracker.events.models import Event, Participant
from tracker.events.registration import ParticipantInput, register_participants
from tracker.events.services import EventInput, VenueInput, create_event
from tracker.extensions import db

__all__ = ["PEOPLE", "WITA", "add_people", "dispose", "make_event", "open_event", "register"]

TITLE = "Pelatihan Pengelolaan Media Sosial"
UNIT = "Diskominfo Kabupaten Tabanan"
VENUE = VenueInput("Kantor Diskominfo Tabanan", "Jl. Pahlawan 19", "Ruang Rapat", 60)

#: Three people of the seed training: two participants and a speaker, each with e-mail and phone.
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
    actor=None,  # noqa: ANN001 - a User, or None for the system
    *,
    now: datetime | None = None,
    starts_at: datetime | None = None,
    hours: float = 6,
    status: str = "open",
    **fields,
) -> Event:
    """An event (committed) of ``hours``; by default it began an hour before ``now``, so its
    door is open, and it ends the same day."""
    start = starts_at or _minute(now or utcnow()) - timedelta(hours=1)
    data = EventInput(
        title=fields.pop("title", TITLE),
        organiser_unit=fields.pop("organiser_unit", UNIT),
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        status=status,
        venue=fields.pop("venue", VENUE),
        **fields,
    )
    event = create_event(data, actor)
    db.session.commit()
    return event


def open_event(
    title: str = TITLE,
    *,
    now: datetime | None = None,
    starts_at: datetime | None = None,
    status: str = "open",
    walk_ins: bool = True,
    people: list[ParticipantInput] | None = None,
) -> tuple[Event, list[Participant]]:
    """An event starting an hour after ``now`` (its door is already open), seven hours long,
    with PEOPLE (or ``people``) registered by import."""
    now = now or utcnow()
    event = make_event(
        title=title,
        now=now,
        starts_at=starts_at or now + timedelta(hours=1),
        hours=7,
        status=status,
        allow_walk_ins=walk_ins,
    )
    return event, register(event, PEOPLE if people is None else people, now=now, source="import")


def register(
    event: Event,
    people: list[ParticipantInput],
    *,
    now: datetime | None = None,
    source: str = "test",
) -> list[Participant]:
    """Register ``people`` and commit."""
    created = register_participants(event, list(people), now or utcnow(), source=source)
    db.session.commit()
    return created


def add_people(event: Event, count: int, *, start: int = 0, **overrides) -> list[Participant]:
    """``count`` participants from four agencies, each with an e-mail and a phone; numbered
    from ``start`` (a second call on one event starts past the first's)."""
    people = [
        ParticipantInput(
            name=f"Peserta {i:03d}",
            agency=overrides.get("agency", f"Dinas {i % 4}"),
            category=overrides.get("category", "participant"),
            email=f"peserta{i}@tabanankab.go.id",
            phone=f"+62812300{i:05d}",
        )
        for i in range(start, start + count)
    ]
    return register(event, people)


def dispose(app: Flask) -> None:
    """Close a second app's pooled connections (PostgreSQL warns about ones left to the GC)."""
    with app.app_context():
        db.engine.dispose()


def _minute(moment: datetime) -> datetime:
    return moment.astimezone(WITA).replace(second=0, microsecond=0)
