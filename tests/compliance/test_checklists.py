"""An event's checklist through the services, without HTTP: answers, evidence, score, lock."""

from __future__ import annotations

import pytest

from tests.compliance.helpers import jpeg_bytes
from tests.factories import make_event
from tracker import audit
from tracker.compliance import evidence, services
from tracker.compliance.models import ChecklistItem
from tracker.db import utcnow
from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db


def _items(checklist) -> dict[str, ChecklistItem]:
    """The checklist's items by a word of their English text."""
    words = {
        "bags": "plastic bags",
        "styrofoam": "polystyrene",
        "straws": "straws",
        "bottled": "No bottled water",
        "tumbler": "own tumbler",
        "refill": "refill station",
        "litre": "under 1 litre",
        "invitation": "invitation",
        "reminder": "reminder",
    }
    found = {}
    for key, word in words.items():
        (found[key],) = [i for i in checklist.items if word in i.template_item.text_en]
    return found


def test_attaching_copies_the_items_of_the_exact_version(app, checklist):
    assert checklist.template_key == "pergub-bali-97-2018"
    assert checklist.template.version == 1
    assert [i.position for i in checklist.items] == list(range(1, 10))
    assert all(i.status is None for i in checklist.items)
    assert audit.entries(action_prefix="checklist.attach")[0].details == {
        "template_key": "pergub-bali-97-2018",
        "version": 1,
    }


def test_attaching_twice_is_a_conflict(app, users, event, checklist):
    with pytest.raises(services.AlreadyAttached) as caught:
        services.attach_template(event, "pergub-bali-97-2018", users.organiser, utcnow())
    assert caught.value.status == 409 and caught.value.extra["checklist_id"] == checklist.id


def test_attaching_an_unknown_template_is_not_found(app, users, event, builtins):
    with pytest.raises(NotFound):
        services.attach_template(event, "pergub-bali-1-1999", users.organiser, utcnow())


def test_an_answer_is_audited_with_before_and_after(app, users, checklist):
    item = _items(checklist)["straws"]
    services.answer_item(
        item, {"status": "compliant", "note": "Pakai sedotan bambu"}, users.staff, utcnow()
    )
    services.answer_item(item, {"status": "not_applicable"}, users.staff, utcnow())
    db.session.commit()
    assert item.status == "not_applicable" and item.updated_by_id == users.staff.id
    first, second = reversed(audit.entries(action_prefix="checklist.item"))
    assert first.actor_id == users.staff.id and first.subject_id == item.id
    assert first.details["before"] == {"note": "", "status": None}
    assert first.details["after"] == {"note": "Pakai sedotan bambu", "status": "compliant"}
    assert second.details["before"] == {"status": "compliant"}
    assert second.details["after"] == {"status": "not_applicable"}


def test_an_unchanged_answer_writes_no_audit_entry(app, users, checklist):
    item = checklist.items[0]
    services.answer_item(item, {"status": "compliant"}, users.staff, utcnow())
    services.answer_item(item, {"status": "compliant", "note": ""}, users.staff, utcnow())
    assert len(audit.entries(action_prefix="checklist.item")) == 1


def test_status_null_opens_the_item_again(app, users, checklist):
    item = checklist.items[0]
    services.answer_item(item, {"status": "compliant"}, users.staff, utcnow())
    services.answer_item(item, {"status": None}, users.staff, utcnow())
    assert item.status is None


def test_an_unknown_status_is_refused(app, users, checklist):
    with pytest.raises(ValidationFailed) as caught:
        services.answer_item(checklist.items[0], {"status": "sesuai"}, users.staff, utcnow())
    assert "status" in caught.value.fields


def test_values_are_checked_by_answer_type(app, users, event, builtins):
    logistics = services.attach_template(event, "event-logistics", users.organiser, utcnow())
    (seats,) = [i for i in logistics.items if i.template_item.answer_type == "number"]
    assert seats.template_item.unit == "kursi"
    services.answer_item(seats, {"status": "compliant", "value": " 60 "}, users.staff, utcnow())
    assert seats.value == "60"
    services.answer_item(seats, {"value": "1,5"}, users.staff, utcnow())
    assert seats.value == "1.5"
    services.answer_item(seats, {"value": 42}, users.staff, utcnow())
    assert seats.value == "42"
    for bad in ("enam puluh", "1e3", "12,5,1"):
        with pytest.raises(ValidationFailed) as caught:
            services.answer_item(seats, {"value": bad}, users.staff, utcnow())
        assert list(caught.value.fields) == ["value"]
        assert "kursi" in caught.value.message
    yes_no = logistics.items[0]
    services.answer_item(yes_no, {"value": "YES"}, users.staff, utcnow())
    assert yes_no.value == "yes"
    with pytest.raises(ValidationFailed):
        services.answer_item(yes_no, {"value": "maybe"}, users.staff, utcnow())


def test_not_compliant_needs_the_evidence_the_item_demands(app, users, checklist, storage):
    bags = _items(checklist)["bags"]  # note and photo when not compliant
    assert bags.template_item.note_on_fail and bags.template_item.photo_on_fail
    with pytest.raises(services.EvidenceMissing) as caught:
        services.answer_item(bags, {"status": "non_compliant"}, users.staff, utcnow())
    assert set(caught.value.fields) == {"note", "photo"} and caught.value.status == 422
    with pytest.raises(services.EvidenceMissing) as caught:
        services.answer_item(
            bags, {"status": "non_compliant", "note": "Goodie bag plastik"}, users.staff, utcnow()
        )
    assert set(caught.value.fields) == {"photo"}
    assert bags.status is None
    evidence.add_photo(bags, jpeg_bytes(), users.staff, utcnow(), storage)
    services.answer_item(
        bags, {"status": "non_compliant", "note": "Goodie bag plastik"}, users.staff, utcnow()
    )
    assert bags.status == "non_compliant"
    with pytest.raises(services.EvidenceMissing):  # the note cannot be emptied afterwards
        services.answer_item(bags, {"note": " "}, users.staff, utcnow())


def test_the_last_photo_of_a_failed_item_cannot_be_removed(app, users, checklist, storage):
    bags = _items(checklist)["bags"]
    first = evidence.add_photo(bags, jpeg_bytes(), users.staff, utcnow(), storage)
    services.answer_item(bags, {"status": "non_compliant", "note": "x"}, users.staff, utcnow())
    second = evidence.add_photo(bags, jpeg_bytes(), users.staff, utcnow(), storage)
    keys = evidence.delete_photo(second, users.staff, utcnow())
    assert keys == [second.storage_key, second.thumb_key]
    with pytest.raises(services.EvidenceMissing):
        evidence.delete_photo(first, users.staff, utcnow())


def test_the_score_counts_required_items_only(app, users, checklist, storage):
    items = _items(checklist)
    now = utcnow()
    for key in ("bags", "styrofoam", "straws", "tumbler"):
        services.answer_item(items[key], {"status": "compliant"}, users.staff, now)
    evidence.add_photo(items["bottled"], jpeg_bytes(), users.staff, now, storage)
    services.answer_item(
        items["bottled"], {"status": "non_compliant", "note": "Air botol 600 ml"}, users.staff, now
    )
    services.answer_item(items["refill"], {"status": "not_applicable"}, users.staff, now)
    services.answer_item(items["invitation"], {"status": "non_compliant"}, users.staff, now)
    # "litre" (required) and "reminder" (optional) stay open

    score = services.checklist_score(checklist)
    assert (score.compliant, score.non_compliant, score.not_applicable, score.open) == (4, 1, 1, 1)
    assert score.applicable == 5 and score.ratio == 0.8 and score.percent == 80
    assert [i.id for i in score.open_items] == [items["litre"].id]
    assert [i.id for i in score.non_compliant_items] == [
        items["bottled"].id,
        items["invitation"].id,
    ]


def test_no_answer_yet_has_no_score(app, checklist):
    score = services.checklist_score(checklist)
    assert score.ratio is None and score.percent is None and score.open == 7


def _answer_required(checklist, user) -> None:
    for item in checklist.items:
        if item.template_item.required:
            services.answer_item(item, {"status": "compliant"}, user, utcnow())


def test_sign_off_is_refused_while_required_items_are_open(app, users, checklist):
    services.answer_item(checklist.items[0], {"status": "compliant"}, users.staff, utcnow())
    with pytest.raises(services.RequiredItemsOpen) as caught:
        services.sign_off(checklist, "I Nyoman Arta", "Kabid PISKP", users.staff, utcnow())
    open_ids = [i["id"] for i in caught.value.extra["open_items"]]
    assert open_ids == [i.id for i in checklist.items if i.template_item.required][1:]
    assert caught.value.code == "required_items_open" and not checklist.is_signed_off


def test_sign_off_needs_a_name_and_position(app, users, checklist):
    _answer_required(checklist, users.staff)
    with pytest.raises(ValidationFailed) as caught:
        services.sign_off(checklist, " ", "", users.staff, utcnow())
    assert set(caught.value.fields) == {"name", "position"}


def test_a_signed_off_checklist_refuses_every_change(app, users, checklist, storage):
    photo = evidence.add_photo(checklist.items[0], jpeg_bytes(), users.staff, utcnow(), storage)
    _answer_required(checklist, users.staff)
    services.sign_off(checklist, "I Nyoman Arta", "Kabid PISKP", users.staff, utcnow())
    db.session.commit()
    assert checklist.is_signed_off and checklist.signed_off_by_id == users.staff.id
    item = checklist.items[-1]
    with pytest.raises(services.ChecklistSignedOff) as caught:
        services.answer_item(item, {"status": "compliant"}, users.admin, utcnow())
    assert caught.value.status == 409 and caught.value.code == "checklist_signed_off"
    with pytest.raises(services.ChecklistSignedOff):
        evidence.add_photo(item, jpeg_bytes(), users.staff, utcnow(), storage)
    with pytest.raises(services.ChecklistSignedOff):
        evidence.delete_photo(photo, users.staff, utcnow())
    with pytest.raises(services.ChecklistSignedOff):
        services.sign_off(checklist, "Lagi", "Lagi", users.staff, utcnow())
    db.session.rollback()
    assert item.status is None and len(checklist.items[0].photos) == 1
    signed = audit.entries(action_prefix="checklist.sign_off")[0]
    assert signed.details == {
        "name": "I Nyoman Arta",
        "position": "Kabid PISKP",
        "compliant": 7,
        "applicable": 7,
    }


def test_reopening_unlocks_and_keeps_the_sign_off_in_the_log(app, users, checklist):
    _answer_required(checklist, users.staff)
    services.sign_off(checklist, "I Nyoman Arta", "Kabid PISKP", users.staff, utcnow())
    services.reopen(checklist, users.organiser, utcnow(), "Salah isi")
    db.session.commit()
    assert not checklist.is_signed_off and checklist.signed_off_name == ""
    entry = audit.entries(action_prefix="checklist.reopen")[0]
    assert entry.actor_id == users.organiser.id and entry.details["reason"] == "Salah isi"
    assert entry.details["before"]["name"] == "I Nyoman Arta"
    assert entry.details["before"]["position"] == "Kabid PISKP"
    services.answer_item(checklist.items[-1], {"status": "compliant"}, users.staff, utcnow())
    with pytest.raises(services.ChecklistNotSignedOff):
        services.reopen(checklist, users.organiser, utcnow())


def test_items_of_other_checklists_are_not_found(app, users, event, checklist, builtins):
    other = services.attach_template(event, "event-logistics", users.organiser, utcnow())
    with pytest.raises(NotFound):
        services.get_item(checklist, other.items[0].id)
    with pytest.raises(NotFound):
        services.get_checklist(make_event(title="Rapat Koordinasi"), checklist.id)
