"""Naming the official who signs the event's daftar hadir ("Mengetahui"), from the event form,
the daftar hadir page and ``PATCH /api/v1/events/<id>`` alike.

Here, on the events floor, because the event form (tracker.events) writes it and may not reach
up to tracker.summaries; who actually signs a list (this official, else the certificate
design's) is still ``tracker.summaries.daftar_hadir.signer_of``'s rule.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from tracker import audit
from tracker.auth.models import Principal
from tracker.contact import NipError, normalise_nip
from tracker.errors import ValidationFailed
from tracker.events.models import Event
from tracker.events.registration import nip_problem
from tracker.extensions import db

#: The longest position and name kept for the official (the columns' lengths).
SIGNER_MAX = 200
#: How the fields are named in errors: as the API names them (the forms rename them).
FIELDS = "daftar_hadir_official."


def set_daftar_hadir_official(
    event: Event, *, position: str, name: str, nip: str, actor: Principal | None, now: datetime
) -> None:
    """Name the event's own daftar hadir official; an empty name goes back to the certificate
    design's. Raises ValidationFailed (fields ``daftar_hadir_official.name`` ...) for a position
    or NIP without a name, a NIK or a bad NIP, or text too long; nothing is changed then. The
    same official again changes nothing and is not logged (the event form sends it with every
    save)."""
    position, name = position.strip(), name.strip()
    errors: dict[str, str] = {}
    if not name and (position or nip.strip()):
        errors["name"] = _("Give the official's name (or clear every field).")
    for key, text in (("position", position), ("name", name)):
        if len(text) > SIGNER_MAX:
            errors[key] = _("At most %(n)d characters.", n=SIGNER_MAX)
    digits = ""
    try:
        digits = normalise_nip(nip)
    except NipError as exc:
        errors["nip"] = nip_problem(exc)
    if errors:
        fields = {f"{FIELDS}{k}": v for k, v in errors.items()}
        raise ValidationFailed(_("The official could not be saved."), fields)
    current = (
        event.daftar_hadir_signer_position,
        event.daftar_hadir_signer_name,
        event.daftar_hadir_signer_nip,
    )
    if current == (position, name, digits):
        return
    event.daftar_hadir_signer_position = position
    event.daftar_hadir_signer_name = name
    event.daftar_hadir_signer_nip = digits
    db.session.flush()
    audit.record(
        "event.daftar_hadir_signer",
        now=now,
        actor=actor,
        event_id=event.id,
        subject_type="event",
        subject_id=event.id,
        details={"position": position, "name": name, "nip": digits},
    )
