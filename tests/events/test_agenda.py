"""The agenda (issue 14): sessions on the event's days, speakers from its narasumber, JP;
added, changed, reordered and removed as a service and over the API; bad input refused with a
message that says why."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from tests.clock import TUESDAY_NINE, wita
from tests.factories import PEOPLE, make_event, register
from tracker.errors import NotFound, ValidationFailed
from tracker.events.agenda import (
    SessionInput,
    add_session,
    agenda,
    edit_session,
    reorder_sessions,
    total_jp,
)
from tracker.events.models import Participant
from tracker.extensions import db

TUESDAY, WEDNESDAY, THURSDAY = date(2026, 7, 21), date(2026, 7, 22), date(2026, 7, 23)


@pytest.fixture
def training(app):
    """Tuesday 08:00 to Wednesday 16:00 WITA, with Ni Luh Ariani as narasumber."""
    event = make_event(starts_at=wita(2026, 7, 21, 8), hours=24 + 8)
    return event, register(event, PEOPLE)


def _session(title="Strategi komunikasi", day=TUESDAY, starts=time(9), ends=time(10, 30), **kw):
    return SessionInput(title, day, starts, ends, **kw)


def test_a_session_on_a_day_with_a_registered_and_a_new_speaker(training):
    event, (_wayan, luh, _made) = training
    session = add_session(
        event,
        _session(room="Ruang Rapat", jp=2, speakers=[luh.id, "Tim indonesia.go.id"]),
        None,
        TUESDAY_NINE,
    )
    db.session.commit()

    assert session.starts_at == wita(2026, 7, 21, 9)
    assert session.ends_at == wita(2026, 7, 21, 10, 30)
    assert [s.participant.name for s in session.speakers] == [
        "Ni Luh Ariani",
        "Tim indonesia.go.id",
    ]
    added = db.session.scalar(select(Participant).where(Participant.name == "Tim indonesia.go.id"))
    assert (added.category, added.source) == ("speaker", "agenda")
    assert total_jp(event) == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"day": THURSDAY}, "day"),  # after the event's last day
        ({"starts": time(11), "ends": time(10)}, "ends"),
        ({"title": " "}, "title"),
        ({"jp": 41}, "jp"),
    ],
)
def test_a_bad_session_is_refused_with_a_message(training, changes, field):
    event, _people = training
    with pytest.raises(ValidationFailed) as refused:
        add_session(event, _session(**changes), None, TUESDAY_NINE)
    assert field in refused.value.fields
    if field == "day":
        assert (
            "Juli 2026" in refused.value.fields["day"] or "July 2026" in refused.value.fields["day"]
        )


def test_an_unknown_speaker_id_is_refused(training):
    event, _people = training
    other = make_event(title="Lain")
    stranger = register(other, [PEOPLE[0]])[0]
    with pytest.raises(ValidationFailed):
        add_session(event, _session(speakers=[stranger.id]), None, TUESDAY_NINE)


def test_the_agenda_is_by_day_then_the_organisers_order(training):
    event, _people = training
    first = add_session(event, _session("A", starts=time(9)), None, TUESDAY_NINE)
    second = add_session(event, _session("B", starts=time(11), ends=time(12)), None, TUESDAY_NINE)
    third = add_session(event, _session("C", day=WEDNESDAY), None, TUESDAY_NINE)
    db.session.commit()
    assert [s.title for s in agenda(event)] == ["A", "B", "C"]

    reorder_sessions(event, [second.id, first.id, third.id], None, TUESDAY_NINE)
    assert [s.title for s in agenda(event)] == ["B", "A", "C"]
    with pytest.raises(ValidationFailed):
        reorder_sessions(event, [second.id, first.id], None, TUESDAY_NINE)  # one missing
    edit_session(event, first, _session("A2", day=WEDNESDAY), None, TUESDAY_NINE)
    assert [s.title for s in agenda(event)] == ["B", "A2", "C"] or [
        s.title for s in agenda(event)
    ] == ["B", "C", "A2"]


def test_the_agenda_over_the_api(training, api):
    event, (_wayan, luh, _made) = training
    organiser, staff = api("organiser"), api("staff")
    path = f"/api/v1/events/{event.id}/sessions"
    body = {
        "title": "Etika medsos",
        "day": "2026-07-22",
        "starts": "13:00",
        "ends": "14:30",
        "room": "Aula",
        "jp": 2,
        "speakers": [luh.id],
    }

    added = organiser.post(path, json=body)
    outside = organiser.post(path, json={**body, "day": "2026-07-25"})
    by_staff = staff.post(path, json=body)
    listed = staff.get(path)
    changed = organiser.put(f"{path}/{added.json['id']}", json={**body, "jp": 3})
    other = make_event(title="Lain")
    wrong_event = organiser.delete(f"/api/v1/events/{other.id}/sessions/{added.json['id']}")
    removed = organiser.delete(f"{path}/{added.json['id']}")

    assert added.status_code == 201
    assert added.json["starts_at"] == "2026-07-22T13:00:00+08:00"
    assert added.json["speakers"][0]["name"] == "Ni Luh Ariani"
    assert outside.status_code == 422 and "day" in outside.json["error"]["fields"]
    assert by_staff.status_code == 403
    assert listed.json["total_jp"] == 2 and len(listed.json["sessions"]) == 1
    assert changed.json["jp"] == 3
    assert wrong_event.status_code == 404
    assert removed.status_code == 200
    assert staff.get(path).json["sessions"] == []
    with pytest.raises(NotFound):
        from tracker.events.agenda import get_session

        get_session(event, added.json["id"])
