"""Bad input gets a clear answer and loses nothing: no 500, nothing half-saved.

Complements tests/api/test_events_api.py and tests/events/test_pages.py (malformed JSON, wrong
types, bad dates, unknown zones, non-spreadsheets) with what fuzzing found and what those do
not cover: NUL characters, JSON nested too deeply, ids too large for the database, years out
of range, huge uploads to a page, damaged workbooks and double submissions.

The last section holds failures found in other features' code, each with the request that
reproduces it, as strict xfails: when the fix lands the test passes, and its mark must go.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import log_in
from tests.factories import add_people, make_event
from tracker.events.models import Event, Participant, ParticipantImport
from tracker.extensions import db

DATA = Path(__file__).parent / "data"
EVENT = {
    "title": "Pelatihan Pengelolaan Media Sosial",
    "organiser_unit": "Diskominfo Kabupaten Tabanan",
    "starts_at": "2026-07-21T09:00:00",
    "ends_at": "2026-07-21T15:00:00",
}
EVENT_FORM = {
    "title": "Pelatihan Pengelolaan Media Sosial",
    "organiser_unit": "Diskominfo Kab. Tabanan",
    "starts_at": "2026-07-21T09:00",
    "ends_at": "2026-07-21T15:00",
    "timezone": "Asia/Makassar",
    "venue_id": "0",
    "new_venue_name": "Kantor Diskominfo Tabanan",
    "status": "open",
}
PERSON_FORM = {
    "name": "Ni Made Ari Widayani",
    "agency": "Dinas Kesehatan Kabupaten Tabanan",
    "category": "participant",
    "phone": "0812-3456-7890",
    "legal_basis": "public_service",
}


def _events() -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


def _people(event_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Participant.event_id == event_id))


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


# --- NUL characters: PostgreSQL cannot hold them, so nobody may send them --------------------


@pytest.mark.parametrize(
    "raw",
    [
        '{"title": "Pelatihan\\u0000", "organiser_unit": "x", '
        '"starts_at": "2026-07-21T09:00:00", "ends_at": "2026-07-21T15:00:00"}',
        '{"topics": ["a", {"\\u0000": 1}], "title": "x"}',
        '{"\\u0000": "key"}',
    ],
)
def test_nul_in_a_json_body_is_400_and_saves_nothing(api, raw):
    response = api("organiser").post(
        "/api/v1/events", data=raw, headers={"Content-Type": "application/json"}
    )
    _error(response, 400, "invalid_characters")
    assert _events() == 0


def test_nul_in_the_query_or_path_is_400_not_a_database_error(api):
    event = make_event()
    organiser = api("organiser")
    _error(organiser.get(f"/api/v1/events/{event.id}/participants?q=a%00b"), 400,
           "invalid_characters")  # fmt: skip
    _error(organiser.get("/api/v1/checklist-templates/x%00y"), 400, "invalid_characters")


def test_nul_in_a_form_is_a_400_page_and_saves_nothing(client, users):
    log_in(client, users.organiser)
    response = client.post("/events/new", data={**EVENT_FORM, "title": "Pelatihan\x00"})
    assert response.status_code == 400
    assert "text/html" in response.headers["Content-Type"]
    assert _events() == 0


def test_a_file_may_hold_nul_bytes_the_form_fields_may_not(client, users):
    """The guard reads form fields, not uploaded files: the importer judges those itself."""
    event = make_event()
    log_in(client, users.organiser)
    response = client.post(
        f"/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(b"Nama;Instansi\r\n\x00\x00\x00"), "peserta.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200  # the form again, with the importer's message
    assert db.session.scalar(select(func.count()).select_from(ParticipantImport)) == 0


# --- JSON the parser cannot take, ids the database cannot hold ---------------------------------


def test_json_nested_too_deeply_is_400(api):
    for body in ("[" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        response = api("organiser").post(
            "/api/v1/events", data=body, headers={"Content-Type": "application/json"}
        )
        _error(response, 400, "invalid_json")


@pytest.mark.parametrize("raw", ["null", "1", '"Pelatihan"', "[]", "[[]]", "true"])
@pytest.mark.parametrize("where", ["/events", "/events/{id}/participants", "/events/{id}/checkins"])
def test_json_that_is_not_an_object_is_a_clear_4xx(api, raw, where):
    event = make_event()
    url = "/api/v1" + where.format(id=event.id)
    response = api("organiser").post(url, data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422), (url, raw, response.status_code)
    assert response.get_json()["error"]["message"]
    assert _people(event.id) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/99999999999999999999999",
        "/api/v1/events/2147483648/participants",
        "/api/v1/events/1/checkins/9508254962627379200",
    ],
)
def test_an_id_too_large_for_the_database_is_404(api, path):
    organiser = api("organiser")
    for method in ("GET", "POST", "PATCH", "DELETE"):
        response = organiser._call(method, path, json={})
        assert response.status_code in (404, 405), (method, path, response.status_code)
        assert response.get_json()["error"]["code"] in ("not_found", "method_not_allowed")


def test_an_id_too_large_in_a_page_url_is_a_404_page(client, users):
    log_in(client, users.organiser)
    response = client.get("/events/99999999999999999999/participants")
    assert response.status_code == 404
    assert "text/html" in response.headers["Content-Type"]


def test_a_venue_id_too_large_is_a_field_error(api):
    body = {**EVENT, "venue_id": 2**63}
    error = _error(api("organiser").post("/api/v1/events", json=body), 422, "validation_error")
    assert "venue_id" in error["fields"]


# --- times out of range -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("starts_at", "0001-01-01T00:00:00+08:00"),  # before year 1 in UTC: overflow
        ("ends_at", "9999-12-31T23:00:00-08:00"),  # past year 9999 in UTC: overflow
        ("ends_at", "9999-12-31T12:00:00"),  # stored, but no page could show it in WITA
        ("starts_at", "0226-07-21T09:00:00"),  # a slip of the year
    ],
)
def test_a_year_out_of_range_is_a_field_error(api, field, value):
    error = _error(
        api("organiser").post("/api/v1/events", json={**EVENT, field: value}),
        422,
        "validation_error",
    )
    assert field in error["fields"]
    assert _events() == 0


def test_a_year_out_of_range_in_the_event_form_is_shown_at_the_field(client, users):
    log_in(client, users.organiser)
    response = client.post("/events/new", data={**EVENT_FORM, "starts_at": "0001-01-01T00:00"})
    assert response.status_code == 200
    assert b'aria-invalid="true"' in response.data
    assert _events() == 0


def test_an_unknown_time_zone_in_the_event_form_is_a_form_error(client, users):
    log_in(client, users.organiser)
    response = client.post("/events/new", data={**EVENT_FORM, "timezone": "Bali/Denpasar"})
    assert response.status_code == 200
    assert b'aria-invalid="true"' in response.data
    assert _events() == 0


# --- uploads: too big, damaged ----------------------------------------------------------------


@pytest.fixture
def small_app(make_app, app):
    """The app with a 64 KiB body limit, so 'too large' needs no 16 MiB upload."""
    small = make_app(MAX_CONTENT_LENGTH=64 * 1024)
    yield small
    with small.app_context():
        db.engine.dispose()


def test_an_upload_too_large_for_a_page_is_a_413_page(small_app, users):
    event = make_event()
    client = log_in(small_app.test_client(), users.organiser)
    response = client.post(
        f"/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(b"Nama;Instansi\r\n" + b"x" * 100_000), "peserta.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "text/html" in response.headers["Content-Type"]
    assert db.session.scalar(select(func.count()).select_from(ParticipantImport)) == 0


def test_an_upload_too_large_for_the_api_is_413_json(small_app, users):
    from tracker.auth.services import issue_token

    event = make_event()
    token = issue_token(users.organiser)
    db.session.commit()
    response = small_app.test_client().post(
        f"/api/v1/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(b"x" * 100_000), "peserta.xlsx")},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}"},
    )
    _error(response, 413, "request_entity_too_large")
    assert _people(event.id) == 0


def _damaged_xlsx() -> bytes:
    data = bytearray((DATA / "peserta.xlsx").read_bytes())
    return bytes(data[: len(data) // 2])  # a download cut off halfway


def test_a_damaged_workbook_on_the_import_page_is_a_form_error(client, users):
    event = make_event()
    log_in(client, users.organiser)
    response = client.post(
        f"/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(_damaged_xlsx()), "peserta.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert b'role="alert"' in response.data or b'aria-invalid="true"' in response.data
    assert db.session.scalar(select(func.count()).select_from(ParticipantImport)) == 0
    assert _people(event.id) == 0


def test_a_damaged_workbook_through_the_api_is_a_clear_4xx(api):
    event = make_event()
    response = api("organiser").post(
        f"/api/v1/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(_damaged_xlsx()), "peserta.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (400, 422)
    assert "Excel" in response.get_json()["error"]["message"]
    assert _people(event.id) == 0


# --- double submissions -----------------------------------------------------------------------


def test_the_same_participant_form_sent_twice_saves_one_row(client, users):
    event = make_event()
    log_in(client, users.organiser)
    url = f"/events/{event.id}/participants/new"
    first = client.post(url, data=PERSON_FORM)
    second = client.post(url, data=PERSON_FORM)  # the double click, or Back and send again
    assert first.status_code == 302
    assert second.status_code == 200
    assert b"Ni Made Ari Widayani" in second.data  # the message names who is registered
    assert _people(event.id) == 1


def test_the_same_participant_sent_twice_to_the_api_is_409_once_saved(api):
    event = make_event()
    organiser = api("organiser")
    person = {k: v for k, v in PERSON_FORM.items() if k != "legal_basis"}
    url = f"/api/v1/events/{event.id}/participants"
    assert organiser.post(url, json=person).status_code == 201
    error = _error(organiser.post(url, json=person), 409, "duplicate_participant")
    assert error["participant_id"]
    assert _people(event.id) == 1


def test_the_same_import_confirmed_twice_adds_the_rows_once(client, users):
    event = make_event()
    log_in(client, users.organiser)
    upload = client.post(
        f"/events/{event.id}/participants/import",
        data={"file": (io.BytesIO((DATA / "peserta.xlsx").read_bytes()), "peserta.xlsx")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    pending = db.session.scalar(select(ParticipantImport.id))
    confirm = f"/events/{event.id}/participants/import/{pending}"
    client.post(confirm)
    added = _people(event.id)
    again = client.post(confirm)  # the confirm button pressed twice
    assert added > 0
    assert again.status_code in (302, 404, 409)
    assert _people(event.id) == added


# --- found by fuzzing in other features' code: reported to the lead, not fixed here -----------


def test_reported_a_participant_id_too_large_in_a_scan(api):
    event = make_event()
    add_people(event, 1)
    response = api("staff").post(
        f"/api/v1/events/{event.id}/checkins", json={"participant_id": 2**70}
    )
    assert response.status_code in (404, 422)


def test_a_template_version_too_large_is_refused(api):
    response = api("staff").get(
        "/api/v1/checklist-templates/pergub-bali-97-2018?version=" + "9" * 20
    )
    assert response.status_code in (404, 422)


def test_a_control_character_in_a_name_does_not_break_the_summary_xlsx(api):
    event = make_event()
    organiser = api("organiser")
    person = {"name": "I Wayan\x01 Sudarsana", "agency": "Dinas Kesehatan"}
    assert organiser.post(f"/api/v1/events/{event.id}/participants", json=person).status_code == 201
    response = organiser.get(f"/api/v1/events/{event.id}/summary.xlsx")
    assert response.status_code == 200
