"""The events and participants API: answers, and an error object for every bad request."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.events.office_files import daftar_peserta, excel_xlsx
from tests.factories import make_event

DATA = Path(__file__).parent.parent / "data"

EVENT = {
    "title": "Pelatihan Pengelolaan Media Sosial",
    "organiser_unit": "Diskominfo Kabupaten Tabanan",
    "starts_at": "2025-07-22T09:00:00",
    "ends_at": "2025-07-22T15:00:00",
    "timezone": "Asia/Makassar",
    "venue": {
        "name": "Kantor Diskominfo Tabanan",
        "address": "Jl. Pahlawan 19",
        "room": "Ruang Rapat Diskominfo",
        "capacity": 60,
    },
    "expected_participants": 40,
    "allow_walk_ins": True,
    "status": "open",
}


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error


def test_create_event_and_read_it_back(api):
    created = api("organiser").post("/api/v1/events", json=EVENT)
    assert created.status_code == 201
    body = created.get_json()
    assert body["id"] > 0
    assert body["starts_at"] == "2025-07-22T09:00:00+08:00"  # shown in the event's zone
    assert body["venue"]["room"] == "Ruang Rapat Diskominfo"
    fetched = api("staff").get(f"/api/v1/events/{body['id']}").get_json()
    assert fetched == body
    listed = api("staff").get("/api/v1/events").get_json()["events"]
    assert [e["id"] for e in listed] == [body["id"]]


def test_patch_changes_only_what_is_sent(api):
    event_id = api("organiser").post("/api/v1/events", json=EVENT).get_json()["id"]
    patched = api("organiser").patch(
        f"/api/v1/events/{event_id}", json={"status": "closed", "expected_participants": 38}
    )
    assert patched.status_code == 200
    body = patched.get_json()
    assert (body["status"], body["expected_participants"]) == ("closed", 38)
    assert body["title"] == EVENT["title"]
    bad = api("organiser").patch(
        f"/api/v1/events/{event_id}", json={"ends_at": "2025-07-21T09:00:00"}
    )
    assert "ends_at" in _error(bad, 422, "validation_error")["fields"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({**EVENT, "starts_at": "22/07/2025 09:00"}, "starts_at"),
        ({**EVENT, "starts_at": "2025-02-30T09:00:00"}, "starts_at"),
        ({**EVENT, "expected_participants": "empat puluh"}, "expected_participants"),
        ({**EVENT, "status": "cancelled"}, "status"),
        ({**EVENT, "title": ""}, "title"),
        ({**EVENT, "unknown_field": 1}, "unknown_field"),
        ({**EVENT, "venue": {"name": "X", "capacity": -5}}, "venue.capacity"),
        ({**EVENT, "timezone": "Bali/Denpasar"}, "timezone"),
        ({**EVENT, "ends_at": "2025-07-22T08:00:00"}, "ends_at"),
    ],
)
def test_bad_events_get_422_with_the_field(api, body, field):
    error = _error(api("organiser").post("/api/v1/events", json=body), 422, "validation_error")
    assert field in error["fields"]


def test_malformed_json_and_wrong_content_type(api):
    client = api("organiser")
    _error(
        client.post(
            "/api/v1/events", data="{not json", headers={"Content-Type": "application/json"}
        ),
        400,
        "invalid_json",
    )
    _error(client.post("/api/v1/events", data="title=x"), 400, "invalid_json")
    _error(client.post("/api/v1/events", json=[1, 2]), 422, "validation_error")


def test_huge_bodies_are_refused_as_json(api, app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = api("organiser").post(
        "/api/v1/events", data=big, headers={"Content-Type": "application/json"}
    )
    _error(response, 413, "request_entity_too_large")


def test_unknown_routes_and_methods_answer_json(api):
    _error(api("staff").get("/api/v1/nothing"), 404, "not_found")
    _error(api("staff").get("/api/v1/events/999999"), 404, "not_found")
    _error(api("staff").delete("/api/v1/events"), 405, "method_not_allowed")


def test_roles_and_tokens(api):
    _error(api(None).get("/api/v1/events"), 401, "unauthorized")
    _error(api("staff").post("/api/v1/events", json=EVENT), 403, "forbidden")


# --- participants -------------------------------------------------------------------------

PERSON = {
    "name": "Ni Made Ari Widayani",
    "agency": "Dinas Kesehatan Kabupaten Tabanan",
    "position": "Pranata Humas",
    "category": "participant",
    "email": "ari@tabanankab.go.id",
    "phone": "0812-3456-7890",
}


def test_register_one_participant(api, app):
    event = make_event()
    response = api("organiser").post(f"/api/v1/events/{event.id}/participants", json=PERSON)
    assert response.status_code == 201
    [person] = response.get_json()["participants"]
    assert person["phone"] == "+6281234567890"
    assert len(person["ticket_code"]) >= 22
    assert person["ticket_url"].endswith(f"/t/{person['ticket_code']}")
    listed = api("organiser").get(f"/api/v1/events/{event.id}/participants").get_json()
    assert listed["count"] == 1 and listed["participants"][0]["id"] == person["id"]


def test_a_list_with_an_invalid_entry_saves_nothing(api):
    event = make_event()
    people = [
        PERSON,
        {**PERSON, "name": "B", "email": "b@x.go.id", "phone": "12345"},
        {"name": "C", "category": "tamu"},
    ]
    response = api("organiser").post(f"/api/v1/events/{event.id}/participants", json=people)
    error = _error(response, 422, "validation_error")
    assert "2.category" in error["fields"]
    listed = api("organiser").get(f"/api/v1/events/{event.id}/participants").get_json()
    assert listed["count"] == 0
    # The phone is checked by the service once the shape is right.
    response = api("organiser").post(f"/api/v1/events/{event.id}/participants", json=people[:2])
    assert _error(response, 422, "validation_error")["fields"]["1"]["phone"]


def test_a_duplicate_answers_409(api):
    event = make_event()
    url = f"/api/v1/events/{event.id}/participants"
    assert api("organiser").post(url, json=PERSON).status_code == 201
    again = {**PERSON, "name": "Ari", "email": None, "phone": "+62 812 3456 7890"}
    error = _error(api("organiser").post(url, json=again), 409, "duplicate_participant")
    assert error["participant_id"] > 0


def test_staff_cannot_read_the_participant_list(api):
    event = make_event()
    _error(api("staff").get(f"/api/v1/events/{event.id}/participants"), 403, "forbidden")


def _upload(client, event, name, dry_run=False):
    data = {"file": ((DATA / name).open("rb"), name)}
    if dry_run:
        data["dry_run"] = "true"
    return client.post(
        f"/api/v1/events/{event.id}/participants/import",
        data=data,
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("name", ["peserta_rusak.csv", "peserta_rusak.xlsx"])
def test_import_reports_every_bad_row_and_saves_the_good_ones(api, name):
    event = make_event()
    client = api("organiser")
    dry = _upload(client, event, name, dry_run=True).get_json()
    assert dry["errors"] and dry["duplicates"] and dry["created"] > 0
    assert all({"row", "message"} <= set(e) for e in dry["errors"])
    listed = client.get(f"/api/v1/events/{event.id}/participants").get_json()
    assert listed["count"] == 0  # a dry run saves nothing
    real = _upload(client, event, name).get_json()
    assert real["created"] == dry["created"]
    assert real["errors"] == dry["errors"]
    listed = client.get(f"/api/v1/events/{event.id}/participants").get_json()
    assert listed["count"] == dry["created"]
    again = _upload(client, event, name).get_json()  # everyone is registered now
    assert again["created"] == 0 and again["duplicates"] >= dry["created"]


def test_import_of_a_file_that_is_no_spreadsheet(api):
    event = make_event()
    error = _error(
        _upload(api("organiser"), event, "bukan_spreadsheet.xlsx"), 422, "validation_error"
    )
    assert "file" in error["fields"]
    missing = api("organiser").post(f"/api/v1/events/{event.id}/participants/import", data={})
    assert "file" in _error(missing, 422, "validation_error")["fields"]


def _post_file(client, event, name: str, data: bytes, **fields):
    return client.post(
        f"/api/v1/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def test_import_lists_every_column_and_the_unknown_ones(api):
    event = make_event()
    data = excel_xlsx(daftar_peserta())
    answer = _post_file(api("organiser"), event, "daftar.xlsx", data, dry_run="1").get_json()
    assert answer["created"] == 4
    assert answer["unknown_columns"] == ["Tempat, Tanggal Lahir"]
    columns = {c["heading"]: (c["column"], c["field"], c["status"]) for c in answer["columns"]}
    assert columns["Kontak No. HP (WA)"] == ("G", "phone", "read")
    assert columns["NIP"] == ("C", None, "nip")
    assert columns["Tempat, Tanggal Lahir"] == ("D", None, "unknown")
    assert any("15" in note and "Mengetahui," in note for note in answer["notes"])


def test_import_says_when_a_csv_mixes_encodings(api):
    event = make_event()
    data = "Nama;Instansi\r\nDésak Made;Dinas\r\n".encode() + "André;Dinas\r\n".encode("cp1252")
    answer = _post_file(api("organiser"), event, "gabungan.csv", data).get_json()
    assert answer["created"] == 2
    assert any("Windows-1252" in note and "(3)" in note for note in answer["notes"])


def test_import_without_a_name_column_names_the_unknown_ones(api):
    event = make_event()
    data = b"Peserta;Asal;WA\r\nNi Made;Dinkes;081234567890\r\n"
    error = _error(_post_file(api("organiser"), event, "p.csv", data), 422, "validation_error")
    assert "file" in error["fields"]
    assert error["unknown_columns"] == ["Peserta"]
