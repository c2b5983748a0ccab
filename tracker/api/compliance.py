"""Checklist templates, event checklists, evidence photos and sustainability figures over the
API. Roles: staff answer items, upload photos, weigh waste and sign off; organisers attach
templates and reopen signed-off checklists; admins write template versions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from tracker.api.common import json_body, parse, query_int
from tracker.api.compliance_schemas import (
    AttachIn,
    ItemPatch,
    ReopenIn,
    SignOffIn,
    SustainabilityPatch,
    TemplateIn,
    WasteIn,
)
from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.compliance import checklist_templates, evidence, measurements, services
from tracker.compliance.models import (
    ChecklistItem,
    ChecklistPhoto,
    ChecklistTemplate,
    EventChecklist,
    WasteEntry,
)
from tracker.db import MAX_ID, utcnow
from tracker.errors import ValidationFailed
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.i18n import current_language, iso
from tracker.storage import get_storage
from tracker.summaries.sustainability import Sustainability, assumptions, sustainability

bp = Blueprint("compliance", __name__)

# --- JSON -------------------------------------------------------------------------------


def _who(user: Any) -> str | None:
    return None if user is None else (user.name or user.email)


def template_json(template: ChecklistTemplate) -> dict[str, Any]:
    lang = current_language()
    return {
        "key": template.key,
        "version": template.version,
        "title": template.title_in(lang),
        "basis": {
            "regulation": template.basis_regulation,
            "number": template.basis_number,
            "year": template.basis_year,
            "article": template.basis_article,
            "url": template.basis_url,
            "label": template.basis_label(),
        },
        "builtin": template.builtin,
        "created_at": iso(template.created_at),
        "items": [
            {
                "position": item.position,
                "text": item.text_in(lang),
                "text_id": item.text_id,
                "text_en": item.text_en,
                "basis": item.basis,
                "category": item.category,
                "required": item.required,
                "answer_type": item.answer_type,
                "unit": item.unit,
                "photo_on_fail": item.photo_on_fail,
                "note_on_fail": item.note_on_fail,
            }
            for item in template.items
        ],
    }


def _photo_path(checklist: EventChecklist, item: ChecklistItem, photo: ChecklistPhoto) -> str:
    return (
        f"/api/v1/events/{checklist.event_id}/checklists/{checklist.id}"
        f"/items/{item.id}/photos/{photo.id}"
    )


def photo_json(checklist: EventChecklist, item: ChecklistItem, photo: ChecklistPhoto) -> dict:
    return {
        "id": photo.id,
        "url": _photo_path(checklist, item, photo),
        "thumb_url": _photo_path(checklist, item, photo) + "?size=thumb",
        "width": photo.width,
        "height": photo.height,
        "uploaded_at": iso(photo.uploaded_at),
        "uploaded_by": _who(photo.uploaded_by),
    }


def item_json(checklist: EventChecklist, item: ChecklistItem) -> dict[str, Any]:
    question = item.template_item
    return {
        "id": item.id,
        "position": item.position,
        "text": question.text_in(current_language()),
        "basis": question.basis,
        "category": question.category,
        "required": question.required,
        "answer_type": question.answer_type,
        "unit": question.unit,
        "photo_required_if_non_compliant": question.photo_on_fail,
        "note_required_if_non_compliant": question.note_on_fail,
        "status": item.status,
        "value": item.value,
        "note": item.note,
        "updated_by": _who(item.updated_by),
        "updated_at": iso(item.updated_at),
        "photos": [photo_json(checklist, item, p) for p in item.photos],
    }


def score_json(score: services.Score) -> dict[str, Any]:
    return {
        "compliant": score.compliant,
        "non_compliant": score.non_compliant,
        "not_applicable": score.not_applicable,
        "open": score.open,
        "applicable": score.applicable,
        "ratio": None if score.ratio is None else round(score.ratio, 4),
        "percent": score.percent,
    }


def checklist_json(checklist: EventChecklist) -> dict[str, Any]:
    template = checklist.template
    signed = checklist.is_signed_off
    return {
        "id": checklist.id,
        "event_id": checklist.event_id,
        "template_key": checklist.template_key,
        "title": template.title_in(current_language()),
        "version": template.version,
        "basis": template.basis_label(),
        "basis_url": template.basis_url,
        "signed_off_at": iso(checklist.signed_off_at),
        "signed_off_by": (
            {"name": checklist.signed_off_name, "position": checklist.signed_off_position}
            if signed
            else None
        ),
        "score": score_json(services.checklist_score(checklist)),
        "items": [item_json(checklist, item) for item in checklist.items],
    }


def _listed_item(item: ChecklistItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "checklist_id": item.checklist_id,
        "text": item.template_item.text_in(current_language()),
        "basis": item.template_item.basis,
        "required": item.template_item.required,
        "note": item.note,
    }


def waste_json(entry: WasteEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "stream": entry.stream,
        "kg": entry.kg,
        "note": entry.note,
        "recorded_at": iso(entry.recorded_at),
        "recorded_by": entry.recorded_by_label,
    }


def sustainability_json(data: Sustainability) -> dict[str, Any]:
    why = assumptions(data)
    tumbler, bottles, waste = data.tumbler, data.bottles_avoided, data.waste
    return {
        "event_id": data.event_id,
        "tumbler": {
            "checked_in": tumbler.checked_in,
            "yes": tumbler.yes,
            "no": tumbler.no,
            "unknown": tumbler.unknown,
            "rate": None if tumbler.rate is None else round(tumbler.rate, 4),
            "assumption": why["tumbler"],
        },
        "bottles_avoided": {
            "estimate": bottles.estimate,
            "tumbler_yes": bottles.tumbler_yes,
            "bottles_per_participant": bottles.bottles_per_participant,
            "days": bottles.days,
            "tumbler_days": bottles.tumbler_days,
            "assumption": why["bottles_avoided"],
        },
        "waste": {
            "kg": waste.kg,
            "total_kg": waste.total_kg,
            "entries": waste.entries,
            "assumption": why["waste"],
        },
        "refill_litres": {"value": data.refill_litres, "assumption": why["refill_litres"]},
        "compliance": {
            **score_json(data.compliance),
            "non_compliant_items": [_listed_item(i) for i in data.compliance.non_compliant_items],
            "open_items": [_listed_item(i) for i in data.compliance.open_items],
            "assumption": why["compliance"],
        },
    }


# --- templates --------------------------------------------------------------------------


@bp.get("/checklist-templates")
@requires(Role.STAFF)
def list_templates() -> Response:
    return jsonify(templates=[template_json(t) for t in checklist_templates.list_templates()])


@bp.get("/checklist-templates/<key>")
@requires(Role.STAFF)
def get_template(key: str) -> Response:
    version = request.args.get("version")
    if version is not None:
        version = query_int("version", 1, 1, MAX_ID)
    template = checklist_templates.get_template(key, version)
    body = template_json(template)
    body["versions"] = [t.version for t in checklist_templates.template_versions(key)]
    return jsonify(body)


@bp.post("/checklist-templates")
@requires(Role.ADMIN)
def save_template() -> tuple[Response, int]:
    body = parse(TemplateIn, json_body())
    data = checklist_templates.TemplateInput(
        **body.model_dump(exclude={"items"}),
        items=[checklist_templates.ItemInput(**item.model_dump()) for item in body.items],
    )
    before = checklist_templates.latest_version(data.key)
    template = checklist_templates.save_template_version(data, current_user, utcnow())
    db.session.commit()
    return jsonify(template_json(template)), 200 if template is before else 201


# --- checklists -------------------------------------------------------------------------


def _checklist(event_id: int, checklist_id: int) -> EventChecklist:
    return services.get_checklist(get_event(event_id), checklist_id)


def _item(event_id: int, checklist_id: int, item_id: int) -> ChecklistItem:
    return services.get_item(_checklist(event_id, checklist_id), item_id)


@bp.get("/events/<int:event_id>/checklists")
@requires(Role.STAFF)
def list_checklists(event_id: int) -> Response:
    checklists = services.list_checklists(get_event(event_id))
    return jsonify(checklists=[checklist_json(c) for c in checklists])


@bp.post("/events/<int:event_id>/checklists")
@requires(Role.ORGANISER)
def attach(event_id: int) -> tuple[Response, int]:
    body = parse(AttachIn, json_body())
    checklist = services.attach_template(
        get_event(event_id), body.template_key, current_user, utcnow()
    )
    db.session.commit()
    return jsonify(checklist_json(checklist)), 201


@bp.get("/events/<int:event_id>/checklists/<int:checklist_id>")
@requires(Role.STAFF)
def get_checklist(event_id: int, checklist_id: int) -> Response:
    return jsonify(checklist_json(_checklist(event_id, checklist_id)))


@bp.patch("/events/<int:event_id>/checklists/<int:checklist_id>/items/<int:item_id>")
@requires(Role.STAFF)
def patch_item(event_id: int, checklist_id: int, item_id: int) -> Response:
    item = _item(event_id, checklist_id, item_id)
    body = parse(ItemPatch, json_body())
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    services.answer_item(item, changes, current_user, utcnow())
    db.session.commit()
    return jsonify(item_json(item.checklist, item))


@bp.post("/events/<int:event_id>/checklists/<int:checklist_id>/items/<int:item_id>/photos")
@requires(Role.STAFF)
def upload_photo(event_id: int, checklist_id: int, item_id: int) -> tuple[Response, int]:
    item = _item(event_id, checklist_id, item_id)
    upload = request.files.get("photo")
    if upload is None:
        raise ValidationFailed(
            _("Send the photo as the multipart field 'photo'."), {"photo": _("Required.")}
        )
    storage = get_storage()
    photo = evidence.add_photo(item, upload.read(), current_user, utcnow(), storage)
    try:
        db.session.commit()
    except Exception:
        evidence.discard_files(storage, evidence.photo_files(photo))
        raise
    return jsonify(photo_json(item.checklist, item, photo)), 201


@bp.get(
    "/events/<int:event_id>/checklists/<int:checklist_id>/items/<int:item_id>/photos/<int:photo_id>"
)
@requires(Role.STAFF)
def get_photo(event_id: int, checklist_id: int, item_id: int, photo_id: int) -> Response:
    photo = evidence.get_photo(_item(event_id, checklist_id, item_id), photo_id)
    data = evidence.photo_bytes(photo, get_storage(), thumb=request.args.get("size") == "thumb")
    return evidence.photo_response(data, photo)


@bp.delete(
    "/events/<int:event_id>/checklists/<int:checklist_id>/items/<int:item_id>/photos/<int:photo_id>"
)
@requires(Role.STAFF)
def delete_photo(event_id: int, checklist_id: int, item_id: int, photo_id: int) -> Response:
    photo = evidence.get_photo(_item(event_id, checklist_id, item_id), photo_id)
    keys = evidence.delete_photo(photo, current_user, utcnow())
    db.session.commit()
    evidence.discard_files(get_storage(), keys)
    return Response(status=204)


@bp.post("/events/<int:event_id>/checklists/<int:checklist_id>/sign-off")
@requires(Role.STAFF)
def sign_off(event_id: int, checklist_id: int) -> Response:
    checklist = _checklist(event_id, checklist_id)
    body = parse(SignOffIn, json_body())
    services.sign_off(checklist, body.name, body.position, current_user, utcnow())
    db.session.commit()
    return jsonify(checklist_json(checklist))


@bp.post("/events/<int:event_id>/checklists/<int:checklist_id>/reopen")
@requires(Role.ORGANISER)
def reopen(event_id: int, checklist_id: int) -> Response:
    checklist = _checklist(event_id, checklist_id)
    body = parse(ReopenIn, json_body() if request.get_data() else {})
    services.reopen(checklist, current_user, utcnow(), body.reason)
    db.session.commit()
    return jsonify(checklist_json(checklist))


# --- sustainability ---------------------------------------------------------------------


@bp.get("/events/<int:event_id>/waste")
@requires(Role.STAFF)
def list_waste(event_id: int) -> Response:
    return jsonify(entries=[waste_json(e) for e in measurements.list_waste(get_event(event_id))])


@bp.post("/events/<int:event_id>/waste")
@requires(Role.STAFF)
def add_waste(event_id: int) -> tuple[Response, int]:
    event = get_event(event_id)
    body = parse(WasteIn, json_body())
    entry = measurements.record_waste(
        event, body.stream, body.kg, current_user, utcnow(), body.note
    )
    db.session.commit()
    return jsonify(waste_json(entry)), 201


@bp.delete("/events/<int:event_id>/waste/<int:entry_id>")
@requires(Role.STAFF)
def delete_waste(event_id: int, entry_id: int) -> Response:
    measurements.delete_waste(get_event(event_id), entry_id, current_user, utcnow())
    db.session.commit()
    return Response(status=204)


@bp.get("/events/<int:event_id>/sustainability")
@requires(Role.STAFF)
def get_sustainability(event_id: int) -> Response:
    return jsonify(sustainability_json(sustainability(get_event(event_id))))


@bp.patch("/events/<int:event_id>/sustainability")
@requires(Role.STAFF)
def patch_sustainability(event_id: int) -> Response:
    event = get_event(event_id)
    body = parse(SustainabilityPatch, json_body())
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    if changes.get("bottles_per_participant", 0) is None:
        raise ValidationFailed(
            _("bottles_per_participant cannot be empty."),
            {"bottles_per_participant": _("Required.")},
        )
    measurements.update_settings(event, current_user, utcnow(), **changes)
    db.session.commit()
    return jsonify(sustainability_json(sustainability(event)))
