"""Checklists, photos and sustainability figures over /api/v1."""

from __future__ import annotations

import io

import pytest

from tests.compliance.helpers import check_in, jpeg_bytes, multipart
from tests.factories import make_event
from tracker import audit
from tracker.compliance.models import ChecklistItem, EventChecklist
from tracker.compliance.photos import MAX_UPLOAD_BYTES
from tracker.compliance.services import load_builtin_templates
from tracker.db import utcnow
from tracker.extensions import db

ITEM_KEYS = {
    "id", "position", "text", "basis", "category", "required", "answer_type", "unit",
    "photo_required_if_non_compliant", "note_required_if_non_compliant", "status", "value",
    "note", "updated_by", "updated_at", "photos",
}  # fmt: skip


@pytest.fixture
def event(app, users):
    load_builtin_templates(utcnow())
    return make_event(users.organiser)


@pytest.fixture
def attached(api, event):
    response = api("organiser").post(
        f"/api/v1/events/{event.id}/checklists", json={"template_key": "pergub-bali-97-2018"}
    )
    assert response.status_code == 201
    return response.get_json()


def _item_path(event, checklist, item_id) -> str:
    return f"/api/v1/events/{event.id}/checklists/{checklist['id']}/items/{item_id}"


def _answer_required(api, event, checklist) -> None:
    for item in checklist["items"]:
        if item["required"]:
            response = api("staff").patch(
                _item_path(event, checklist, item["id"]), json={"status": "compliant"}
            )
            assert response.status_code == 200


def test_templates_are_listed_in_the_requested_language(api, event):
    body = api("staff").get("/api/v1/checklist-templates").get_json()
    keys = [t["key"] for t in body["templates"]]
    assert keys == ["event-logistics", "pergub-bali-47-2019", "pergub-bali-97-2018"]
    pergub = body["templates"][2]
    assert pergub["version"] == 1 and pergub["basis"]["number"] == "97"
    assert pergub["basis"]["year"] == 2018 and pergub["basis"]["url"].startswith("https://")
    assert pergub["items"][0]["text"] == pergub["items"][0]["text_id"]
    english = (
        api("staff")
        .get("/api/v1/checklist-templates", headers={"Accept-Language": "en"})
        .get_json()
    )
    assert english["templates"][2]["items"][0]["text"] == pergub["items"][0]["text_en"]


def test_attach_answers_201_then_409(api, event, attached):
    assert attached["template_key"] == "pergub-bali-97-2018" and attached["version"] == 1
    assert attached["signed_off_at"] is None and len(attached["items"]) == 9
    again = api("organiser").post(
        f"/api/v1/events/{event.id}/checklists", json={"template_key": "pergub-bali-97-2018"}
    )
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "checklist_already_attached" and error["checklist_id"] == attached["id"]


def test_attaching_needs_an_organiser_and_a_known_key(api, event):
    path = f"/api/v1/events/{event.id}/checklists"
    assert api("staff").post(path, json={"template_key": "event-logistics"}).status_code == 403
    assert api("organiser").post(path, json={"template_key": "nope"}).status_code == 404
    assert api("organiser").post(path, json={}).status_code == 422
    assert api(None).get(path).status_code == 401


def test_checklists_have_the_documented_shape(api, event, attached):
    body = api("staff").get(f"/api/v1/events/{event.id}/checklists").get_json()
    (checklist,) = body["checklists"]
    assert {"id", "template_key", "title", "version", "signed_off_at", "items"} <= set(checklist)
    assert set(checklist["items"][0]) == ITEM_KEYS
    first = checklist["items"][0]
    assert first["text"].startswith("Tidak ada kantong plastik")
    assert first["basis"] == "Pergub Bali 97/2018" and first["required"] is True
    assert first["status"] is None and first["answer_type"] == "yes_no"
    english = (
        api("staff")
        .get(f"/api/v1/events/{event.id}/checklists", headers={"Accept-Language": "en"})
        .get_json()
    )
    assert english["checklists"][0]["items"][0]["text"].startswith("No plastic bags")
    assert english["checklists"][0]["title"] == "Limiting single-use plastic waste"


def test_patching_an_item(api, users, event, attached):
    item = attached["items"][2]
    response = api("staff").patch(
        _item_path(event, attached, item["id"]), json={"status": "compliant", "note": "Bambu"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["note"], body["updated_by"]) == ("compliant", "Bambu", "Staff")
    assert body["updated_at"].endswith("+08:00")
    entry = audit.entries(action_prefix="checklist.item")[0]
    assert entry.actor_id == users.staff.id
    assert entry.details["after"] == {"note": "Bambu", "status": "compliant"}
    bad = api("staff").patch(_item_path(event, attached, item["id"]), json={"status": "ok"})
    assert bad.status_code == 422


def test_number_values_are_checked(api, event):
    path = f"/api/v1/events/{event.id}/checklists"
    logistics = api("organiser").post(path, json={"template_key": "event-logistics"}).get_json()
    (seats,) = [i for i in logistics["items"] if i["answer_type"] == "number"]
    assert seats["unit"] == "kursi"
    url = _item_path(event, logistics, seats["id"])
    assert api("staff").patch(url, json={"value": 60}).get_json()["value"] == "60"
    assert api("staff").patch(url, json={"value": "45,5"}).get_json()["value"] == "45.5"
    refused = api("staff").patch(url, json={"value": "enam puluh"})
    assert refused.status_code == 422 and "value" in refused.get_json()["error"]["fields"]


def test_a_missing_note_or_photo_is_422(api, event, attached):
    url = _item_path(event, attached, attached["items"][0]["id"])
    response = api("staff").patch(url, json={"status": "non_compliant"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "evidence_required" and set(error["fields"]) == {"note", "photo"}
    upload = api("staff").post(
        url + "/photos",
        data={"photo": (io.BytesIO(jpeg_bytes()), "foto.jpg")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201
    photo = upload.get_json()
    assert (photo["width"], photo["height"]) == (1600, 1200)
    ok = api("staff").patch(url, json={"status": "non_compliant", "note": "Goodie bag plastik"})
    assert ok.status_code == 200 and len(ok.get_json()["photos"]) == 1
    image = api("staff").get(photo["url"])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.data[:3] == b"\xff\xd8\xff" and b"Exif" not in image.data
    assert api("staff").get(photo["thumb_url"]).status_code == 200


def test_uploads_are_checked_by_content_and_size(api, event, attached):
    url = _item_path(event, attached, attached["items"][0]["id"]) + "/photos"
    text = api("staff").post(
        url,
        data={"photo": (io.BytesIO(b"bukan foto\n" * 100), "bukti.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )
    assert text.status_code == 422 and text.get_json()["error"]["code"] == "invalid_photo"
    body, content_type = multipart("photo", "besar.jpg", b"\xff" * (MAX_UPLOAD_BYTES + 1))
    big = api("staff").post(url, data=body, content_type=content_type)
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "photo_too_large"
    missing = api("staff").post(url, data={}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert db.session.get(ChecklistItem, attached["items"][0]["id"]).photos == []


def test_a_photo_can_be_deleted(api, event, attached):
    url = _item_path(event, attached, attached["items"][5]["id"]) + "/photos"
    photo = (
        api("staff")
        .post(
            url,
            data={"photo": (io.BytesIO(jpeg_bytes(320, 240)), "a.jpg")},
            content_type="multipart/form-data",
        )
        .get_json()
    )
    assert api("staff").delete(photo["url"]).status_code == 204
    assert api("staff").get(photo["url"]).status_code == 404


def test_sign_off_lists_open_items_then_locks_with_409(api, event, attached):
    sign = f"/api/v1/events/{event.id}/checklists/{attached['id']}/sign-off"
    signer = {"name": "I Nyoman Arta Sukma Witra", "position": "Kabid PISKP"}
    refused = api("staff").post(sign, json=signer)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    required = [i["id"] for i in attached["items"] if i["required"]]
    assert error["code"] == "required_items_open"
    assert [i["id"] for i in error["open_items"]] == required

    _answer_required(api, event, attached)
    signed = api("staff").post(sign, json=signer)
    assert signed.status_code == 200
    body = signed.get_json()
    assert body["signed_off_at"] and body["signed_off_by"] == {
        "name": "I Nyoman Arta Sukma Witra",
        "position": "Kabid PISKP",
    }
    assert body["score"]["ratio"] == 1.0 and body["score"]["percent"] == 100

    optional = [i for i in attached["items"] if not i["required"]][0]
    locked = api("admin").patch(
        _item_path(event, attached, optional["id"]), json={"status": "compliant"}
    )
    assert locked.status_code == 409
    assert locked.get_json()["error"]["code"] == "checklist_signed_off"
    photo = api("staff").post(
        _item_path(event, attached, optional["id"]) + "/photos",
        data={"photo": (io.BytesIO(jpeg_bytes(64, 48)), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert photo.status_code == 409
    assert api("staff").post(sign, json=signer).status_code == 409
    assert db.session.get(ChecklistItem, optional["id"]).status is None


def test_reopen_is_for_organisers_and_audited(api, users, event, attached):
    _answer_required(api, event, attached)
    base = f"/api/v1/events/{event.id}/checklists/{attached['id']}"
    api("staff").post(base + "/sign-off", json={"name": "I Nyoman Arta", "position": "Kabid"})
    assert api("staff").post(base + "/reopen", json={}).status_code == 403
    reopened = api("organiser").post(base + "/reopen")  # the body is optional
    assert reopened.status_code == 200 and reopened.get_json()["signed_off_at"] is None
    assert not db.session.get(EventChecklist, attached["id"]).is_signed_off
    entry = audit.entries(action_prefix="checklist.reopen")[0]
    assert (
        entry.actor_id == users.organiser.id and entry.details["before"]["name"] == "I Nyoman Arta"
    )
    assert api("organiser").post(base + "/reopen", json={}).status_code == 409


def test_waste_and_settings_feed_the_figures(api, users, event, attached):
    check_in(event, [True] * 33 + [False] * 2 + [None], absent=4)
    base = f"/api/v1/events/{event.id}"
    for stream, kg in (("organic", 2.5), ("organic", 1.25), ("residue", 0.4)):
        response = api("staff").post(base + "/waste", json={"stream": stream, "kg": kg})
        assert response.status_code == 201
    entry = response.get_json()
    assert entry["kg"] == 0.4 and entry["recorded_by"] == "Staff"
    assert api("staff").post(base + "/waste", json={"stream": "b3", "kg": 1}).status_code == 422
    assert (
        api("staff").post(base + "/waste", json={"stream": "organic", "kg": 0}).status_code == 422
    )
    patched = api("staff").patch(
        base + "/sustainability", json={"refill_litres": 40, "bottles_per_participant": 2}
    )
    assert patched.status_code == 200
    items = attached["items"]
    api("staff").patch(_item_path(event, attached, items[2]["id"]), json={"status": "compliant"})
    api("staff").patch(
        _item_path(event, attached, items[6]["id"]),
        json={"status": "non_compliant", "note": "Air botol 330 ml dibeli"},
    )

    body = api("staff").get(base + "/sustainability").get_json()
    assert body["tumbler"] | {"assumption": ""} == {
        "checked_in": 36, "yes": 33, "no": 2, "unknown": 1, "rate": 0.9167, "assumption": "",
    }  # fmt: skip
    assert body["bottles_avoided"]["estimate"] == 66
    assert body["bottles_avoided"]["bottles_per_participant"] == 2
    assert body["bottles_avoided"]["days"] == 1
    assert body["waste"]["kg"] == {"organic": 3.75, "inorganic": 0, "residue": 0.4, "recyclable": 0}
    assert body["waste"]["total_kg"] == 4.15 and body["waste"]["entries"] == 3
    assert body["refill_litres"]["value"] == 40
    compliance = body["compliance"]
    assert (compliance["compliant"], compliance["applicable"], compliance["open"]) == (1, 2, 5)
    assert compliance["ratio"] == 0.5
    assert [i["id"] for i in compliance["non_compliant_items"]] == [items[6]["id"]]
    assert compliance["non_compliant_items"][0]["note"] == "Air botol 330 ml dibeli"
    for figure in ("tumbler", "bottles_avoided", "waste", "refill_litres", "compliance"):
        assert body[figure]["assumption"]
    entries = api("staff").get(base + "/waste").get_json()["entries"]
    assert len(entries) == 3
    assert api("staff").delete(f"{base}/waste/{entries[0]['id']}").status_code == 204
    assert api("staff").get(base + "/sustainability").get_json()["waste"]["entries"] == 2


def test_bad_sustainability_settings_are_422(api, event):
    path = f"/api/v1/events/{event.id}/sustainability"
    assert api("staff").patch(path, json={"refill_litres": -1}).status_code == 422
    assert api("staff").patch(path, json={"bottles_per_participant": None}).status_code == 422
    assert api("staff").patch(path, json={"colour": "green"}).status_code == 422


def test_admins_write_template_versions(api, event, attached):
    template = api("staff").get("/api/v1/checklist-templates/pergub-bali-97-2018").get_json()
    assert template["versions"] == [1]
    body = {
        "key": "pergub-bali-97-2018",
        "title": "Pembatasan Timbulan Sampah Plastik Sekali Pakai",
        "title_en": "Limiting single-use plastic waste",
        "basis_regulation": "Peraturan Gubernur Bali",
        "basis_number": "97",
        "basis_year": 2018,
        "basis_url": template["basis"]["url"],
        "items": [
            {k: item[k] for k in ("text_id", "text_en", "basis", "category", "required",
                                  "answer_type", "unit", "photo_on_fail", "note_on_fail")}
            for item in template["items"]
        ],
    }  # fmt: skip
    assert api("organiser").post("/api/v1/checklist-templates", json=body).status_code == 403
    unchanged = api("admin").post("/api/v1/checklist-templates", json=body)
    assert unchanged.status_code == 200 and unchanged.get_json()["version"] == 1
    body["items"] = body["items"][:7]
    created = api("admin").post("/api/v1/checklist-templates", json=body)
    assert created.status_code == 201 and created.get_json()["version"] == 2
    old = api("staff").get(f"/api/v1/events/{event.id}/checklists").get_json()["checklists"][0]
    assert old["version"] == 1 and len(old["items"]) == 9
    v1 = api("staff").get("/api/v1/checklist-templates/pergub-bali-97-2018?version=1").get_json()
    assert len(v1["items"]) == 9 and v1["versions"] == [2, 1]
    other = make_event(title="Rapat Koordinasi")
    fresh = (
        api("organiser")
        .post(f"/api/v1/events/{other.id}/checklists", json={"template_key": "pergub-bali-97-2018"})
        .get_json()
    )
    assert fresh["version"] == 2 and len(fresh["items"]) == 7
