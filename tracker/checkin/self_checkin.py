"""Self check-in at the door: a participant with their own phone, no account.

What a person types is one of three things: their ticket code (or the ticket URL), the e-mail
they registered with, or their phone number. The answer names at most one person, the one the
typed detail belongs to, and never lists anybody: "checked in: <your name>" or "not found".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from tracker.checkin.door_rule import is_open
from tracker.checkin.models import Method, ScanResult
from tracker.checkin.services import Person, ScanInput, ScanOutcome, check_in
from tracker.contact import ContactError, normalise_email, normalise_phone
from tracker.errors import Conflict, ValidationFailed
from tracker.events.models import Event, LegalBasis
from tracker.events.registration import ParticipantInput, find_registered, register_participants

TICKET, EMAIL, PHONE = "ticket", "email", "phone"
_PHONE_RE = re.compile(r"^[\d\s()+.\-]{8,25}$")
#: Door check-ins carry no gate name: the method ("own phone at the door") says where, and a
#: stored word would be English on Indonesian pages and files.
DOOR_GATE = ""


class WalkInsNotAllowed(Conflict):
    code = "walk_ins_not_allowed"


def kind_of(typed: str) -> str:
    """Which of ticket / email / phone a person typed (only e-mail and phone are rate limited)."""
    text = typed.strip()
    if "@" in text:
        return EMAIL
    if _PHONE_RE.match(text) and sum(ch.isdigit() for ch in text) >= 8:
        return PHONE
    return TICKET


@dataclass
class DoorAnswer:
    outcome: ScanOutcome
    #: How the person was found, for the page's wording.
    kind: str


def check_in_at_door(
    event: Event, typed: str, brought_tumbler: bool | None, now: datetime, device: str = ""
) -> DoorAnswer:
    """Check in whoever the typed code, e-mail or phone belongs to. Logs a Scan either way.
    ``device``: the phone (or door pass) it came from, for flagging one phone checking in
    several people."""
    kind = kind_of(typed)
    scan = ScanInput(
        brought_tumbler=brought_tumbler, gate=DOOR_GATE, method=Method.DOOR, device=device
    )
    if kind == TICKET:
        scan.code = typed
    else:
        person = _find_by_contact(event, typed, kind)
        if person is None:
            scan.code = ""  # logged as an unknown scan; the typed detail is not kept
        else:
            scan.participant_id = person
    return DoorAnswer(check_in(event, scan, None, now), kind)


def _find_by_contact(event: Event, typed: str, kind: str) -> int | None:
    try:
        email = normalise_email(typed) if kind == EMAIL else None
        phone = normalise_phone(typed) if kind == PHONE else None
    except ContactError:
        return None
    person = find_registered(event.id, email, phone)
    return person.id if person is not None else None


def register_walk_in(
    event: Event,
    entry: ParticipantInput,
    brought_tumbler: bool | None,
    now: datetime,
    device: str = "",
) -> ScanOutcome:
    """Register a person at the door (with their consent) and check them in.

    Raises WalkInsNotAllowed when the event does not take walk-ins, ValidationFailed for bad
    details. A phone or e-mail registered already is not refused (that would tell anyone
    whether a number is registered): the registered person is checked in, and the answer names
    the person as typed, the same answer a new walk-in gets.
    """
    if not event.allow_walk_ins:
        raise WalkInsNotAllowed(_("This event does not take registrations at the door."))
    if not is_open(event, now):
        return ScanOutcome(ScanResult.NOT_OPEN)
    if not (entry.phone or "").strip() and not (entry.email or "").strip():
        raise ValidationFailed(_("Give a phone number or an e-mail."), {"phone": _("Required.")})
    entry.legal_basis = LegalBasis.CONSENT.value
    registered = _registered_id(event, entry)
    if registered is None:
        try:
            (person,) = register_participants(event, [entry], now, source="walk_in")
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, exc.fields.get("0", exc.fields)) from None
        registered = person.id
    scan = ScanInput(
        participant_id=registered,
        brought_tumbler=brought_tumbler,
        gate=DOOR_GATE,
        method=Method.WALK_IN,
        device=device,
    )
    outcome = check_in(event, scan, None, now)
    if outcome.result in (ScanResult.CHECKED_IN, ScanResult.ALREADY):
        # As typed: the registered name (or "already checked in") would tell the difference.
        typed = Person(registered, entry.name.strip(), entry.agency.strip(), "")
        at = outcome.checked_in_at if outcome.result == ScanResult.CHECKED_IN else now
        return ScanOutcome(ScanResult.CHECKED_IN, typed, at or now)
    return outcome


def _registered_id(event: Event, entry: ParticipantInput) -> int | None:
    """Who the walk-in's phone or e-mail is registered to already (None: nobody, or the
    details are not valid, which registering then says)."""
    try:
        email = normalise_email(entry.email) if (entry.email or "").strip() else None
        phone = normalise_phone(entry.phone) if (entry.phone or "").strip() else None
    except ContactError:
        return None
    if not email and not phone:
        return None
    person = find_registered(event.id, email, phone)
    return person.id if person is not None else None
