"""The door page a participant opens by scanning the poster or the screen: public, light, and
usable without JavaScript (two plain forms; the answer comes back on the same page).

Opening it with a door code gives the phone a door pass (tracker/checkin/door_passes.py): one
person, a few mistypes, ten minutes, never renewed. The address limit counts only look-ups
that found nobody, as the outer bound: a room on one Wi-Fi checks in freely.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, make_response, render_template, request
from flask_babel import gettext as _

from tracker.auth.access import public
from tracker.checkin import door_codes, door_passes
from tracker.checkin.door_rule import is_open
from tracker.checkin.forms import DoorCheckInForm, WalkInForm, tumbler_answer
from tracker.checkin.models import DoorPass, ScanResult
from tracker.checkin.self_checkin import TICKET, check_in_at_door, kind_of, register_walk_in
from tracker.checkin.services import REFUSALS, ScanOutcome
from tracker.checkin.signatures import read_signature, save_signature
from tracker.db import begin_write, utcnow
from tracker.errors import DomainError, ValidationFailed
from tracker.events.models import Event
from tracker.events.registration import ParticipantInput
from tracker.events.services import get_event
from tracker.extensions import csrf, db, limiter

bp = Blueprint("door", __name__)
# No CSRF token on the door page (see tracker.checkin.forms._DoorForm): nobody is logged in
# there, so a forged post could act for nobody; the door pass is checked instead.
csrf.exempt(bp)
#: The walk-in form's fields are prefixed, so the page's two forms have distinct ids.
WALK_IN_PREFIX = "w"
#: The phone's door cookie: a random id, only to flag one phone checking in several people.
PHONE_COOKIE = "door_phone"
#: Answers after which the signature drawn with the check-in is kept.
SIGNED_WHEN = (ScanResult.CHECKED_IN, ScanResult.ALREADY)


def lookup_limit() -> str:
    """Failed look-ups per client address (a venue's Wi-Fi is one address): the outer bound."""
    return current_app.config.get("DOOR_LOOKUP_LIMIT", "30 per minute")


def _too_many() -> str:
    return _("Too many tries from this network. Wait a minute, or ask the door staff.")


def _found_nobody(response: Response) -> bool:
    """Only failures count: a look-up that found nobody, or a pass that is not ours."""
    return response.status_code == 404


def _typed_a_ticket() -> bool:
    # Ticket codes cannot be guessed (128 bits): a ticket is never held up by the limit.
    return kind_of(request.form.get("who", "")) == TICKET


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


#: A forged code is unknown here (404); an expired one was good once (410 Gone).
_STATUS = {
    "forged": 404,
    "expired": 410,
    "used": 410,
    "poster_off": 410,
    "not_open": 409,
    "no_walk_ins": 409,
}


def _closed(reason: str, event: Event | None = None) -> tuple[str, int]:
    return render_template("door/closed.html", reason=reason, event=event), _STATUS[reason]


def _page(
    event: Event,
    key: str,
    checkin_form: DoorCheckInForm | None = None,
    walkin_form: WalkInForm | None = None,
    outcome: ScanOutcome | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The door page; after an answer the page shows it, and the forms again (with the same
    pass) unless somebody was checked in."""
    checkin_form = checkin_form or DoorCheckInForm(formdata=None)
    walkin_form = walkin_form or WalkInForm(formdata=None, prefix=WALK_IN_PREFIX)
    checkin_form.door_pass.data = walkin_form.door_pass.data = key
    page = render_template(
        "door/page.html", event=event, form=checkin_form, walkin=walkin_form, outcome=outcome
    )
    return page, status


@bp.route("/door/<token>")
@public
def open_door(token: str) -> tuple[str, int] | Response:
    begin_write()  # it gives a pass: take SQLite's write lock before reading
    now = utcnow()
    try:
        code = door_codes.read_code(_secret(), token, now)
    except door_codes.DoorCodeError as exc:
        return _closed(exc.reason)
    event = db.session.get(Event, code.event_id)
    if event is None:
        return _closed("forged")
    if code.kind == door_codes.POSTER and not event.door_poster:
        return _closed("poster_off", event)
    if not is_open(event, now):
        return _closed("not_open", event)
    phone = request.cookies.get(PHONE_COOKIE, "")[:32] or door_passes.new_phone_id()
    key = door_passes.issue_pass(event.id, code.kind, phone, now)
    db.session.commit()
    response = make_response(_page(event, key))
    response.set_cookie(
        PHONE_COOKIE,
        phone,
        max_age=2 * 24 * 3600,
        path="/door",
        httponly=True,
        secure=request.is_secure,
        samesite="Lax",
    )
    response.headers["Cache-Control"] = "no-store"  # the pass is in the page
    return response


def _claim(event: Event, key: str | None) -> DoorPass | tuple[str, int]:
    try:
        return door_passes.claim_pass(event.id, key, utcnow())
    except door_passes.PassRefused as exc:
        return _closed(exc.reason, event)


@bp.route("/door/<int:event_id>/checkin", methods=["POST"])
@public
@limiter.limit(
    lookup_limit,
    exempt_when=_typed_a_ticket,
    deduct_when=_found_nobody,
    error_message=_too_many,
)
def check_in(event_id: int) -> tuple[str, int]:
    event = get_event(event_id)
    form = DoorCheckInForm()
    door_pass = _claim(event, form.door_pass.data)
    if not isinstance(door_pass, DoorPass):
        return door_pass
    if not form.validate_on_submit():
        door_passes.give_back(door_pass, failed=False)
        db.session.commit()
        return _page(event, form.door_pass.data, checkin_form=form, status=422)
    try:
        png = _signature(event, form)
    except ValidationFailed as exc:  # not an image, or an empty pad: nothing is done yet
        _refuse_signature(door_pass, form, exc)
        return _page(event, form.door_pass.data, checkin_form=form, status=422)
    answer = check_in_at_door(
        event,
        form.who.data,
        tumbler_answer(form.tumbler.data),
        utcnow(),
        device=door_passes.device_of(door_pass),
    )
    _settle(door_pass, answer.outcome)
    _keep_signature(event, answer.outcome, png)
    db.session.commit()
    return _answer(event, form.door_pass.data, answer.outcome, checkin_form=form)


def _signature(event: Event, form: DoorCheckInForm | WalkInForm) -> bytes | None:
    """The drawn signature, checked; None when the event asks for none, or the browser could
    not show the pad (the printed list is signed by hand then). Raises ValidationFailed."""
    if not event.ask_signature:
        return None
    if form.signature.data:
        return read_signature(form.signature.data)
    if form.pad.data == "1":
        raise ValidationFailed(_("Sign on the pad first."))
    return None


def _refuse_signature(
    door_pass: DoorPass, form: DoorCheckInForm | WalkInForm, exc: ValidationFailed
) -> None:
    """Not an image, or a shown pad left empty: the pass is given back, the form says why."""
    door_passes.give_back(door_pass, failed=False)
    db.session.commit()
    form.signature.errors = [exc.message]


def _keep_signature(event: Event, outcome: ScanOutcome, png: bytes | None) -> None:
    """The signature goes with the day's entry, once the person is in."""
    if png is not None and outcome.person and outcome.result in SIGNED_WHEN:
        save_signature(event, outcome.person.id, png, "door", utcnow())


def _settle(door_pass: DoorPass, outcome: ScanOutcome) -> None:
    """Used up once it named a person; given back (a failure counted) when it found nobody."""
    if outcome.result in REFUSALS or outcome.person is None:
        door_passes.give_back(door_pass, failed=outcome.http_status == 404)
    else:
        door_passes.spend(door_pass, outcome.person.id)


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
@limiter.limit(lookup_limit, deduct_when=_found_nobody, error_message=_too_many)
def walk_in(event_id: int) -> tuple[str, int]:
    event = get_event(event_id)
    form = WalkInForm(prefix=WALK_IN_PREFIX)
    if not event.allow_walk_ins:
        return _closed("no_walk_ins", event)
    door_pass = _claim(event, form.door_pass.data)
    if not isinstance(door_pass, DoorPass):
        return door_pass
    key = form.door_pass.data
    if not form.validate_on_submit():
        door_passes.give_back(door_pass, failed=False)
        db.session.commit()
        return _page(event, key, walkin_form=form, status=422)
    try:
        png = _signature(event, form)
    except ValidationFailed as exc:  # checked before anyone is registered
        _refuse_signature(door_pass, form, exc)
        return _page(event, key, walkin_form=form, status=422)
    try:
        outcome = register_walk_in(
            event,
            _walk_in_entry(form),
            tumbler_answer(form.tumbler.data),
            utcnow(),
            device=door_passes.device_of(door_pass),
        )
    except DomainError as exc:  # not allowed, or invalid details
        db.session.rollback()  # the pass is given back with it
        _form_errors(form, exc)
        return _page(event, key, walkin_form=form, status=exc.status)
    _settle(door_pass, outcome)
    _keep_signature(event, outcome, png)
    db.session.commit()
    return _answer(event, key, outcome, walkin_form=form)


def _form_errors(form: WalkInForm, exc: DomainError) -> None:
    for name, message in exc.fields.items():
        target = getattr(form, name, None)
        if target is not None:
            target.errors = [*target.errors, str(message)]
    form.form_errors = [exc.message]


def _answer(event: Event, key: str, outcome: ScanOutcome, **forms: Any) -> tuple[str, int]:
    status = outcome.http_status if outcome.http_status >= 400 else 200
    return _page(event, key, outcome=outcome, status=status, **forms)


_REASONS = {
    "forged": lambda: _("This door code is not valid. Scan the QR code at the door again."),
    "expired": lambda: _("This door code has expired. Scan the QR code at the door again."),
    "used": lambda: _(
        "This scan has checked somebody in already. Somebody else on this phone? "
        "Scan the QR code at the door again."
    ),
    "poster_off": lambda: _(
        "The poster's code is switched off for this event. Scan the code on the door screen."
    ),
    "not_open": lambda: _("Check-in is not open now."),
    "no_walk_ins": lambda: _("This event does not take registrations at the door."),
}


@bp.app_template_global()
def door_reason(reason: str) -> str:
    return _REASONS.get(reason, _REASONS["forged"])()
