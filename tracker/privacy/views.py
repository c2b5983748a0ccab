"""Data-subject requests: handled by organisers, made by participants through their ticket."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from tracker import audit
from tracker.auth.access import public, requires
from tracker.auth.offices import visible_offices
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import DomainError, NotFound, ValidationFailed
from tracker.events import registration
from tracker.events import services as events
from tracker.events.models import Participant
from tracker.extensions import db, limiter
from tracker.forms import ConfirmForm, form_errors
from tracker.http import send_bytes
from tracker.privacy import services
from tracker.privacy.forms import CloseRequestForm, RequestForm, SelfRequestForm
from tracker.privacy.models import REQUEST_KIND_LABELS, REQUEST_STATUS_LABELS

bp = Blueprint("privacy", __name__)


@bp.route("/privacy/requests")
@requires(Role.ORGANISER)
def requests() -> str:
    return render_template(
        "privacy/requests.html",
        requests=services.list_requests(True, visible_offices(current_user, Role.ORGANISER)),
        now=utcnow(),
        kinds=REQUEST_KIND_LABELS,
        statuses=REQUEST_STATUS_LABELS,
    )


@bp.route(
    "/events/<int:event_id>/participants/<int:participant_id>/requests/new", methods=["GET", "POST"]
)
@requires(Role.ORGANISER)
def new_request(event_id: int, participant_id: int) -> str | Response:
    person = registration.get_participant(events.get_event(event_id), participant_id)
    form = RequestForm()
    if form.validate_on_submit():
        request = services.record_request(
            person, form.kind.data, form.details.data or "", utcnow(), actor=current_user
        )
        db.session.commit()
        return redirect(url_for("privacy.handle", request_id=request.id))
    return render_template("privacy/new_request.html", form=form, person=person)


@bp.route("/privacy/requests/<int:request_id>", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def handle(request_id: int) -> str | Response:
    request = services.get_request(request_id)
    form = CloseRequestForm()
    if form.validate_on_submit():
        try:
            services.close_request(
                request, form.status.data, form.outcome.data or "", current_user, utcnow()
            )
        except ValidationFailed as exc:
            form_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The request is closed."), "success")
            return redirect(url_for("privacy.requests"))
    return render_template(
        "privacy/handle.html",
        request=request,
        form=form,
        confirm=ConfirmForm(),
        now=utcnow(),
        kinds=REQUEST_KIND_LABELS,
        statuses=REQUEST_STATUS_LABELS,
    )


@bp.route("/privacy/requests/<int:request_id>/erase", methods=["POST"])
@requires(Role.ORGANISER)
def erase(request_id: int) -> Response:
    request = services.get_request(request_id)
    if ConfirmForm().validate_on_submit():
        services.erase_for_request(request, current_user, utcnow())
        db.session.commit()
        flash(_("The person's data was erased; the event's figures are unchanged."), "success")
    return redirect(url_for("privacy.handle", request_id=request.id))


@bp.route("/privacy/requests/<int:request_id>/export.json")
@requires(Role.ORGANISER)
def export(request_id: int) -> Response:
    request = services.get_request(request_id)
    if request.participant is None:
        raise NotFound(_("The participant of this request no longer exists."))
    data = services.person_export(request.participant)
    audit.log_export(
        "export.person_json",
        now=utcnow(),
        actor=current_user,
        event_id=request.event_id,
        subject_type="participant",
        subject_id=request.participant_id,
    )
    return _download(data, request.participant_id)


def _download(data: dict, participant_id: int | None) -> Response:
    body = current_app.json.dumps(data)  # as jsonify writes it
    return send_bytes(body, "application/json", f"data-peserta-{participant_id}.json")


# --- the participant's own page, behind their ticket code ----------------------------------


def _by_ticket(code: str) -> Participant:
    person = db.session.scalar(select(Participant).where(Participant.ticket_code == code[:43]))
    if person is None:
        raise NotFound(_("This ticket link is not valid (any more)."))
    return person


@bp.route("/t/<code>/data", methods=["GET", "POST"])
@public
@limiter.limit("20 per minute", methods=["POST"])
def my_data(code: str) -> str | Response:
    person = _by_ticket(code)
    form = SelfRequestForm()
    if form.validate_on_submit():
        try:
            services.record_request(
                person, form.kind.data, form.details.data or "", utcnow(), channel="ticket"
            )
        except DomainError as exc:
            form_errors(form, ValidationFailed(exc.message, exc.fields))
        else:
            db.session.commit()
            flash(
                _("Your request was sent to the organiser, who answers within 3 x 24 hours."),
                "success",
            )
            return redirect(url_for("privacy.my_data", code=code))
    return render_template(
        "privacy/my_data.html", person=person, form=form, data=services.person_export(person)
    )


@bp.route("/t/<code>/data.json")
@public
def my_data_json(code: str) -> Response:
    person = _by_ticket(code)
    data, event_id, person_id = services.person_export(person), person.event_id, person.id
    audit.log_export(
        "export.person_json",
        now=utcnow(),
        actor_label="participant",
        event_id=event_id,
        subject_type="participant",
        subject_id=person_id,
    )
    return _download(data, person_id)
