"""Retention, anonymisation and data-subject requests (UU PDP).

Anonymising erases what identifies a person (name, e-mail, phone, position, NIP, the
signatures drawn at check-in) and keeps what the event's figures are made of (agency,
category, check-in time and gate, tumbler answer, the pseudonymous person_key), so every
aggregate of the summaries stays the same after the purge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ScalarSelect, delete, select, update

from tracker import audit
from tracker.auth.access import owned_by
from tracker.auth.models import User
from tracker.certificates.personal_data import (
    certificates_of,
    discard_old_bundles,
    withdraw_for_erasure,
)
from tracker.checkin.models import CheckIn, Signature
from tracker.errors import Conflict, NotFound, ValidationFailed
from tracker.events.models import Event, Participant, ParticipantImport
from tracker.events.registration import new_ticket_code
from tracker.extensions import db
from tracker.messages.personal_data import deliveries_of, forget_delivery_details
from tracker.privacy.models import (
    RESPONSE_TIME,
    DataRequest,
    RequestKind,
    RequestStatus,
    Setting,
)

RETENTION_KEY = "retention_days_default"
#: Until an admin says otherwise: a year, enough for the activity report (LPJ) and its audit.
DEFAULT_RETENTION_DAYS = 365
MAX_RETENTION_DAYS = 3650
#: Uploaded rosters waiting for a confirmation hold personal data: kept one day at most.
PENDING_IMPORT_LIFETIME = timedelta(days=1)
ANONYMOUS = "Anonim"


def retention_default() -> int:
    setting = db.session.get(Setting, RETENTION_KEY)
    return int(setting.value) if setting is not None else DEFAULT_RETENTION_DAYS


def check_retention_days(days: int | None) -> None:
    if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
        raise ValidationFailed(
            _("Retention must be from 1 to %(max)d days.", max=MAX_RETENTION_DAYS),
            {"retention_days": _("Out of range.")},
        )


def set_retention_default(days: int, actor: User, now: datetime) -> None:
    """Raises ValidationFailed for a period outside 1..3650 days."""
    check_retention_days(days)
    before = retention_default()
    setting = db.session.get(Setting, RETENTION_KEY) or Setting(key=RETENTION_KEY)
    setting.value = days
    db.session.add(setting)
    audit.record(
        "privacy.retention_default", now=now, actor=actor, details={"before": before, "after": days}
    )
    db.session.flush()


def purge_due(event: Event, default_days: int | None = None) -> datetime:
    """When the event's participants' personal data is to be anonymised."""
    days = event.retention_days or default_days or retention_default()
    return event.ends_at + timedelta(days=days)


def anonymise(participants: list[Participant], now: datetime) -> int:
    """Erase the personal data of these participants in one batch; returns how many."""
    rows = [
        {
            "id": p.id,
            "name": f"{ANONYMOUS} #{p.id}",
            "email": None,
            "phone": None,
            "position": "",
            "nip": "",
            "consent_at": None,
            "ticket_code": new_ticket_code(),
            "anonymised_at": now,
        }
        for p in participants
        if p.anonymised_at is None
    ]
    if rows:
        db.session.execute(update(Participant), rows)
        ids = [row["id"] for row in rows]
        db.session.execute(delete(Signature).where(Signature.participant_id.in_(ids)))
        forget_delivery_details(row["id"] for row in rows)
    return len(rows)


@dataclass
class PurgeResult:
    events: list[int]
    participants: int
    pending_imports: int
    #: Bundles of all an event's certificates, copies made for one download.
    certificate_bundles: int = 0


def purge(now: datetime, dry_run: bool = False) -> PurgeResult:
    """Anonymise the participants of every event past its retention period, and drop
    uploads left unconfirmed. Safe to run daily: what is done is not done again."""
    default_days = retention_default()
    due = [
        e
        for e in db.session.scalars(select(Event).where(Event.purged_at.is_(None)))
        if purge_due(e, default_days) <= now
    ]
    total = 0
    for event in due:
        people = list(
            db.session.scalars(
                select(Participant).where(
                    Participant.event_id == event.id, Participant.anonymised_at.is_(None)
                )
            )
        )
        total += len(people)
        if not dry_run:
            anonymise(people, now)
            event.purged_at = now
            audit.record(
                "privacy.purge",
                now=now,
                actor_label="purge",
                event_id=event.id,
                details={"participants": len(people)},
            )
    stale = ParticipantImport.created_at < now - PENDING_IMPORT_LIFETIME
    pending = db.session.scalar(select(db.func.count()).where(stale)) or 0
    bundles = 0
    if not dry_run:
        db.session.execute(delete(ParticipantImport).where(stale))
        bundles = discard_old_bundles(now)
        db.session.flush()
    return PurgeResult([e.id for e in due], total, pending, bundles)


# --- requests -----------------------------------------------------------------------------


def record_request(
    participant: Participant,
    kind: str,
    details: str,
    now: datetime,
    channel: str = "staff",
    actor: User | None = None,
) -> DataRequest:
    """Log a person's request; it is due within 3 x 24 hours. Raises ValidationFailed."""
    if kind not in {k.value for k in RequestKind}:
        raise ValidationFailed(_("Unknown kind of request."), {"kind": _("Unknown.")})
    if len(details) > 2000:
        raise ValidationFailed(_("At most 2000 characters."), {"details": _("Too long.")})
    request = DataRequest(
        event_id=participant.event_id,
        participant_id=participant.id,
        kind=kind,
        channel=channel,
        details=details.strip(),
        received_at=now,
        due_at=now + RESPONSE_TIME,
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        f"privacy.request.{kind}",
        now=now,
        actor=actor,
        actor_label="" if actor else channel,
        event_id=participant.event_id,
        subject_type="data_request",
        subject_id=request.id,
    )
    return request


def get_request(request_id: int) -> DataRequest:
    request = db.session.get(DataRequest, request_id)
    if request is None:
        raise NotFound(_("No such request."))
    return request


def close_request(
    request: DataRequest, status: str, outcome: str, actor: User, now: datetime
) -> None:
    """Mark a request done or refused, with what was done. Raises Conflict if already closed."""
    if request.status != RequestStatus.OPEN:
        raise Conflict(_("This request is closed already."))
    if status not in (RequestStatus.DONE, RequestStatus.REFUSED):
        raise ValidationFailed(_("Choose done or refused."), {"status": _("Unknown.")})
    if status == RequestStatus.REFUSED and not outcome.strip():
        raise ValidationFailed(_("Say why the request is refused."), {"outcome": _("Required.")})
    request.status, request.outcome = status, outcome.strip()
    request.handled_at, request.handled_by_id = now, actor.id
    audit.record(
        f"privacy.request.{status}",
        now=now,
        actor=actor,
        event_id=request.event_id,
        subject_type="data_request",
        subject_id=request.id,
        details={"kind": request.kind, "late": now > request.due_at},
    )
    db.session.flush()


def erase_for_request(request: DataRequest, actor: User, now: datetime) -> None:
    """Carry out a deletion request: withdraw the person's certificates, anonymise the person
    now, and close the request."""
    if request.participant is None:
        raise NotFound(_("The participant of this request no longer exists."))
    withdraw_for_erasure(request.participant, actor, now)
    anonymise([request.participant], now)
    close_request(request, RequestStatus.DONE, _("Personal data erased."), actor, now)


def office_of_request(request_id: int) -> ScalarSelect[int]:
    """The office of the request's event; NULL when it has none (only an admin reaches it)."""
    return (
        select(Event.office_id)
        .join(DataRequest, DataRequest.event_id == Event.id)
        .where(DataRequest.id == request_id)
        .scalar_subquery()
    )


owned_by("request_id", office_of_request)


def list_requests(
    include_closed: bool = False, offices: set[int] | None = None
) -> list[DataRequest]:
    """The requests (open first, by due date) of these offices' events (None: all)."""
    query = select(DataRequest).order_by(
        DataRequest.status != RequestStatus.OPEN, DataRequest.due_at
    )
    if offices is not None:
        query = query.join(Event, Event.id == DataRequest.event_id).where(
            Event.office_id.in_(offices)
        )
    if not include_closed:
        query = query.where(DataRequest.status == RequestStatus.OPEN)
    return list(db.session.scalars(query.limit(500)))


def person_export(participant: Participant) -> dict[str, Any]:
    """Everything held about one participant, for their access request (UU PDP art. 32)."""
    checkin = db.session.scalar(select(CheckIn).where(CheckIn.participant_id == participant.id))
    event = participant.event
    return {
        "event": {
            "id": event.id,
            "title": event.title,
            "organiser_unit": event.organiser_unit,
            "starts_at": event.starts_at.isoformat(),
            "privacy_contact": event.privacy_contact,
        },
        "participant": {
            "name": participant.name,
            "agency": participant.agency,
            "position": participant.position,
            "nip": participant.nip,
            "category": participant.category,
            "email": participant.email,
            "phone": participant.phone,
            "legal_basis": participant.legal_basis,
            "registered_at": participant.created_at.isoformat(),
            "source": participant.source,
        },
        "checkin": None
        if checkin is None
        else {
            "checked_in_at": checkin.checked_in_at.isoformat(),
            "method": checkin.method,
            "gate": checkin.gate,
            "brought_tumbler": checkin.brought_tumbler,
        },
        "signatures": [
            {"day": day.isoformat(), "signed_at": signed_at.isoformat()}
            for day, signed_at in db.session.execute(
                select(Signature.day, Signature.signed_at)
                .where(Signature.participant_id == participant.id)
                .order_by(Signature.day)
            )
        ],
        "certificates": certificates_of(participant),
        "messages": deliveries_of(participant.id),
        "retention": {"erased_after": purge_due(event).isoformat()},
    }
