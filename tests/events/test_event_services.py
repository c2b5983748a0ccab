"""Events and venues through the service layer (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_event
from tracker.db import utcnow
from tracker.errors import NotFound, ValidationFailed
from tracker.events import services
from tracker.events.services import EventInput, VenueInput

WITA = ZoneInfo("Asia/Makassar")


def _input(**changes) -> EventInput:
    values = dict(
        title="Lokakarya SOHIB Berkelas",
        organiser_unit="Ditjen KPM Kemkomdigi",
        starts_at=datetime(2026, 7, 22, 9, 0),
        ends_at=datetime(2026, 7, 22, 15, 0),
        timezone="Asia/Makassar",
    )
    values.update(changes)
    return EventInput(**values)


def test_naive_times_are_read_in_the_event_zone_and_stored_in_utc(app):
    event = services.create_event(_input(), None)
    assert event.starts_at == datetime(2026, 7, 22, 1, 0, tzinfo=UTC)  # 09:00 WITA
    assert event.ends_at == datetime(2026, 7, 22, 7, 0, tzinfo=UTC)


def test_times_with_an_offset_keep_it(app):
    start = datetime(2026, 7, 22, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # 09:00 WIB
    event = services.create_event(_input(starts_at=start, ends_at=start + timedelta(hours=2)), None)
    assert event.starts_at == datetime(2026, 7, 22, 2, 0, tzinfo=UTC)


def test_the_check_in_window_defaults_to_two_hours_before_until_the_end(app):
    event = services.create_event(_input(), None)
    opens, closes = event.checkin_window()
    assert opens == datetime(2026, 7, 21, 23, 0, tzinfo=UTC)  # 07:00 WITA
    assert closes == event.ends_at


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": "  "}, "title"),
        ({"organiser_unit": ""}, "organiser_unit"),
        ({"ends_at": datetime(2026, 7, 22, 8, 0)}, "ends_at"),
        ({"status": "cancelled"}, "status"),
        ({"expected_participants": -1}, "expected_participants"),
        (
            {
                "checkin_opens_at": datetime(2026, 7, 22, 10),
                "checkin_closes_at": datetime(2026, 7, 22, 9),
            },
            "checkin_closes_at",
        ),
    ],
)
def test_invalid_events_are_refused_with_the_field_named(app, changes, field):
    with pytest.raises(ValidationFailed) as exc:
        services.create_event(_input(**changes), None)
    assert field in exc.value.fields


def test_an_unknown_time_zone_is_refused(app):
    with pytest.raises(ValidationFailed) as exc:
        services.create_event(_input(timezone="Bali/Denpasar"), None)
    assert "timezone" in exc.value.fields


def test_venues_are_reused_by_name_room_and_address(app):
    venue = VenueInput("Kantor Diskominfo Tabanan", "Jl. Pahlawan 19", "Ruang Rapat", 60)
    first = services.create_event(_input(venue=venue), None)
    second = services.create_event(_input(venue=venue, title="Rapat Koordinasi"), None)
    assert first.venue_id == second.venue_id
    other_room = VenueInput("Kantor Diskominfo Tabanan", "Jl. Pahlawan 19", "Aula", 120)
    third = services.create_event(_input(venue=other_room), None)
    assert third.venue_id != first.venue_id
    assert len(services.list_venues()) == 2


def test_topics_and_speakers_are_trimmed_lines(app):
    event = services.create_event(
        _input(topics=[" Desain visual dengan Canva ", "", "Keamanan digital"]), None
    )
    assert event.topics == ["Desain visual dengan Canva", "Keamanan digital"]


def test_update_and_archive(app):
    event = make_event()
    services.update_event(event, services.event_input(event, title="Pelatihan Medsos II"))
    assert event.title == "Pelatihan Medsos II"
    services.set_archived(event, True, utcnow())
    assert event in services.list_events("archived", utcnow())
    assert event not in services.list_events("upcoming", utcnow())


def test_upcoming_and_past(app):
    now = utcnow()
    past = make_event(starts_at=now - timedelta(days=3), title="Kemarin")
    future = make_event(starts_at=now + timedelta(days=3), title="Besok")
    assert services.list_events("upcoming", now) == [future]
    assert services.list_events("past", now) == [past]


def test_get_event_raises_not_found(app):
    with pytest.raises(NotFound):
        services.get_event(12345)
