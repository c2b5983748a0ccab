"""Door self check-in: signed codes, the light page, look-ups that name nobody else, walk-ins."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import log_in
from tests.factories import dispose, open_event
from tracker.checkin import door_codes as door
from tracker.checkin import door_passes
from tracker.checkin.models import CheckIn, Scan
from tracker.events.models import Participant
from tracker.events.services import set_archived
from tracker.extensions import db, limiter

SECRET = "test-secret"
T0 = datetime(2030, 7, 23, 1, 0, 0, tzinfo=UTC)  # 09:00 WITA, at the start of a 30 s slot


# --- the codes ----------------------------------------------------------------------------------


def test_poster_code_names_its_event():
    token = door.poster_code(SECRET, 7)
    assert door.read_code(SECRET, token, T0) == door.DoorCode(7, door.POSTER)
    assert "." in token and not token.isdigit()  # signed, never a bare event id


@pytest.mark.parametrize(
    "token",
    [
        "7",
        "p.7",
        door.poster_code("another-secret", 7),
        door.poster_code(SECRET, 7)[:-2] + "xx",
    ],
)
def test_forged_codes_are_refused(token):
    with pytest.raises(door.DoorCodeError) as error:
        door.read_code(SECRET, token, T0)
    assert error.value.reason == "forged"


def test_rotating_code_current_and_previous_slot_only():
    token = door.rotating_code(SECRET, 7, T0)
    for later in (0, 10, 29.9, 30, 59.9):  # this slot and the next one
        assert door.read_code(SECRET, token, T0 + timedelta(seconds=later)).event_id == 7
    for later in (60, 61, 3600):  # two slots on: a forwarded photo
        with pytest.raises(door.DoorCodeError) as error:
            door.read_code(SECRET, token, T0 + timedelta(seconds=later))
        assert error.value.reason == "expired"
    with pytest.raises(door.DoorCodeError):  # a code from the future is not ours either
        door.read_code(SECRET, token, T0 - timedelta(seconds=31))


def test_rotating_codes_change_every_slot():
    codes = {door.rotating_code(SECRET, 7, T0 + timedelta(seconds=s)) for s in (0, 29, 30, 60)}
    assert len(codes) == 3


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture
def opened(app, users):
    """An open event and the door page's form fields, as a phone gets them from the poster."""
    event, people = open_event()
    return event, people


def _open_door(client, event, token=None):
    token = token or door.poster_code("test-secret", event.id)
    response = client.get(f"/door/{token}")
    assert response.status_code == 200, response.data
    page = response.get_data(as_text=True)
    (door_pass,) = set(re.findall(r'name="door_pass"[^>]*value="([^"]+)"', page)) or set(
        re.findall(r'value="([^"]+)"[^>]*name="door_pass"', page)
    )
    return page, door_pass


def _check_in(client, event, who, tumbler="yes", door_pass=None):
    door_pass = door_pass or _open_door(client, event)[1]
    return client.post(
        f"/door/{event.id}/checkin", data={"door_pass": door_pass, "who": who, "tumbler": tumbler}
    )


def test_door_page_works_without_javascript(opened, client):
    event, _people = opened
    page, _pass = _open_door(client, event)
    assert event.title in page
    assert "<script" not in page  # two plain forms
    assert f'action="/door/{event.id}/checkin"' in page
    assert f'action="/door/{event.id}/walk-in"' in page  # this event takes walk-ins
    assert "tumbler" in page.lower()
    assert "Diskominfo Kabupaten Tabanan" in page  # the privacy notice names the organiser


def test_check_in_with_phone_number(opened, client):
    event, (wayan, luh, made) = opened
    response = _check_in(client, event, "0812 3000 4000", tumbler="yes")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-status="checked_in"' in page
    assert "I Wayan Sudarsana" in page
    assert luh.name not in page and made.name not in page
    checkin = db.session.scalar(select(CheckIn))
    assert checkin.participant_id == wayan.id
    assert (checkin.method, checkin.brought_tumbler, checkin.staff_id) == ("door", True, None)

    again = _check_in(client, event, "+6281230004000", tumbler="no")
    assert 'data-status="already_checked_in"' in again.get_data(as_text=True)
    assert db.session.scalar(select(CheckIn.brought_tumbler)) is True  # not overwritten


def test_check_in_with_email_and_with_ticket_code(opened, client):
    event, (wayan, luh, _made) = opened
    by_email = _check_in(client, event, "  LUH@tabanankab.go.id ", tumbler="no")
    assert "Ni Luh Ariani" in by_email.get_data(as_text=True)
    by_ticket = _check_in(client, event, f"http://x/t/{wayan.ticket_code}")
    assert "I Wayan Sudarsana" in by_ticket.get_data(as_text=True)
    methods = db.session.scalars(select(CheckIn.method)).all()
    assert methods == ["door", "door"]


@pytest.mark.parametrize("who", ["0812-9999-0000", "nobody@tabanankab.go.id", "wrong-code-123"])
def test_a_lookup_that_finds_nobody_names_nobody(opened, client, who):
    event, people = opened
    response = _check_in(client, event, who)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'data-status="invalid"' in page
    for person in people:
        assert person.name not in page
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0
    scan = db.session.scalar(select(Scan))
    assert scan.result == "invalid" and scan.method == "door"
    assert "9999" not in scan.code_prefix and "nobody" not in scan.code_prefix  # contacts not kept


def test_a_form_without_the_tumbler_answer_is_shown_again(opened, client):
    event, _people = opened
    response = _check_in(client, event, "0812-3000-4000", tumbler="")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_forged_and_expired_codes_do_not_open_the_door(opened, client):
    event, _people = opened
    assert client.get("/door/not-a-code").status_code == 404
    old = door.rotating_code("test-secret", event.id, datetime.now(UTC) - timedelta(minutes=5))
    response = client.get(f"/door/{old}")
    assert response.status_code == 410
    assert 'data-status="expired"' in response.get_data(as_text=True)
    fresh = door.rotating_code("test-secret", event.id, datetime.now(UTC))
    assert client.get(f"/door/{fresh}").status_code == 200


def test_posting_without_a_good_pass_is_refused(opened, client, clock):
    event, _people = opened
    _page, stale = _open_door(client, event)
    clock.shift(door_passes.PASS_MAX_AGE + timedelta(seconds=1))
    for door_pass, status in (("", 404), ("forged", 404), (stale, 410)):
        response = client.post(
            f"/door/{event.id}/checkin",
            data={"door_pass": door_pass, "who": "0812-3000-4000", "tumbler": "yes"},
        )
        assert response.status_code == status
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_poster_works_only_in_the_check_in_window(app, users, client):
    now = datetime.now(UTC)
    tomorrow, _people = open_event(starts_at=now + timedelta(days=1))
    response = client.get(f"/door/{door.poster_code('test-secret', tomorrow.id)}")
    assert response.status_code == 409
    assert 'data-status="not_open"' in response.get_data(as_text=True)
    draft, _people = open_event("Draf", status="draft")
    assert client.get(f"/door/{door.poster_code('test-secret', draft.id)}").status_code == 409


def _walk_in(client, event, **fields):
    _page, door_pass = _open_door(client, event)
    data = {
        "w-door_pass": door_pass,
        "w-name": "Komang Ayu Lestari",
        "w-agency": "Dinas Pariwisata Kabupaten Tabanan",
        "w-position": "Staf",
        "w-phone": "0813-5555-1234",
        "w-email": "",
        "w-tumbler": "yes",
        "w-consent": "y",
    }
    data.update({f"w-{k}": v for k, v in fields.items()})
    return client.post(f"/door/{event.id}/walk-in", data=data)


def test_walk_in_registers_and_checks_in(opened, client):
    event, _people = opened
    response = _walk_in(client, event)
    assert response.status_code == 200, response.data
    assert "Komang Ayu Lestari" in response.get_data(as_text=True)
    person = db.session.scalar(select(Participant).where(Participant.source == "walk_in"))
    assert person.phone == "+6281355551234"
    assert person.legal_basis == "consent" and person.consent_at is not None
    checkin = db.session.scalar(select(CheckIn).where(CheckIn.participant_id == person.id))
    assert checkin.method == "walk_in" and checkin.brought_tumbler is True


@pytest.mark.parametrize(
    "fields",
    [{"consent": ""}, {"phone": "", "email": ""}, {"name": ""}, {"phone": "12"}],
)
def test_walk_in_needs_consent_contact_and_name(opened, client, fields):
    event, _people = opened
    response = _walk_in(client, event, **fields)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(Participant).where(Participant.source == "walk_in")
        )
        == 0
    )


def test_walk_in_with_a_registered_phone_names_nobody(opened, client):
    """The walk-in form does not tell whether a number is registered: the answer is the same
    as a new walk-in's, naming the person as typed; the registered person is checked in."""
    event, (wayan, *_rest) = opened
    new = _walk_in(client, event, name="Komang Baru", phone="0813-7777-1234")
    known = _walk_in(client, event, name="Komang Lain", phone="0812-3000-4000")
    assert new.status_code == known.status_code == 200
    for response, name in ((new, "Komang Baru"), (known, "Komang Lain")):
        page = response.get_data(as_text=True)
        assert 'data-status="checked_in"' in page and name in page
        assert wayan.name not in page and "registered" not in page.lower()
    checked = db.session.scalars(select(CheckIn.participant_id)).all()
    assert wayan.id in checked and len(checked) == 2
    assert (
        db.session.scalar(
            select(func.count()).select_from(Participant).where(Participant.source == "walk_in")
        )
        == 1
    )  # the registered phone made no second participant


def test_walk_ins_refused_when_the_event_does_not_take_them(app, users, client):
    event, _people = open_event(walk_ins=False)
    page, _pass = _open_door(client, event)
    assert "walk-in" not in page
    response = _walk_in(client, event)
    assert response.status_code == 409
    assert (
        db.session.scalar(
            select(func.count()).select_from(Participant).where(Participant.source == "walk_in")
        )
        == 0
    )


# --- the door screen ----------------------------------------------------------------------------


def test_door_screen_serves_a_fresh_rotating_code(opened, client, users):
    event, _people = opened
    assert client.get(f"/events/{event.id}/door/display").status_code == 302  # log in first
    log_in(client, users.staff)
    page = client.get(f"/events/{event.id}/door/display").get_data(as_text=True)
    assert "js/door-display.js" in page and "data:image/png;base64," in page
    code = client.get(f"/events/{event.id}/door/code.json").get_json()
    assert code["slot_seconds"] == 30 and 0 < code["refresh_in"] <= 30
    token = code["url"].rsplit("/door/", 1)[1]
    assert door.read_code("test-secret", token, datetime.now(UTC)).kind == door.ROTATING
    assert client.get(f"/door/{token}").status_code == 200


# --- the rate limit -----------------------------------------------------------------------------


@pytest.fixture
def limited_app(make_app, app) -> Iterator[Flask]:
    """An app with rate limiting on. The limiter is one object shared by every app of the
    session, so it is switched back off (and emptied) afterwards."""
    was = limiter.enabled
    limited = make_app(RATELIMIT_ENABLED=True, DOOR_LOOKUP_LIMIT="3 per minute")
    yield limited
    dispose(limited)
    limiter.reset()
    limiter.enabled = was


def test_phone_and_email_lookups_are_rate_limited(limited_app, users):
    event, (wayan, *_rest) = open_event()
    client = limited_app.test_client()
    _page, door_pass = _open_door(client, event)
    statuses = [
        _check_in(client, event, f"0812-9999-000{i}", door_pass=door_pass).status_code
        for i in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]
    # A ticket code cannot be guessed, so it is not limited: the door still works.
    by_ticket = _check_in(client, event, wayan.ticket_code, door_pass=door_pass)
    assert by_ticket.status_code == 200


def test_door_page_needs_no_cookie_even_with_csrf_on(make_app, app, users, request):
    """Some phones' browsers refuse cookies: the door works without one (the pass suffices)."""
    strict = make_app(WTF_CSRF_ENABLED=True)
    request.addfinalizer(lambda: dispose(strict))
    event, (wayan, *_rest) = open_event()
    client = strict.test_client(use_cookies=False)
    page, door_pass = _open_door(client, event)
    assert "csrf_token" not in page
    response = client.post(
        f"/door/{event.id}/checkin",
        data={"door_pass": door_pass, "who": "0812-3000-4000", "tumbler": "yes"},
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert 'data-status="checked_in"' in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(CheckIn.participant_id)) == wayan.id


def test_an_archived_event_keeps_its_door_shut(opened, client):
    """Archived while its window is open: the poster, a page opened before, and a walk-in are
    all refused (the door rule, tracker.checkin.door_rule, is the same one the scan obeys)."""
    event, (wayan, *_rest) = opened
    _page, door_pass = _open_door(client, event)
    set_archived(event, True, datetime.now(UTC))
    db.session.commit()
    assert client.get(f"/door/{door.poster_code('test-secret', event.id)}").status_code == 409
    refused = _check_in(client, event, wayan.ticket_code, door_pass=door_pass)
    assert refused.status_code == 409 and 'data-status="not_open"' in refused.get_data(True)
    assert _walk_in_with_pass(client, event, door_pass).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def _walk_in_with_pass(client, event, door_pass):
    data = {
        "w-door_pass": door_pass,
        "w-name": "Komang Ayu Lestari",
        "w-agency": "Dinas Pariwisata Kabupaten Tabanan",
        "w-phone": "0813-5555-1234",
        "w-tumbler": "yes",
        "w-consent": "y",
    }
    return client.post(f"/door/{event.id}/walk-in", data=data)
