"""Event and venue pages for organisers (staff may look)."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from tracker.auth.access import requires
from tracker.auth.devices import devices_of
from tracker.auth.offices import visible_offices
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events import services
from tracker.events.agenda import agenda
from tracker.events.forms import EVENT_FIELDS_RENAMED, EventForm, VenueForm
from tracker.events.models import Event
from tracker.events.officials import set_daftar_hadir_official
from tracker.extensions import db
from tracker.forms import ConfirmForm, choices, form_errors

bp = Blueprint("events", __name__)

SCOPES = ("upcoming", "past", "archived")


@bp.route("/events")
@requires(Role.STAFF)
def index() -> str:
    scope = request.args.get("scope", "upcoming")
    scope = scope if scope in SCOPES else "upcoming"
    events = services.list_events(scope, utcnow(), visible_offices(current_user))
    return render_template("events/index.html", events=events, scope=scope, scopes=SCOPES)


@bp.route("/events/<int:event_id>")
@requires(Role.STAFF)
def show(event_id: int) -> str:
    event = services.get_event(event_id)
    counts = services.participant_counts(event)
    return render_template(
        "events/show.html",
        event=event,
        counts=counts,
        form=ConfirmForm(),
        devices=devices_of(event.id),
        now=utcnow(),
        sessions=agenda(event),
    )


def _event_form(event: Event | None) -> EventForm:
    form = EventForm(obj=None)
    form.venue_id.choices = choices(
        [(0, _("(none)"))] + [(v.id, v.label()) for v in services.list_venues()]
    )
    if request.method == "GET":
        if event is not None:
            form.fill_from(event)
        else:
            form.submission.data = secrets.token_urlsafe(24)
    return form


def _made_already(form: EventForm) -> Response | None:
    """The event this very form made before (a double click): shown instead of a second one."""
    made = services.event_for_submission(form.submission.data)
    if made is None:
        return None
    flash(_("This event was saved already."), "info")
    return redirect(url_for("events.show", event_id=made.id))


def _save_event(event: Event | None, template: str) -> str | Response:
    form = _event_form(event)
    if form.validate_on_submit():
        if event is None and (made := _made_already(form)) is not None:
            return made
        try:
            data = form.to_input()
            if event is None:
                event = services.create_event(data, current_user, form.submission.data, utcnow())
            else:
                services.update_event(event, data)
            set_daftar_hadir_official(event, **form.official(), actor=current_user, now=utcnow())
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc, EVENT_FIELDS_RENAMED)
        except IntegrityError:
            # The same form, posted twice at once: the other request saved it first.
            db.session.rollback()
            if (made := _made_already(form)) is None:
                raise
            return made
        else:
            flash(_("Event saved."), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_template(template, form=form, event=event)


@bp.route("/events/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def create() -> str | Response:
    return _save_event(None, "events/form.html")


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def edit(event_id: int) -> str | Response:
    return _save_event(services.get_event(event_id), "events/form.html")


@bp.route("/events/<int:event_id>/archive", methods=["POST"])
@requires(Role.ORGANISER)
def archive(event_id: int) -> Response:
    event = services.get_event(event_id)
    if ConfirmForm().validate_on_submit():
        services.set_archived(event, not event.is_archived, utcnow())
        db.session.commit()
        flash(_("Event archived.") if event.is_archived else _("Event restored."), "success")
    return redirect(url_for("events.show", event_id=event.id))


@bp.route("/venues")
@requires(Role.ORGANISER)
def venues() -> str:
    return render_template("events/venues.html", venues=services.list_venues())


@bp.route("/venues/new", methods=["GET", "POST"], defaults={"venue_id": None})
@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def venue_form(venue_id: int | None) -> str | Response:
    venue = services.get_venue(venue_id) if venue_id else None
    form = VenueForm(obj=venue)
    if form.validate_on_submit():
        try:
            services.save_venue(
                venue,
                services.VenueInput(
                    form.name.data,
                    form.address.data or "",
                    form.room.data or "",
                    form.capacity.data,
                ),
            )
        except ValidationFailed as exc:
            form_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Venue saved."), "success")
            return redirect(url_for("events.venues"))
    return render_template("events/venue_form.html", form=form, venue=venue)
