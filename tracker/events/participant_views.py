"""Participant pages: the list, one person's form, and the spreadsheet import with its preview."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    after_this_request,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import DomainError, ValidationFailed
from tracker.events import registration, roster_import, services
from tracker.events.forms import ImportForm, ParticipantForm
from tracker.events.headings import FIELD_LABELS, KIND_LABELS
from tracker.events.models import (
    PARTICIPANT_CATEGORY_LABELS,
    Event,
    Participant,
    ParticipantImport,
)
from tracker.extensions import db
from tracker.forms import ConfirmForm, form_errors
from tracker.memory import release_after

bp = Blueprint("participants", __name__, url_prefix="/events/<int:event_id>/participants")


@bp.route("")
@requires(Role.STAFF)
def index(event_id: int) -> str:
    event = services.get_event(event_id)
    search = request.args.get("q", "")[:100]
    people = registration.list_participants(event, search)
    return render_template(
        "participants/index.html",
        event=event,
        people=people,
        search=search,
        categories=PARTICIPANT_CATEGORY_LABELS,
        form=ConfirmForm(),
    )


def _input(form: ParticipantForm) -> registration.ParticipantInput:
    return registration.ParticipantInput(
        name=form.name.data or "",
        agency=form.agency.data or "",
        position=form.position.data or "",
        nip=form.nip.data or "",
        category=form.category.data,
        email=form.email.data,
        phone=form.phone.data,
        legal_basis=form.legal_basis.data,
    )


def _save(event_id: int, person: Participant | None) -> str | Response:
    event = services.get_event(event_id)
    form = ParticipantForm(obj=person)
    if form.validate_on_submit():
        try:
            if person is None:
                registration.register_participants(event, [_input(form)], utcnow())
            else:
                registration.update_participant(person, _input(form))
        except DomainError as exc:
            errors = exc.fields.get("0", exc.fields) if person is None else exc.fields
            form_errors(form, ValidationFailed(exc.message, errors))
        else:
            db.session.commit()
            flash(_("Participant saved."), "success")
            return redirect(url_for("participants.index", event_id=event.id))
    return render_template("participants/form.html", event=event, form=form, person=person)


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def create(event_id: int) -> str | Response:
    return _save(event_id, None)


@bp.route("/<int:participant_id>/edit", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def edit(event_id: int, participant_id: int) -> str | Response:
    event = services.get_event(event_id)
    return _save(event_id, registration.get_participant(event, participant_id))


@bp.route("/<int:participant_id>/delete", methods=["POST"])
@requires(Role.ORGANISER)
def delete(event_id: int, participant_id: int) -> Response:
    event = services.get_event(event_id)
    person = registration.get_participant(event, participant_id)
    if ConfirmForm().validate_on_submit():
        registration.delete_participant(person)
        db.session.commit()
        flash(_("%(name)s was removed from the event.", name=person.name), "success")
    return redirect(url_for("participants.index", event_id=event.id))


@bp.route("/import", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def upload(event_id: int) -> str | Response:
    event = services.get_event(event_id)
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            pending = roster_import.stage_upload(event, current_user, form.file.data.filename, data)
        except DomainError as exc:
            form.file.errors = [exc.message]
        else:
            db.session.commit()
            return redirect(
                url_for("participants.preview", event_id=event.id, import_id=pending.id)
            )
    return render_template("participants/import.html", event=event, form=form)


@bp.route("/import/<int:import_id>", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def preview(event_id: int, import_id: int) -> str | Response:
    after_this_request(release_after)  # a roster read (tracker.memory)
    event = services.get_event(event_id)
    pending = _pending(event, import_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            created = roster_import.confirm(event, pending, current_user, utcnow())
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("%(n)d participants imported.", n=created), "success")
            return redirect(url_for("participants.index", event_id=event.id))
    try:
        plan = roster_import.plan_pending(event, pending, current_user)
    except DomainError as exc:  # rows the upload's check does not read (a damaged part)
        roster_import.drop_pending(pending)
        db.session.commit()
        flash(exc.message, "error")
        return redirect(url_for("participants.upload", event_id=event.id))
    return render_template(
        "participants/preview.html",
        event=event,
        plan=plan,
        pending=pending,
        form=form,
        categories=PARTICIPANT_CATEGORY_LABELS,
        field_labels=FIELD_LABELS,
        kind_labels=KIND_LABELS,
    )


@bp.route("/import/<int:import_id>/columns", methods=["POST"])
@requires(Role.ORGANISER)
def columns(event_id: int, import_id: int) -> Response:
    """The column-mapping step: keep the organiser's choices (or forget them), then preview."""
    event = services.get_event(event_id)
    pending = _pending(event, import_id)
    if ConfirmForm().validate_on_submit():
        try:
            if "by_headings" in request.form:
                roster_import.read_by_headings(event, pending, current_user)
            else:
                roster_import.assign_columns(
                    event, pending, current_user, _column_choices(), utcnow()
                )
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("The columns are read as you chose."), "success")
    return redirect(url_for("participants.preview", event_id=event.id, import_id=pending.id))


def _pending(event: Event, import_id: int) -> ParticipantImport:
    """The organiser's own upload waiting for its preview; 404 otherwise."""
    pending = roster_import.get_pending(event, import_id, current_user)
    if pending is None:
        abort(404)
    return pending


def _column_choices() -> dict[tuple[int, int], str]:
    """The mapping form's selects, named ``column-<sheet>-<column>``: (sheet, column) -> field."""
    choices = {}
    for name, value in request.form.items():
        parts = name.split("-")
        if len(parts) == 3 and parts[0] == "column" and parts[1].isdigit() and parts[2].isdigit():
            choices[int(parts[1]), int(parts[2])] = value
    return choices
