"""Offices own their events: lists, the API's create rules, reports, the certificate register
and the admin's office pages. The route walk with other offices' people is in test_access."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.conftest import PASSWORD, ApiClient, log_in
from tests.factories import UNIT, make_event, open_event
from tracker.auth.offices import create_office, list_offices, office_roles, set_membership
from tracker.auth.services import create_user, issue_token
from tracker.certificates.services import register_for
from tracker.db import utcnow
from tracker.events.models import Event
from tracker.extensions import db
from tracker.privacy.services import record_request

DINKES = "Dinas Kesehatan Kabupaten Tabanan"
EVENT = {
    "title": "Rapat Koordinasi Posyandu",
    "organiser_unit": DINKES,
    "starts_at": "2025-07-22T09:00:00",
    "ends_at": "2025-07-22T15:00:00",
}


@pytest.fixture
def dinkes(app):
    office = create_office(DINKES, "Jl. Gunung Agung, Tabanan", actor=None, now=utcnow())
    db.session.commit()
    return office


def _account(role: str, *offices):
    user = create_user(f"{role}{len(offices)}@dinkes.test", PASSWORD, role, offices=list(offices))
    db.session.commit()
    return user


def _api(app, user) -> ApiClient:
    token = issue_token(user)
    db.session.commit()
    return ApiClient(app.test_client(), token)


def test_lists_show_only_the_callers_offices(app, client, users, dinkes):
    ours = make_event(title="Pelatihan Media Sosial")
    theirs = make_event(title="Rapat Posyandu", organiser_unit=DINKES)
    assert ours.office.name == UNIT and theirs.office_id == dinkes.id
    page = log_in(client, users.organiser).get("/events?scope=upcoming").get_data(as_text=True)
    assert "Pelatihan Media Sosial" in page and "Rapat Posyandu" not in page
    listed = _api(app, users.staff).get("/api/v1/events").get_json()["events"]
    assert [e["id"] for e in listed] == [ours.id]
    everything = _api(app, users.admin).get("/api/v1/events").get_json()["events"]
    assert {e["id"] for e in everything} == {ours.id, theirs.id}


def test_an_event_of_another_office_is_404_in_pages_and_api(app, client, users, dinkes):
    theirs = make_event(title="Rapat Posyandu", organiser_unit=DINKES)
    assert log_in(client, users.organiser).get(f"/events/{theirs.id}").status_code == 404
    response = _api(app, users.organiser).get(f"/api/v1/events/{theirs.id}/summary")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert _api(app, users.admin).get(f"/api/v1/events/{theirs.id}").status_code == 200


def test_staff_in_one_office_and_organiser_in_another(app, client, dinkes, users):
    """The role counts per office: staff at Dinkes may scan there but not export."""
    home = users.organiser.memberships[0].office
    both = _account("organiser", home)
    set_membership(both, dinkes, "staff", actor=None, now=utcnow())
    db.session.commit()
    theirs = make_event(organiser_unit=DINKES)
    log_in(client, both)
    assert client.get(f"/events/{theirs.id}/scan").status_code == 200
    assert client.get(f"/events/{theirs.id}/summary.csv").status_code == 403
    assert office_roles(both.id) == {home.id: "organiser", dinkes.id: "staff"}


def test_the_role_read_with_the_login_follows_every_change_at_once(app, client, dinkes):
    """The caller's role in the event's office is read in the same statement as the login
    (token or cookie; tracker.auth.access.with_office_role): each request reads it anew, so
    a change of role or a removal counts from the next request, whichever way one logs in."""
    theirs = make_event(organiser_unit=DINKES)
    person = _account("organiser")
    api = _api(app, person)
    browser = log_in(client, person)
    summary, page = f"/api/v1/events/{theirs.id}/summary", f"/events/{theirs.id}/summary.csv"

    def answers() -> tuple[int, int]:
        return api.get(summary).status_code, browser.get(page).status_code

    assert answers() == (404, 404)  # not a member: nothing to see
    set_membership(person, dinkes, "organiser", actor=None, now=utcnow())
    db.session.commit()
    assert answers() == (200, 200)
    set_membership(person, dinkes, "staff", actor=None, now=utcnow())
    db.session.commit()
    assert answers() == (403, 403)  # staff there: no exports
    set_membership(person, dinkes, None, actor=None, now=utcnow())
    db.session.commit()
    assert answers() == (404, 404)


def test_api_create_lands_in_the_office_the_unit_names(app, users, dinkes):
    organiser = _account("organiser", dinkes)
    made = _api(app, organiser).post("/api/v1/events", json=EVENT)
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["office"] == {"id": dinkes.id, "name": DINKES}


def test_api_create_with_another_unit_lands_in_the_only_office(app, users, dinkes):
    organiser = _account("organiser", dinkes)
    body = {**EVENT, "organiser_unit": "Bidang Kesehatan Masyarakat"}
    made = _api(app, organiser).post("/api/v1/events", json=body)
    assert made.status_code == 201
    assert made.get_json()["office"]["name"] == DINKES
    assert made.get_json()["organiser_unit"] == "Bidang Kesehatan Masyarakat"


def test_api_create_for_an_office_one_does_not_belong_to_is_refused(app, users, dinkes):
    made = _api(app, users.organiser).post("/api/v1/events", json=EVENT)
    assert made.status_code == 422
    assert made.get_json()["error"]["fields"]["organiser_unit"]
    assert db.session.query(Event).count() == 0


def test_api_create_with_no_office_named_and_several_offices_is_refused(app, users, dinkes):
    both = _account("organiser", users.organiser.memberships[0].office, dinkes)
    body = {**EVENT, "organiser_unit": "Bidang Kesehatan Masyarakat"}
    made = _api(app, both).post("/api/v1/events", json=body)
    assert made.status_code == 422 and DINKES in made.get_json()["error"]["message"]


def test_an_admins_call_makes_a_new_office(app, users):
    body = {**EVENT, "organiser_unit": "Kecamatan  Kediri"}
    made = _api(app, users.admin).post("/api/v1/events", json=body)
    assert made.status_code == 201
    assert made.get_json()["office"]["name"] == "Kecamatan Kediri"


def test_the_report_is_per_office(app, client, users, dinkes, clock):
    make_event(title="Pelatihan Media Sosial")
    make_event(title="Rapat Posyandu", organiser_unit=DINKES)
    page = log_in(client, users.organiser).get("/reports").get_data(as_text=True)
    assert "Pelatihan Media Sosial" in page and "Rapat Posyandu" not in page
    asked = client.get(f"/reports?unit={DINKES}").get_data(as_text=True)
    assert "Rapat Posyandu" not in asked
    rows = _api(app, users.admin).get("/api/v1/reports").get_json()
    assert len(rows["events"]) == 2


def test_privacy_requests_are_listed_per_office(app, client, users, dinkes):
    _event, people = open_event()
    theirs = make_event(organiser_unit=DINKES)
    from tests.factories import PEOPLE, register

    other = register(theirs, PEOPLE[:1])[0]
    record_request(people[0], "access", "", utcnow())
    hidden = record_request(other, "access", "", utcnow())
    db.session.commit()
    page = log_in(client, users.organiser).get("/privacy/requests").get_data(as_text=True)
    assert f'/privacy/requests/{hidden.id}"' not in page
    assert client.get(f"/privacy/requests/{hidden.id}").status_code == 404


def test_the_certificate_register_is_the_offices(app, users, dinkes):
    one = make_event(organiser_unit=UNIT)
    two = make_event(organiser_unit="Diskominfo  kabupaten tabanan")  # the same office
    three = make_event(organiser_unit=DINKES)
    now = utcnow()
    assert register_for(one, now).id == register_for(two, now).id
    assert register_for(three, now).id != register_for(one, now).id
    assert register_for(three, now).office.name == DINKES


def test_admin_makes_an_office_and_adds_a_member(client, users):
    log_in(client, users.admin)
    made = client.post("/admin/offices", data={"name": "Kecamatan Kediri", "address": "Kediri"})
    assert made.status_code == 302
    office_id = int(made.headers["Location"].rsplit("/", 1)[1])
    added = client.post(
        f"/admin/offices/{office_id}/members",
        data={"email": users.staff.email, "role": "staff"},
    )
    assert added.status_code == 302
    assert office_roles(users.staff.id)[office_id] == "staff"
    page = client.get(f"/admin/offices/{office_id}").get_data(as_text=True)
    assert users.staff.email in page
    again = client.post("/admin/offices", data={"name": "kecamatan kediri"})
    assert again.status_code == 200 and 'class="error"' in again.get_data(as_text=True)
    assert [o.name for o in list_offices()] == [UNIT, "Kecamatan Kediri"]
    taken_out = client.post(
        f"/admin/offices/{office_id}/members", data={"email": users.staff.email, "role": ""}
    )
    assert taken_out.status_code == 302 and office_id not in office_roles(users.staff.id)


def test_admin_gives_the_office_a_logo_for_its_letterhead(client, users):
    office = users.organiser.memberships[0].office
    log_in(client, users.admin)
    png = io.BytesIO()
    Image.new("RGBA", (120, 60), (0, 90, 160, 255)).save(png, "PNG")
    sent = client.post(
        f"/admin/offices/{office.id}/logo",
        data={"logo": (io.BytesIO(png.getvalue()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    db.session.refresh(office)
    assert office.logo
    shown = client.get(f"/admin/offices/{office.id}/logo.jpg")
    assert shown.status_code == 200 and shown.data[:2] == b"\xff\xd8"  # re-encoded as JPEG
    bad = client.post(
        f"/admin/offices/{office.id}/logo",
        data={"logo": (io.BytesIO(b"<svg/>"), "logo.svg")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 200 and 'class="error"' in bad.get_data(as_text=True)
    removed = client.post(f"/admin/offices/{office.id}/logo", data={"remove": "y"})
    assert removed.status_code == 302
    db.session.refresh(office)
    assert office.logo == ""
    assert (
        log_in(client, users.organiser).get(f"/admin/offices/{office.id}/logo.jpg").status_code
        == 403
    )
