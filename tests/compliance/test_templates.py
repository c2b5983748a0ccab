"""Checklist templates: the built-in ones, and versions that events keep."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.factories import make_event
from tracker import audit
from tracker.compliance import checklist_templates as templates
from tracker.compliance.builtin import load_builtin_templates
from tracker.compliance.models import ChecklistTemplate
from tracker.compliance.services import attach_template
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.extensions import db

KEYS = ["event-logistics", "pergub-bali-47-2019", "pergub-bali-97-2018"]


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(ChecklistTemplate))


def test_builtin_templates_load_once(app):
    first = load_builtin_templates(utcnow())
    db.session.commit()
    assert sorted(t.key for t in first) == KEYS
    assert all(t.version == 1 and t.builtin for t in first)
    assert load_builtin_templates(utcnow()) == []
    assert _count() == 3


def test_loader_leaves_an_edited_template_alone(app, users, builtins):
    data = templates.template_input(templates.get_template("pergub-bali-47-2019"))
    data.items = data.items[:2]
    templates.save_template_version(data, users.admin, utcnow())
    db.session.commit()
    assert load_builtin_templates(utcnow()) == []
    assert templates.get_template("pergub-bali-47-2019").version == 2


def test_pergub_97_holds_the_rules_of_the_brief(app, builtins):
    template = templates.get_template("pergub-bali-97-2018")
    assert (template.basis_regulation, template.basis_number, template.basis_year) == (
        "Peraturan Gubernur Bali",
        "97",
        2018,
    )
    assert template.basis_label() == "Peraturan Gubernur Bali No. 97 Tahun 2018"
    texts = " | ".join(item.text_id.lower() for item in template.items)
    for words in ("kantong plastik", "styrofoam", "sedotan plastik", "tumbler", "isi ulang"):
        assert words in texts
    by_basis = {item.basis for item in template.items}
    assert {"Pergub Bali 97/2018", "SE Sekda Provinsi Bali 2/2025"} <= by_basis
    assert "SE Gubernur Bali 9/2025" in by_basis
    under_a_litre = [i for i in template.items if "1 liter" in i.text_id]
    assert under_a_litre[0].basis == "SE Gubernur Bali 9/2025" and under_a_litre[0].required
    good_practice = [i for i in template.items if not i.required]
    assert len(good_practice) == 2 and all("(praktik baik)" in i.text_id for i in good_practice)


def test_every_builtin_item_is_bilingual_and_names_its_basis(app, builtins):
    for key in KEYS:
        for item in templates.get_template(key).items:
            assert item.text_id and item.text_en and item.text_id != item.text_en
            assert item.text_id.endswith(")") and item.text_en.endswith(")")
            if item.basis.startswith("Praktik baik"):
                assert item.text_id.endswith("(praktik baik)")
                assert item.text_en.endswith("(good practice)")
            else:
                assert item.text_id.endswith(f"({item.basis})")


def test_waste_template_sorts_at_source(app, builtins):
    template = templates.get_template("pergub-bali-47-2019")
    assert template.basis_number == "47" and template.basis_year == 2019
    texts = " ".join(i.text_en.lower() for i in template.items)
    assert "organic, inorganic and residual" in texts and "landfill" in texts


def test_editing_makes_version_two_and_the_event_keeps_version_one(app, users, event, builtins):
    used = attach_template(event, "pergub-bali-97-2018", users.organiser, utcnow())
    db.session.commit()
    old_text = used.items[0].template_item.text_id

    data = templates.template_input(templates.get_template("pergub-bali-97-2018"))
    data.items[0].text_id = "Tidak ada kantong plastik sama sekali (Pergub Bali 97/2018)"
    data.items.append(templates.ItemInput(text_id="Item baru (praktik baik)", required=True))
    v2 = templates.save_template_version(data, users.admin, utcnow())
    db.session.commit()

    assert v2.version == 2 and len(v2.items) == 10
    db.session.refresh(used)
    assert used.template.version == 1
    assert used.items[0].template_item.text_id == old_text
    assert len(used.items) == 9
    assert templates.get_template("pergub-bali-97-2018", 1).items[0].text_id == old_text
    assert [t.version for t in templates.list_templates() if t.key == "pergub-bali-97-2018"] == [2]
    later = attach_template(
        make_event(title="Rapat Koordinasi"), "pergub-bali-97-2018", None, utcnow()
    )
    assert later.template.version == 2 and len(later.items) == 10
    assert templates.usage_count(templates.get_template("pergub-bali-97-2018", 1)) == 1
    logged = audit.entries(action_prefix="checklist_template.version")
    assert logged[0].details == {"key": "pergub-bali-97-2018", "version": 2, "items": 10}


def test_saving_an_unchanged_template_makes_no_version(app, users, builtins):
    current = templates.get_template("event-logistics")
    again = templates.save_template_version(
        templates.template_input(current), users.admin, utcnow()
    )
    assert again is current and _count() == 3


def test_a_used_version_cannot_be_deleted(app, users, checklist):
    db.session.delete(checklist.template)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key": "Pergub 97"}, "key"),
        ({"title": "  "}, "title"),
        ({"items": []}, "items"),
        ({"basis_url": "jdih.baliprov.go.id"}, "basis_url"),
        ({"items": [templates.ItemInput(text_id="")]}, "items.0.text_id"),
        ({"items": [templates.ItemInput(text_id="x", answer_type="photo")]}, "items.0.answer_type"),
    ],
)
def test_template_errors_name_the_field(app, users, change, field):
    data = templates.TemplateInput(
        key="rapat-hijau", title="Rapat hijau", items=[templates.ItemInput(text_id="Satu")]
    )
    for name, value in change.items():
        setattr(data, name, value)
    with pytest.raises(ValidationFailed) as caught:
        templates.save_template_version(data, users.admin, utcnow())
    assert field in caught.value.fields


def test_unit_is_kept_only_for_number_answers(app, users):
    data = templates.TemplateInput(
        key="rapat-hijau",
        title="Rapat hijau",
        items=[
            templates.ItemInput(text_id="Kursi", answer_type="number", unit="kursi"),
            templates.ItemInput(text_id="Bersih", answer_type="yes_no", unit="kursi"),
        ],
    )
    saved = templates.save_template_version(data, users.admin, utcnow())
    assert [i.unit for i in saved.items] == ["kursi", ""]
    assert [i.position for i in saved.items] == [1, 2]
