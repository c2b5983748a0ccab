"""An organiser's late manual check-in: the person was there, the record comes after the door
closed (a paper list, a phone that died). Recorded through the one scan path as
``ScanKind.LATE``, with the reason in the audit log (``checkin.late``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import DateTimeLocalField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.checkin.models import Method, ScanResult
from tracker.checkin.services import REASON_MAX, ScanInput, ScanKind, check_in
from tracker.db import utcnow
from tracker.events.registration import get_participant
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.forms import AppForm

bp = Blueprint("late_checkin", __name__)


class LateCheckInForm(AppForm):
    reason = TextAreaField(
        _l("Why is it recorded late?"),
        validators=[DataRequired(), Length(min=3, max=REASON_MAX)],
        description=_l("Kept in the audit log, e.g. signed the paper list, phone dead."),
    )
    arrived_at = DateTimeLocalField(
        _l("Arrived at"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("In the event's time zone; empty: now."),
    )


@bp.route(
    "/events/<int:event_id>/participants/<int:participant_id>/late-checkin",
    methods=["GET", "POST"],
)
@requires(Role.ORGANISER)
def form(event_id: int, participant_id: int) -> str | Response:
    event = get_event(event_id)
    person = get_participant(event, participant_id)
    form = LateCheckInForm()
    if form.validate_on_submit():
        scan = ScanInput(
            participant_id=person.id,
            method=Method.MANUAL,
            kind=ScanKind.LATE,
            reason=form.reason.data,
            scanned_at=form.arrived_at.data,  # naive: read in the event's zone
        )
        outcome = check_in(event, scan, current_user, utcnow())
        db.session.commit()
        if outcome.result == ScanResult.CHECKED_IN:
            flash(_("%(name)s is checked in (recorded late).", name=person.name), "success")
        elif outcome.result == ScanResult.ALREADY:
            flash(_("%(name)s was checked in already.", name=person.name), "info")
        else:
            flash(_("Check-in cannot be recorded for this event (a draft or archived)."), "error")
        return redirect(url_for("checkin.check_ins", event_id=event.id))
    return render_template("checkin/late.html", event=event, person=person, form=form)
