"""Checklist pages, made for staff walking the venue with a phone.

Everything works as plain form posts: each item card is its own form (status buttons, value,
note, photo) and saving one item reloads the page at that card.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.compliance import checklist_templates, evidence, services
from tracker.compliance.forms import AttachForm, ItemForm, ReopenForm, SignOffForm
from tracker.compliance.models import (
    ITEM_CATEGORY_LABELS,
    ITEM_STATUS_LABELS,
    AnswerType,
    ChecklistItem,
    EventChecklist,
)
from tracker.db import utcnow
from tracker.errors import DomainError, ValidationFailed
from tracker.events.models import Event
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.forms import ConfirmForm, choices, form_errors
from tracker.storage import get_storage

bp = Blueprint("compliance", __name__, url_prefix="/events/<int:event_id>")


def _checklist(event_id: int, checklist_id: int) -> tuple[Event, EventChecklist]:
    event = get_event(event_id)
    return event, services.get_checklist(event, checklist_id)


def _attach_form(event: Event) -> AttachForm:
    form = AttachForm()
    attached = {c.template_key for c in services.list_checklists(event)}
    form.template_key.choices = choices(
        # The regulation beside the title: "Pembatasan Timbulan Sampah Plastik Sekali Pakai
        # (Peraturan Gubernur Bali No. 97 Tahun 2018, v1)"; two templates may share a title.
        (t.key, f"{t.title} ({', '.join(filter(None, (t.basis_label(), f'v{t.version}')))})")
        for t in checklist_templates.list_templates()
        if t.key not in attached
    )
    return form


@bp.route("/checklists")
@requires(Role.STAFF)
def index(event_id: int) -> str:
    event = get_event(event_id)
    checklists = services.list_checklists(event)
    return render_template(
        "compliance/index.html",
        event=event,
        checklists=[(c, services.checklist_score(c)) for c in checklists],
        form=_attach_form(event),
    )


@bp.route("/checklists", methods=["POST"])
@requires(Role.ORGANISER)
def attach(event_id: int) -> Response:
    event = get_event(event_id)
    form = _attach_form(event)
    if not form.validate_on_submit():
        flash(_("Choose a template that is not attached yet."), "error")
        return redirect(url_for("compliance.index", event_id=event.id))
    checklist = services.attach_template(event, form.template_key.data, current_user, utcnow())
    db.session.commit()
    flash(_("Checklist attached."), "success")
    return redirect(url_for("compliance.show", event_id=event.id, checklist_id=checklist.id))


def _render_checklist(
    event: Event, checklist: EventChecklist, problem: dict[str, Any] | None = None, status=200
) -> tuple[str, int]:
    page = render_template(
        "compliance/checklist.html",
        event=event,
        checklist=checklist,
        score=services.checklist_score(checklist),
        confirm=ConfirmForm(),
        reopen_form=ReopenForm(),
        problem=problem or {},
        saved=request.args.get("saved", type=int),
        ITEM_STATUS_LABELS=ITEM_STATUS_LABELS,
        ITEM_CATEGORY_LABELS=ITEM_CATEGORY_LABELS,
        YES_NO=AnswerType.YES_NO,
    )
    return page, status


@bp.route("/checklists/<int:checklist_id>")
@requires(Role.STAFF)
def show(event_id: int, checklist_id: int) -> tuple[str, int]:
    return _render_checklist(*_checklist(event_id, checklist_id))


def _changes(item: ChecklistItem, form: ItemForm) -> dict[str, Any]:
    changes: dict[str, Any] = {"note": form.note.data or ""}
    status = request.form.get("status", "")
    if status:
        changes["status"] = status
    if item.template_item.answer_type != AnswerType.YES_NO:
        changes["value"] = form.value.data or ""
    return changes


@bp.route("/checklists/<int:checklist_id>/items/<int:item_id>", methods=["POST"])
@requires(Role.STAFF)
def save_item(event_id: int, checklist_id: int, item_id: int) -> Any:
    event, checklist = _checklist(event_id, checklist_id)
    item = services.get_item(checklist, item_id)
    form, storage, photo = ItemForm(), get_storage(), None
    try:
        if not form.validate_on_submit():
            raise ValidationFailed(_("The form expired or a field is too long."), form.errors)
        if form.photo.data:
            photo = evidence.add_photo(
                item, form.photo.data.read(), current_user, utcnow(), storage
            )
        services.answer_item(item, _changes(item, form), current_user, utcnow())
    except services.ChecklistSignedOff:
        raise
    except DomainError as exc:
        db.session.rollback()
        if photo is not None:
            evidence.discard_files(storage, evidence.photo_files(photo))
        draft = {"value": form.value.data, "note": form.note.data}
        problem = {"item_id": item_id, "message": exc.message, "fields": exc.fields, **draft}
        return _render_checklist(event, checklist, problem, exc.status)
    db.session.commit()
    target = url_for("compliance.show", event_id=event.id, checklist_id=checklist.id, saved=item.id)
    return redirect(f"{target}#item-{item.id}")


@bp.route("/checklists/<int:checklist_id>/items/<int:item_id>/photos/<int:photo_id>")
@requires(Role.STAFF)
def photo(event_id: int, checklist_id: int, item_id: int, photo_id: int) -> Response:
    _event, checklist = _checklist(event_id, checklist_id)
    found = evidence.get_photo(services.get_item(checklist, item_id), photo_id)
    data = evidence.photo_bytes(found, get_storage(), thumb=request.args.get("size") == "thumb")
    return evidence.photo_response(data, found)


@bp.route(
    "/checklists/<int:checklist_id>/items/<int:item_id>/photos/<int:photo_id>/delete",
    methods=["POST"],
)
@requires(Role.STAFF)
def delete_photo(event_id: int, checklist_id: int, item_id: int, photo_id: int) -> Response:
    _event, checklist = _checklist(event_id, checklist_id)
    found = evidence.get_photo(services.get_item(checklist, item_id), photo_id)
    if ConfirmForm().validate_on_submit():
        keys = evidence.delete_photo(found, current_user, utcnow())
        db.session.commit()
        evidence.discard_files(get_storage(), keys)
        flash(_("Photo removed."), "success")
    target = url_for("compliance.show", event_id=event_id, checklist_id=checklist.id)
    return redirect(f"{target}#item-{item_id}")


@bp.route("/checklists/<int:checklist_id>/sign-off", methods=["GET", "POST"])
@requires(Role.STAFF)
def sign_off(event_id: int, checklist_id: int) -> Any:
    event, checklist = _checklist(event_id, checklist_id)
    form = SignOffForm()
    if request.method == "GET" and not form.name.data:
        form.name.data = current_user.name
    if form.validate_on_submit():
        try:
            services.sign_off(checklist, form.name.data, form.position.data, current_user, utcnow())
        except services.ChecklistSignedOff:
            raise
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Checklist signed off and locked."), "success")
            return redirect(
                url_for("compliance.show", event_id=event.id, checklist_id=checklist.id)
            )
    score = services.checklist_score(checklist)
    status = 422 if form.errors or getattr(form, "form_errors", None) else 200
    return render_template(
        "compliance/sign_off.html", event=event, checklist=checklist, score=score, form=form
    ), status


@bp.route("/checklists/<int:checklist_id>/reopen", methods=["POST"])
@requires(Role.ORGANISER)
def reopen(event_id: int, checklist_id: int) -> Response:
    event, checklist = _checklist(event_id, checklist_id)
    form = ReopenForm()
    if form.validate_on_submit():
        services.reopen(checklist, current_user, utcnow(), form.reason.data or "")
        db.session.commit()
        flash(_("Checklist reopened. The earlier sign-off is kept in the audit log."), "success")
    return redirect(url_for("compliance.show", event_id=event.id, checklist_id=checklist.id))
