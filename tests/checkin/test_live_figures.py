"""The board's figures cached under a version that triggers move on, and pushed to screens."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from tests.checkin.test_attendance import count_queries
from tests.factories import add_people, open_event
from tracker.checkin import live_figures
from tracker.checkin.live_figures import figures_version, live_attendance
from tracker.checkin.models import CheckIn
from tracker.events.models import Participant
from tracker.events.services import event_input, update_event
from tracker.extensions import db


def _scan(api, event, person) -> None:
    response = api("staff").post(
        f"/api/v1/events/{event.id}/checkins",
        json={"code": person.ticket_code, "gate": "A", "nonce": str(uuid.uuid4())},
    )
    assert response.status_code == 201, response.get_json()


def test_every_change_to_participants_or_check_ins_moves_the_version(app, api):
    event, (wayan, luh, _made) = open_event()
    seen = [figures_version(event.id)]

    def moved() -> None:
        db.session.commit()
        now = figures_version(event.id)
        assert now > seen[-1]
        seen.append(now)

    assert seen[0] > 0  # the registration moved it already
    add_people(event, 3)
    moved()
    _scan(api, event, wayan)  # the scan path's Core statements
    moved()
    db.session.execute(update(CheckIn).values(brought_tumbler=True))
    moved()
    db.session.execute(delete(CheckIn).where(CheckIn.participant_id == wayan.id))
    moved()
    db.session.execute(update(Participant).where(Participant.id == luh.id).values(agency="X"))
    moved()
    db.session.execute(delete(Participant).where(Participant.id == luh.id))
    moved()
    other, _people = open_event("Another event")
    assert figures_version(event.id) == seen[-1]  # another event's changes leave it alone


def test_figures_come_from_the_cache_until_something_changes(app, api):
    event, (wayan, _luh, _made) = open_event()
    version, first = live_attendance(event)
    with count_queries() as statements:
        again_version, again = live_attendance(event)
    assert (again_version, again) == (version, first)
    assert len(statements) == 1  # the version, by primary key
    _scan(api, event, wayan)
    newer, after = live_attendance(event)
    assert newer > version
    assert (first.checked_in, after.checked_in) == (0, 1)


def test_the_api_answers_304_until_the_figures_change(api):
    event, (wayan, _luh, _made) = open_event()
    path = f"/api/v1/events/{event.id}/attendance"
    first = api("staff").get(path)
    assert first.status_code == 200 and first.get_json()["checked_in"] == 0
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    same = api("staff").get(path, headers={"If-None-Match": etag})
    assert same.status_code == 304 and not same.get_data()
    _scan(api, event, wayan)
    changed = api("staff").get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["checked_in"] == 1
    assert changed.headers["ETag"] != etag
    assert api(None).get(path).status_code == 401


@pytest.fixture
def short_streams(app):
    keys = ("BOARD_STREAM_SECONDS", "BOARD_PUSH_SECONDS", "BOARD_STREAMS_PER_WORKER")
    saved = {k: app.config[k] for k in keys}
    app.config.update(
        BOARD_STREAM_SECONDS=0.6, BOARD_PUSH_SECONDS=0.05, BOARD_STREAMS_PER_WORKER=50
    )
    yield
    app.config.update(saved)


def _events(body: str) -> list[dict]:
    found = []
    for block in body.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if lines.get("event") == "figures":
            found.append({"id": int(lines["id"]), **json.loads(lines["data"])})
    return found


def test_the_board_stream_sends_the_figures_and_then_their_changes(as_role, short_streams):
    event, (wayan, _luh, _made) = open_event()
    client = as_role("staff")
    response = client.get(f"/events/{event.id}/board/stream")
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    sent = _events(response.get_data(as_text=True))
    assert len(sent) == 1 and sent[0]["registered"] == 3 and sent[0]["checked_in"] == 0
    assert sent[0]["id"] == figures_version(event.id)

    # Reconnecting with the version it has: nothing until something changes.
    again = client.get(
        f"/events/{event.id}/board/stream", headers={"Last-Event-ID": str(sent[0]["id"])}
    )
    assert _events(again.get_data(as_text=True)) == []
    assert live_figures.hub().streams == 0  # every stream gave its place back


def test_a_change_reaches_an_open_stream(app, as_role, api, short_streams):
    event, (wayan, _luh, _made) = open_event()
    app.config["BOARD_STREAM_SECONDS"] = 3.0
    client = as_role("staff")
    timer = threading.Timer(1.0, lambda: _scan_in_own_context(app, api, event, wayan))
    timer.start()
    body = client.get(f"/events/{event.id}/board/stream").get_data(as_text=True)
    timer.join()
    counts = [sent["checked_in"] for sent in _events(body)]
    assert counts == [0, 1]


def _scan_in_own_context(app, api, event, person) -> None:
    with app.app_context():
        _scan(api, event, person)


def test_beyond_its_streams_a_worker_answers_503_and_the_board_polls(app, as_role, short_streams):
    event, _people = open_event()
    app.config["BOARD_STREAMS_PER_WORKER"] = 0
    response = as_role("staff").get(f"/events/{event.id}/board/stream")
    assert response.status_code == 503
    assert response.headers["Retry-After"]


def test_a_stream_needs_staff_and_a_real_event(client, as_role, users):
    event, _people = open_event()
    assert client.get(f"/events/{event.id}/board/stream").status_code == 302  # log in first
    assert as_role("staff").get("/events/999999/board/stream").status_code == 404


def test_many_screens_cost_one_rendering_per_change(app, short_streams):
    """Fifty streams of one event: the watcher renders each version once, for all."""
    event, _people = open_event()
    rendered: list[int] = []

    def render(event_id: int, version: int) -> tuple[int, bytes]:
        rendered.append(event_id)
        return version, b"{}"

    board = live_figures.hub()
    for _ in range(50):
        board.open(event.id, render)
    try:
        answers = []
        threads = [
            threading.Thread(target=lambda: answers.append(board.wait(event.id, -1, 2.0)))
            for _ in range(50)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for _ in range(50):
            board.close(event.id)
    assert len(answers) == 50 and {a[1] for a in answers} == {b"{}"}
    assert rendered == [event.id]


def test_changing_the_events_days_or_zone_moves_the_version_and_the_board_shows_it(app, api):
    """The figures' days come from the event's own row: a board must not keep the old days."""
    event, _people = open_event()
    path = f"/api/v1/events/{event.id}/attendance"
    before = api("staff").get(path).get_json()
    assert len(before["by_day"]) == 1
    version = figures_version(event.id)

    update_event(event, event_input(event, ends_at=event.ends_at + timedelta(days=1)))
    db.session.commit()
    assert figures_version(event.id) > version
    assert len(api("staff").get(path).get_json()["by_day"]) == 2

    version = figures_version(event.id)
    update_event(event, event_input(event, timezone="Asia/Jakarta"))
    db.session.commit()
    assert figures_version(event.id) > version
    version = figures_version(event.id)
    update_event(event, event_input(event, title="Another title"))  # not in the figures
    db.session.commit()
    assert figures_version(event.id) == version


def test_a_poll_of_unchanged_figures_loads_nothing_but_the_version(app, api):
    event, _people = open_event()
    path = f"/api/v1/events/{event.id}/attendance"
    first = api("staff").get(path)
    with count_queries() as statements:
        again = api("staff").get(path)
    assert again.get_data() == first.get_data()
    # The token with the caller's role in the event's office, the version: no event, no
    # figures.
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


def test_a_deleted_events_cached_figures_are_never_sent_again(app, api):
    """An admin passes no office check: the deletion moving the version is what answers 404."""
    event, _people = open_event()
    path = f"/api/v1/events/{event.id}/attendance"
    assert api("admin").get(path).status_code == 200
    version = figures_version(event.id)
    db.session.execute(delete(Participant).where(Participant.event_id == event.id))
    db.session.commit()
    version = figures_version(event.id)
    assert api("admin").get(path).status_code == 200  # empty now, cached at this version
    db.session.delete(event)
    db.session.commit()
    assert figures_version(event.id) > version
    response = api("admin").get(path)
    assert response.status_code == 404 and response.get_json()["error"]
