"""The door page a participant opens by scanning the poster or the screen: public, light, and
usable without JavaScript (two plain forms; the answer comes back on the same page)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from tracker.auth.access import public
from tracker.checkin import door_codes
from tracker.checkin.door_rule import is_open
from tracker.checkin.forms import DoorCheckInForm, WalkInForm, tumbler_answer
from tracker.checkin.models import ScanResult
from tracker.checkin.self_checkin import TICKET, check_in_at_door, kind_of, register_walk_in
from tracker.checkin.services import ScanOutcome
from tracker.checkin.signatures import read_signature, save_signature
from tracker.db import utcnow
from tracker.errors import DomainError, ValidationFailed
from tracker.events.models import Event
from tracker.events.registration import ParticipantInput
from tracker.events.services import get_event
from tracker.extensions import csrf, db, limiter

bp = Blueprint("door", __name__)
# No CSRF token on the door page (see tracker.checkin.forms._DoorForm): nobody is logged in
# there, so a forged post could act for nobody; the signed door pass is checked instead.
csrf.exempt(bp)
#: The walk-in form's fields are prefixed, so the page's two forms have distinct ids.
WALK_IN_PREFIX = "w"
#: Answers after which the signature drawn with the check-in is kept.
SIGNED_WHEN = (ScanResult.CHECKED_IN, ScanResult.ALREADY)


def lookup_limit() -> str:
    """Per client address; several people on the venue's Wi-Fi share one (see the docs)."""
    return current_app.config.get("DOOR_LOOKUP_LIMIT", "10 per minute")


def _too_many() -> str:
    return _("Too many tries from this network. Wait a minute, or ask the door staff.")


def _typed_a_ticket() -> bool:
    # Ticket codes cannot be guessed (128 bits): only phone / e-mail look-ups are limited.
    return kind_of(request.form.get("who", "")) == TICKET


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


#: A forged code is unknown here (404); an expired one was good once (410 Gone).
_STATUS = {"forged": 404, "expired": 410, "not_open": 409, "no_walk_ins": 409}


def _closed(reason: str, event: Event | None = None) -> tuple[str, int]:
    return render_template("door/closed.html", reason=reason, event=event), _STATUS[reason]


def _page(
    event: Event,
    checkin_form: DoorCheckInForm | None = None,
    walkin_form: WalkInForm | None = None,
    outcome: ScanOutcome | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The door page; after an answer the page shows it, and the forms again unless it was a
    success. Every rendering carries a fresh door pass."""
    token = door_codes.door_pass(_secret(), event.id, utcnow())
    checkin_form = checkin_form or DoorCheckInForm(formdata=None)
    walkin_form = walkin_form or WalkInForm(formdata=None, prefix=WALK_IN_PREFIX)
    checkin_form.door_pass.data = walkin_form.door_pass.data = token
    page = render_template(
        "door/page.html", event=event, form=checkin_form, walkin=walkin_form, outcome=outcome
    )
    return page, status


@bp.route("/door/<token>")
@public
def open_door(token: str) -> tuple[str, int]:
    now = utcnow()
    try:
        code = door_codes.read_code(_secret(), token, now)
    except door_codes.DoorCodeError as exc:
        return _closed(exc.reason)
    event = db.session.get(Event, code.event_id)
    if event is None:
        return _closed("forged")
    if not is_open(event, now):
        return _closed("not_open", event)
    return _page(event)


def _pass_ok(event: Event, token: str | None) -> bool:
    try:
        door_codes.read_pass(_secret(), token or "", event.id, utcnow())
    except door_codes.DoorCodeError:
        return False
    return True


@bp.route("/door/<int:event_id>/checkin", methods=["POST"])
@public
@limiter.limit(lookup_limit, exempt_when=_typed_a_ticket, error_message=_too_many)
def check_in(event_id: int) -> tuple[str, int]:
    event = get_event(event_id)
    form = DoorCheckInForm()
    if not _pass_ok(event, form.door_pass.data):
        return _closed("expired", event)  # or forged: either way, scan the door's code again
    if not form.validate_on_submit():
        return _page(event, checkin_form=form, status=422)
    try:
        png = _signature(event, form)
    except ValidationFailed as exc:  # not an image, or an empty pad: nothing is done yet
        form.signature.errors = [exc.message]
        return _page(event, checkin_form=form, status=422)
    answer = check_in_at_door(event, form.who.data, tumbler_answer(form.tumbler.data), utcnow())
    if png is not None and answer.outcome.person and answer.outcome.result in SIGNED_WHEN:
        save_signature(event, answer.outcome.person.id, png, "door", utcnow())
    db.session.commit()
    return _answer(event, answer.outcome, checkin_form=form)


def _signature(event: Event, form: DoorCheckInForm) -> bytes | None:
    """The drawn signature, checked; None when the event asks for none, or the browser could
    not show the pad (the printed list is signed by hand then). Raises ValidationFailed."""
    if not event.ask_signature:
        return None
    if form.signature.data:
        return read_signature(form.signature.data)
    if form.pad.data == "1":
        raise ValidationFailed(_("Sign on the pad first."))
    return None


def _walk_in_entry(form: WalkInForm) -> ParticipantInput:
    return ParticipantInput(
        name=form.name.data or "",
        agency=form.agency.data or "",
        position=form.position.data or "",
        email=form.email.data or None,
        phone=form.phone.data or None,
    )


@bp.route("/door/<int:event_id>/walk-in", methods=["POST"])
@public
@limiter.limit(lookup_limit, error_message=_too_many)
def walk_in(event_id: int) -> tuple[str, int]:
    event = get_event(event_id)
    form = WalkInForm(prefix=WALK_IN_PREFIX)
    if not _pass_ok(event, form.door_pass.data):
        return _closed("expired", event)  # or forged: either way, scan the door's code again
    if not event.allow_walk_ins:
        return _closed("no_walk_ins", event)
    if not form.validate_on_submit():
        return _page(event, walkin_form=form, status=422)
    try:
        outcome = register_walk_in(
            event, _walk_in_entry(form), tumbler_answer(form.tumbler.data), utcnow()
        )
    except DomainError as exc:  # not allowed, invalid details, or registered already
        db.session.rollback()
        for name, message in exc.fields.items():
            target = getattr(form, name, None)
            if target is not None:
                target.errors = [*target.errors, str(message)]
        form.form_errors = [exc.message]
        return _page(event, walkin_form=form, status=exc.status)
    db.session.commit()
    return _answer(event, outcome, walkin_form=form)


def _answer(event: Event, outcome: ScanOutcome, **forms: Any) -> tuple[str, int]:
    status = outcome.http_status if outcome.http_status >= 400 else 200
    return _page(event, outcome=outcome, status=status, **forms)


_REASONS = {
    "forged": lambda: _("This door code is not valid. Scan the QR code at the door again."),
    "expired": lambda: _("This door code has expired. Scan the QR code at the door again."),
    "not_open": lambda: _("Check-in is not open now."),
    "no_walk_ins": lambda: _("This event does not take registrations at the door."),
}


@bp.app_template_global()
def door_reason(reason: str) -> str:
    return _REASONS.get(reason, _REASONS["forged"])()
