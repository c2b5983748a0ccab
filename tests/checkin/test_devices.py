"""Door devices: paired by the QR on the organiser's screen, limited to scanning one event,
expiring after it, listed with their last use, revoked in one tap; and neither a device nor a
staff account can collect participants' contact data (issue 13, the harvest path)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import log_in
from tests.factories import open_event
from tests.test_access import _routes, _url_with
from tracker.audit import AuditEntry
from tracker.auth.access import rule_for
from tracker.auth.devices import DEVICE_COOKIE, PAIRING_TTL
from tracker.auth.models import DoorDevice
from tracker.extensions import db


def _pair_link(client, users, event, label="HP Wayan") -> str:
    page = log_in(client, users.organiser).post(
        f"/events/{event.id}/devices", data={"label": label}
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="pairing-qr"' in html
    return re.search(r"<code>https?://[^/]+(/pair/[^<]+)</code>", html).group(1)


@pytest.fixture
def device(app, client, users):
    """A paired door device's client, for the home office's open event."""
    event, people = open_event()
    link = _pair_link(client, users, event)
    phone = app.test_client()
    answer = phone.get(link)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"/events/{event.id}/scan"
    )
    assert phone.get_cookie(DEVICE_COOKIE) is not None
    return phone, event, people


def _scan(phone, event, body):
    """As the scanner page does: a CSRF token from the page's token route, then the scan."""
    token = phone.get(f"/events/{event.id}/scan/token").get_json()["csrf_token"]
    return phone.post(
        f"/api/v1/events/{event.id}/checkins", json=body, headers={"X-CSRFToken": token}
    )


def test_a_paired_device_scans_its_event(device):
    phone, event, (wayan, *_rest) = device
    assert phone.get(f"/events/{event.id}/scan").status_code == 200
    scanned = _scan(phone, event, {"code": wayan.ticket_code})
    assert scanned.status_code == 201
    assert phone.get(f"/api/v1/events/{event.id}/tickets").status_code == 200
    assert phone.get(f"/api/v1/events/{event.id}/attendance").status_code == 200
    stored = db.session.scalar(select(DoorDevice))
    assert stored.last_used_at is not None and stored.token_hash and stored.pairing_hash is None
    listed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.ticket_list"))
    assert listed.actor_label.startswith("device HP Wayan")


def test_a_device_reaches_nothing_else(device, users):
    phone, event, (wayan, *_rest) = device
    other, _people = open_event("Rapat Koordinasi")
    assert phone.get(f"/events/{other.id}/scan").status_code == 404
    assert phone.get(f"/api/v1/events/{other.id}/tickets").status_code == 404
    assert phone.get(f"/events/{event.id}").status_code == 403
    assert phone.get(f"/events/{event.id}/checkins").status_code == 403
    assert phone.get(f"/api/v1/events/{event.id}/participants").status_code == 403
    assert phone.get("/events").status_code == 403
    late = {"participant_id": wayan.id, "late_reason": "HP petugas mati"}
    assert _scan(phone, event, late).status_code == 403


def test_the_pairing_code_works_once_and_briefly(app, client, users, clock):
    event, _people = open_event()
    link = _pair_link(client, users, event)
    assert app.test_client().get(link).status_code == 302
    assert app.test_client().get(link).status_code == 404  # a photo of the QR pairs nobody
    stale = _pair_link(client, users, event, "Laptop meja 2")
    clock.shift(PAIRING_TTL + timedelta(seconds=1))
    assert app.test_client().get(stale).status_code == 404
    assert app.test_client().get("/pair/made-up").status_code == 404


def test_revoked_in_one_tap_and_listed_with_its_last_use(device, client, users):
    phone, event, (wayan, *_rest) = device
    assert _scan(phone, event, {"code": wayan.ticket_code}).status_code == 201
    page = log_in(client, users.organiser).get(f"/events/{event.id}").get_data(as_text=True)
    assert "HP Wayan" in page and 'id="devices"' in page
    stored = db.session.scalar(select(DoorDevice))
    assert client.post(f"/events/{event.id}/devices/{stored.id}/revoke").status_code == 302
    refused = phone.get(f"/api/v1/events/{event.id}/tickets")
    assert refused.status_code == 401
    assert phone.get(f"/events/{event.id}/scan").status_code == 302  # to the login page


def test_a_device_expires_after_the_event(device, clock):
    phone, event, _people = device
    _opens, closes = event.checkin_window()
    clock.move_to(closes + timedelta(hours=24, seconds=1))
    assert phone.get(f"/api/v1/events/{event.id}/tickets").status_code == 401


@pytest.mark.parametrize("who", ["staff", "device"])
def test_no_route_gives_staff_or_a_device_contact_data(app, client, users, device, who):
    """Done-bar of issue 13.2: walk every route a staff account or a paired device may open,
    with the real ids of the event, and find no participant's phone or e-mail."""
    phone, event, people = device
    caller = log_in(app.test_client(), users.staff) if who == "staff" else phone
    ids = {"event_id": event.id, "participant_id": people[0].id}
    leaks = []
    for rule, method in _routes(app):
        if method != "GET" or "code" in rule.arguments or "token" in rule.arguments:
            continue  # the participant's own pages take their ticket code: not the staff's
        body = caller.get(_url_with(rule, ids)).get_data(as_text=True)
        for person in people:
            phone_digits = person.phone.lstrip("+")
            if person.email in body or phone_digits in body:
                leaks.append((rule.rule, person.name))
    assert leaks == []


def test_a_device_walks_into_nothing_but_its_own_scanner(app, device):
    """Every route as the paired device: the scanner routes of its event only (404 for another
    event's), 403 for every other route that needs an account."""
    phone, event, people = device
    other, _people = open_event("Rapat Koordinasi")
    wrong = []
    for rule, method in _routes(app):
        with app.test_request_context():
            access = rule_for(rule.endpoint)
        if access.minimum is None:
            continue
        mine = {"event_id": event.id, "participant_id": people[0].id}
        status = phone.open(_url_with(rule, mine), method=method).status_code
        if getattr(app.view_functions[rule.endpoint], "for_devices", False):
            theirs = phone.open(_url_with(rule, {"event_id": other.id}), method=method)
            if theirs.status_code != 404:
                wrong.append((method, rule.rule, theirs.status_code, "another event reached"))
        elif status != 403:
            wrong.append((method, rule.rule, status, "not refused"))
    assert wrong == []
