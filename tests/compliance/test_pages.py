"""The checklist, sign-off, sustainability and template pages through the test client."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.compliance.helpers import check_in, jpeg_bytes
from tests.conftest import log_in
from tracker import audit
from tracker.compliance import checklist_templates as templates
from tracker.compliance import evidence, services
from tracker.compliance.models import ChecklistItem, ChecklistPhoto, EventChecklist
from tracker.db import utcnow
from tracker.extensions import db
from tracker.storage import get_storage
from tracker.summaries import sustainability as figures


def _item_url(checklist, item) -> str:
    return f"/events/{checklist.event_id}/checklists/{checklist.id}/items/{item.id}"


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_event_page_links_to_checklists_and_figures(client, users, event):
    log_in(client, users.staff)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"/events/{event.id}/checklists" in page
    assert f"/events/{event.id}/sustainability" in page


def test_checklist_list_shows_scores_and_attaches_for_organisers(client, users, event, checklist):
    services.answer_item(checklist.items[0], {"status": "compliant"}, users.staff, utcnow())
    db.session.commit()
    log_in(client, users.staff)
    page = client.get(f"/events/{event.id}/checklists").get_data(as_text=True)
    assert 'data-template-key="pergub-bali-97-2018"' in page and 'data-percent="100"' in page
    assert 'name="template_key"' not in page  # staff cannot attach
    assert (
        client.post(
            f"/events/{event.id}/checklists", data={"template_key": "event-logistics"}
        ).status_code
        == 403
    )

    log_in(client, users.organiser)
    page = client.get(f"/events/{event.id}/checklists").get_data(as_text=True)
    assert 'value="event-logistics"' in page and 'value="pergub-bali-97-2018"' not in page
    response = client.post(
        f"/events/{event.id}/checklists", data={"template_key": "event-logistics"}
    )
    assert response.status_code == 302
    assert db.session.query(EventChecklist).filter_by(template_key="event-logistics").count() == 1


def test_an_item_is_saved_with_one_tap(client, users, checklist):
    item = checklist.items[2]
    log_in(client, users.staff)
    page = client.get(f"/events/{checklist.event_id}/checklists/{checklist.id}").get_data(
        as_text=True
    )
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    assert page.count('name="status" value="compliant"') == 9
    response = client.post(
        _item_url(checklist, item), data={"status": "compliant", "note": "Sedotan bambu"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#item-{item.id}")
    saved = _fresh(ChecklistItem, item.id)
    assert (saved.status, saved.note, saved.updated_by_id) == (
        "compliant",
        "Sedotan bambu",
        users.staff.id,
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'data-item-id="{item.id}" data-status="compliant"' in page


def test_the_save_button_keeps_the_status(client, users, checklist):
    item = checklist.items[2]
    services.answer_item(item, {"status": "compliant"}, users.staff, utcnow())
    db.session.commit()
    log_in(client, users.staff)
    client.post(_item_url(checklist, item), data={"status": "", "note": "catatan"})
    saved = _fresh(ChecklistItem, item.id)
    assert (saved.status, saved.note) == ("compliant", "catatan")


def test_not_compliant_with_note_and_photo_in_one_post(client, users, checklist):
    item = checklist.items[0]  # plastic bags: note and photo required
    log_in(client, users.staff)
    response = client.post(
        _item_url(checklist, item),
        data={
            "status": "non_compliant",
            "note": "Goodie bag plastik",
            "photo": (io.BytesIO(jpeg_bytes()), "IMG_0001.JPG"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    saved = _fresh(ChecklistItem, item.id)
    assert saved.status == "non_compliant" and len(saved.photos) == 1
    photo = saved.photos[0]
    assert "IMG_0001" not in photo.storage_key
    image = client.get(f"{_item_url(checklist, item)}/photos/{photo.id}")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.headers["Cache-Control"].startswith("private")
    thumb = client.get(f"{_item_url(checklist, item)}/photos/{photo.id}?size=thumb")
    assert len(thumb.data) < len(image.data)
    log_in(client, None)
    assert client.get(f"{_item_url(checklist, item)}/photos/{photo.id}").status_code == 302


def test_missing_evidence_shows_the_error_on_the_card(client, users, checklist):
    item = checklist.items[0]
    log_in(client, users.staff)
    response = client.post(_item_url(checklist, item), data={"status": "non_compliant", "note": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="item-{item.id}"' in page and "has-error" in page and 'data-field="photo"' in page
    assert _fresh(ChecklistItem, item.id).status is None


def test_a_text_file_named_jpg_is_refused_and_nothing_is_kept(client, users, checklist, app):
    item = checklist.items[0]
    log_in(client, users.staff)
    response = client.post(
        _item_url(checklist, item),
        data={
            "status": "",
            "note": "bukti",
            "photo": (io.BytesIO(b"just text, not a photo\n" * 50), "bukti.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert db.session.query(ChecklistPhoto).count() == 0
    assert _fresh(ChecklistItem, item.id).note == ""


def _files(app) -> set[str]:
    return {p.name for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()}


def test_a_photo_is_not_kept_when_the_answer_fails(client, users, checklist, app):
    styrofoam = checklist.items[1]  # note required when not compliant
    before = _files(app)
    log_in(client, users.staff)
    response = client.post(
        _item_url(checklist, styrofoam),
        data={
            "status": "non_compliant",
            "note": "",
            "photo": (io.BytesIO(jpeg_bytes(640, 480)), "a.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert db.session.query(ChecklistPhoto).count() == 0
    assert _files(app) == before


def test_photos_can_be_removed_before_sign_off(client, users, checklist):
    item = checklist.items[8]
    storage = get_storage()
    photo = evidence.add_photo(item, jpeg_bytes(320, 240), users.staff, utcnow(), storage)
    db.session.commit()
    photo_id, keys = photo.id, evidence.photo_files(photo)
    log_in(client, users.staff)
    response = client.post(f"{_item_url(checklist, item)}/photos/{photo_id}/delete")
    assert response.status_code == 302
    assert _fresh(ChecklistPhoto, photo_id) is None
    for key in keys:
        with pytest.raises(KeyError):
            storage.open(key)
    assert audit.entries(action_prefix="checklist.photo_delete")[0].details["photo_id"] == photo_id


def _answer_required(checklist, user) -> None:
    for item in checklist.items:
        if item.template_item.required:
            services.answer_item(item, {"status": "compliant"}, user, utcnow())
    db.session.commit()


def test_sign_off_lists_open_items_then_locks(client, users, checklist):
    log_in(client, users.staff)
    url = f"/events/{checklist.event_id}/checklists/{checklist.id}/sign-off"
    page = client.get(url).get_data(as_text=True)
    assert page.count('<li data-item-id="') == 7  # the seven open required items
    response = client.post(url, data={"name": "I Nyoman Arta", "position": "Kabid PISKP"})
    assert response.status_code == 422
    assert not _fresh(EventChecklist, checklist.id).is_signed_off

    _answer_required(checklist, users.staff)
    response = client.post(url, data={"name": "I Nyoman Arta", "position": "Kabid PISKP"})
    assert response.status_code == 302
    signed = _fresh(EventChecklist, checklist.id)
    assert (signed.signed_off_name, signed.signed_off_position) == ("I Nyoman Arta", "Kabid PISKP")
    page = client.get(f"/events/{checklist.event_id}/checklists/{checklist.id}").get_data(
        as_text=True
    )
    assert 'data-signed-off="1"' in page and 'name="status"' not in page


def test_a_signed_off_checklist_page_refuses_changes(client, users, checklist):
    _answer_required(checklist, users.staff)
    services.sign_off(checklist, "I Nyoman Arta", "Kabid PISKP", users.staff, utcnow())
    db.session.commit()
    item = checklist.items[-1]
    log_in(client, users.admin)
    response = client.post(
        _item_url(checklist, item), data={"status": "non_compliant", "note": "x"}
    )
    assert response.status_code == 409
    assert _fresh(ChecklistItem, item.id).status is None


def test_only_organisers_reopen_and_it_is_audited(client, users, checklist):
    _answer_required(checklist, users.staff)
    services.sign_off(checklist, "I Nyoman Arta", "Kabid PISKP", users.staff, utcnow())
    db.session.commit()
    url = f"/events/{checklist.event_id}/checklists/{checklist.id}/reopen"
    log_in(client, users.staff)
    page = client.get(f"/events/{checklist.event_id}/checklists/{checklist.id}").get_data(
        as_text=True
    )
    assert "/reopen" not in page
    assert client.post(url, data={"reason": "x"}).status_code == 403
    log_in(client, users.organiser)
    assert client.post(url, data={"reason": "Nama salah"}).status_code == 302
    assert not _fresh(EventChecklist, checklist.id).is_signed_off
    assert audit.entries(action_prefix="checklist.reopen")[0].details["reason"] == "Nama salah"


def test_sustainability_page_shows_figures_and_takes_entries(client, users, event, checklist):
    check_in(event, [True] * 3 + [False])
    log_in(client, users.staff)
    base = f"/events/{event.id}/sustainability"
    page = client.get(base).get_data(as_text=True)
    assert 'data-rate="0.7500"' in page and 'data-estimate="6.0"' in page
    assert client.post(f"{base}/waste", data={"stream": "organic", "kg": "2,5"}).status_code == 302
    assert client.post(f"{base}/waste", data={"stream": "organic", "kg": "1"}).status_code == 302
    response = client.post(f"{base}/waste", data={"stream": "organic", "kg": "banyak"})
    assert response.status_code == 422
    assert (
        client.post(
            f"{base}/settings", data={"refill_litres": "40", "bottles_per_participant": "3"}
        ).status_code
        == 302
    )
    page = client.get(base).get_data(as_text=True)
    assert 'data-stream="organic" data-kg="3.5"' in page
    assert 'data-litres="40.0"' in page and 'data-estimate="9.0"' in page
    data = figures.sustainability(event)
    assert data.waste.kg["organic"] == 3.5 and data.refill_litres == 40.0


def test_template_pages_admin_edits_organiser_reads(client, users, event, checklist):
    log_in(client, users.organiser)
    assert client.get("/checklist-templates").status_code == 200
    assert client.get("/checklist-templates/pergub-bali-97-2018").status_code == 200
    assert client.get("/checklist-templates/pergub-bali-97-2018/edit").status_code == 403

    log_in(client, users.admin)
    form = client.get("/checklist-templates/pergub-bali-97-2018/edit")
    assert form.status_code == 200
    data = _form_data(templates.get_template("pergub-bali-97-2018"))
    data["items-0-text_id"] = "Tidak ada kantong plastik apa pun (Pergub Bali 97/2018)"
    data["items-8-remove"] = "y"
    data["items-9-text_id"] = "Ada tempat cuci tumbler (praktik baik)"
    data["items-9-category"], data["items-9-answer_type"] = "water", "yes_no"
    response = client.post("/checklist-templates/pergub-bali-97-2018/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    v2 = templates.get_template("pergub-bali-97-2018")
    assert v2.version == 2 and len(v2.items) == 9
    assert v2.items[0].text_id.startswith("Tidak ada kantong plastik apa pun")
    assert v2.items[-1].text_id == "Ada tempat cuci tumbler (praktik baik)"
    assert _fresh(EventChecklist, checklist.id).template.version == 1
    again = client.post("/checklist-templates/pergub-bali-97-2018/edit", data=_form_data(v2))
    assert again.status_code == 302 and templates.get_template("pergub-bali-97-2018").version == 2


def test_admin_creates_a_template_but_not_over_an_existing_key(client, users, builtins):
    log_in(client, users.admin)
    data = {
        "key": "rapat-hijau",
        "title": "Rapat Hijau",
        "items-0-text_id": "Tanpa kertas",
        "items-0-category": "other",
        "items-0-answer_type": "yes_no",
        "items-0-required": "y",
    }
    assert client.post("/checklist-templates/new", data=data).status_code == 302
    created = templates.get_template("rapat-hijau")
    assert created.version == 1 and created.items[0].required
    data["key"] = "event-logistics"
    response = client.post("/checklist-templates/new", data=data)
    assert response.status_code == 422 and templates.get_template("event-logistics").version == 1


def _form_data(template) -> dict[str, str]:
    data = {
        "key": template.key,
        "title": template.title,
        "title_en": template.title_en,
        "basis_regulation": template.basis_regulation,
        "basis_number": template.basis_number,
        "basis_year": str(template.basis_year or ""),
        "basis_article": template.basis_article,
        "basis_url": template.basis_url,
    }
    for index, item in enumerate(template.items):
        prefix = f"items-{index}-"
        for name in ("text_id", "text_en", "basis", "category", "answer_type", "unit"):
            data[prefix + name] = getattr(item, name)
        for name in ("required", "photo_on_fail", "note_on_fail"):
            if getattr(item, name):
                data[prefix + name] = "y"
    return data


def test_each_item_form_carries_a_working_csrf_token(make_app, users, checklist):
    guarded = make_app(WTF_CSRF_ENABLED=True)
    client = log_in(guarded.test_client(), users.staff)
    page = client.get(f"/events/{checklist.event_id}/checklists/{checklist.id}")
    tokens = re.findall(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert len(tokens) >= 9
    item = checklist.items[4]
    forged = client.post(_item_url(checklist, item), data={"status": "compliant"})
    assert forged.status_code == 400
    sent = client.post(
        _item_url(checklist, item),
        data={"status": "compliant", "csrf_token": tokens[4],
              "photo": (io.BytesIO(jpeg_bytes(320, 240)), "a.jpg")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert sent.status_code == 302
    with guarded.app_context():
        db.engine.dispose()  # its own connection pool: close it, do not leave it to the GC
    saved = _fresh(ChecklistItem, item.id)
    assert saved.status == "compliant" and len(saved.photos) == 1


def test_the_attach_list_names_each_templates_regulation(client, users, event, builtins):
    log_in(client, users.organiser)
    page = client.get(f"/events/{event.id}/checklists").get_data(as_text=True)
    assert re.search(
        r"<option[^>]*>[^<]*\(Peraturan Gubernur Bali No\. 97 Tahun 2018, v\d+\)", page
    )
