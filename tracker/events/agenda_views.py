"""The agenda page: the event's days with their doors, the completion rule, and the sessions
(add, edit, move up or down, remove, import from a spreadsheet). Organisers change it; staff
may look."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events import agenda as services
from tracker.events.agenda_forms import AgendaImportForm, CompletionForm, SessionForm
from tracker.events.agenda_import import import_agenda
from tracker.events.days import event_dates
from tracker.events.models import Event
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.forms import ConfirmForm, form_errors

bp = Blueprint("agenda", __name__, url_prefix="/events/<int:event_id>/agenda")


def _page(event: Event, session_form: SessionForm | None = None, status: int = 200, **forms):
    days = event_dates(event.starts_at, event.ends_at, event.timezone)
    if session_form is None:
        session_form = SessionForm()
        session_form.set_days(days)
    completion = forms.get("completion") or CompletionForm(
        rule=event.completion_rule, percent=event.completion_percent
    )
    html = render_template(
        "events/agenda.html",
        event=event,
        sessions=services.agenda(event),
        windows=_local_windows(event),
        session_form=session_form,
        completion_form=completion,
        import_form=forms.get("upload") or AgendaImportForm(),
        form=ConfirmForm(),
        errors=forms.get("errors") or {},
    )
    return html, status


def _local_windows(event: Event) -> list[tuple[date, str, str]]:
    """Each day with its door's opening and closing as HH:MM on the event's clock."""
    zone = ZoneInfo(event.timezone)
    return [
        (
            w.day,
            w.opens_at.astimezone(zone).strftime("%H:%M"),
            w.closes_at.astimezone(zone).strftime("%H:%M"),
        )
        for w in event.day_windows()
    ]


@bp.route("")
@requires(Role.STAFF)
def index(event_id: int):
    return _page(get_event(event_id))


@bp.route("/sessions", methods=["POST"], defaults={"session_id": None})
@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def save_session(event_id: int, session_id: int | None):
    event = get_event(event_id)
    session = None if session_id is None else services.get_session(event, session_id)
    form = SessionForm()
    form.set_days(event_dates(event.starts_at, event.ends_at, event.timezone))
    if request.method == "GET" and session is not None:
        form.fill_from(session, event.timezone)
        return render_template("events/session_form.html", event=event, form=form, session=session)
    if form.validate_on_submit():
        try:
            if session is None:
                services.add_session(event, form.to_input(), current_user, utcnow())
            else:
                services.edit_session(event, session, form.to_input(), current_user, utcnow())
            db.session.commit()
            flash(_("Session saved."), "success")
            return redirect(url_for("agenda.index", event_id=event.id))
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc)
    if session is not None:
        html = render_template("events/session_form.html", event=event, form=form, session=session)
        return html, 422
    return _page(event, form, 422)


@bp.route("/sessions/<int:session_id>/move/<direction>", methods=["POST"])
@requires(Role.ORGANISER)
def move(event_id: int, session_id: int, direction: str) -> Response:
    """Move a session up or down within its day."""
    event = get_event(event_id)
    if not ConfirmForm().validate_on_submit() or direction not in ("up", "down"):
        return redirect(url_for("agenda.index", event_id=event.id))
    ids = [s.id for s in services.agenda(event)]
    i = ids.index(services.get_session(event, session_id).id)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
        services.reorder_sessions(event, ids, current_user, utcnow())
        db.session.commit()
    return redirect(url_for("agenda.index", event_id=event.id))


@bp.route("/sessions/<int:session_id>/delete", methods=["POST"])
@requires(Role.ORGANISER)
def delete(event_id: int, session_id: int) -> Response:
    event = get_event(event_id)
    if ConfirmForm().validate_on_submit():
        services.remove_session(
            event, services.get_session(event, session_id), current_user, utcnow()
        )
        db.session.commit()
        flash(_("Session removed."), "success")
    return redirect(url_for("agenda.index", event_id=event.id))


def _doors_from_form(event: Event) -> list[services.DayDoor]:
    """The day door times typed (HH:MM); a day left as it was is not saved as its own."""
    doors = []
    for window in event.day_windows():
        key = window.day.isoformat()
        opens, closes = request.form.get(f"opens-{key}", ""), request.form.get(f"closes-{key}", "")
        try:
            door = services.DayDoor(
                date.fromisoformat(key), time.fromisoformat(opens), time.fromisoformat(closes)
            )
        except ValueError:
            raise ValidationFailed(
                _("Give each day's door times as HH:MM."), {key: _("Use HH:MM.")}
            ) from None
        doors.append(door)
    return doors


@bp.route("/days", methods=["POST"])
@requires(Role.ORGANISER)
def days(event_id: int):
    event = get_event(event_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("agenda.index", event_id=event.id))
    try:
        services.set_day_doors(event, _doors_from_form(event), current_user, utcnow())
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _page(event, status=422, errors=exc.fields)
    flash(_("Door times saved."), "success")
    return redirect(url_for("agenda.index", event_id=event.id))


@bp.route("/completion", methods=["POST"])
@requires(Role.ORGANISER)
def completion(event_id: int):
    event = get_event(event_id)
    form = CompletionForm()
    if form.validate_on_submit():
        services.set_completion_rule(
            event, form.rule.data, form.percent.data, current_user, utcnow()
        )
        db.session.commit()
        flash(_("Completion rule saved."), "success")
        return redirect(url_for("agenda.index", event_id=event.id))
    return _page(event, status=422, completion=form)


@bp.route("/import", methods=["POST"])
@requires(Role.ORGANISER)
def upload(event_id: int):
    event = get_event(event_id)
    form = AgendaImportForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            added = import_agenda(
                event, form.file.data.filename or "", data, current_user, utcnow()
            )
            db.session.commit()
            flash(_("%(n)d sessions added.", n=len(added)), "success")
            return redirect(url_for("agenda.index", event_id=event.id))
        except ValidationFailed as exc:
            db.session.rollback()
            return _page(event, status=422, upload=form, errors={"": exc.message, **exc.fields})
    return _page(event, status=422, upload=form)
