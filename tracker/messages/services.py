"""Writing messages and deciding who gets them; retrying, cancelling, the wa.me links.

Services flush; the view commits once, then nudges the worker (tracker/jobs.py). Sending itself
is in ``sending.py`` and runs on the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, exists, func, insert, literal, select, update
from sqlalchemy.sql.elements import ColumnElement

from tracker import audit
from tracker.certificates.models import Certificate
from tracker.checkin.models import CheckIn
from tracker.db import UTCDateTime
from tracker.errors import NotFound, ValidationFailed
from tracker.events.models import Event, Participant
from tracker.extensions import db
from tracker.messages import texts
from tracker.messages.models import (
    Audience,
    Channel,
    Delivery,
    DeliveryStatus,
    Message,
    MessageKind,
)
from tracker.placeholders import field_errors

#: Why a delivery failed before any try: shown translated on the message's page.
NO_ADDRESS = "no_address"
CANCELLED = "cancelled"


@dataclass
class MessageInput:
    kind: str
    channel: str
    subject: str
    body: str
    audience: str = Audience.ALL.value
    audience_value: str = ""
    language: str = "id"
    #: None: now.
    send_at: datetime | None = None


def channel_ready(channel: str) -> bool:
    """Whether this server is set up to send on the channel (wa.me links always are)."""
    config = current_app.config
    if channel == Channel.EMAIL:
        return bool(config.get("SMTP_URL") and config.get("MAIL_FROM"))
    if channel == Channel.WHATSAPP:
        return bool(config.get("WHATSAPP_TOKEN") and config.get("WHATSAPP_PHONE_NUMBER_ID"))
    return channel == Channel.WA_ME


def _placeholder_errors(data: MessageInput) -> dict[str, str]:
    texts_ = {"subject": data.subject, "body": data.body}
    return field_errors(texts_, texts.placeholders_for(data.kind))


def _check(event: Event, data: MessageInput) -> None:
    """Raises ValidationFailed with every field's problem at once."""
    errors = _placeholder_errors(data)
    if data.kind not in set(MessageKind):
        errors["kind"] = _("Unknown kind of message.")
    if data.language not in ("id", "en"):
        errors["language"] = _("Choose Indonesian or English.")
    if data.channel not in set(Channel):
        errors["channel"] = _("Unknown channel.")
    elif not channel_ready(data.channel):
        errors["channel"] = _("This server is not set up to send on this channel yet.")
    if not data.body.strip():
        errors["body"] = _("Write the message.")
    if data.channel == Channel.EMAIL and not data.subject.strip():
        errors["subject"] = _("An e-mail needs a subject.")
    errors |= _audience_errors(event, data)
    if errors:
        raise ValidationFailed(_("The message was not queued: see the fields marked."), errors)


def _audience_errors(event: Event, data: MessageInput) -> dict[str, str]:
    if data.audience not in set(Audience):
        return {"audience": _("Choose who gets the message.")}
    if data.audience == Audience.AGENCY and not data.audience_value.strip():
        return {"audience_value": _("Choose the agency.")}
    if data.audience == Audience.PERSON:
        value = data.audience_value
        person = db.session.get(Participant, int(value)) if value.isdigit() else None
        if person is None or person.event_id != event.id:
            return {"audience_value": _("Choose the person.")}
    return {}


def audience_condition(event: Event, audience: str, value: str) -> ColumnElement[bool]:
    """Which of the event's participants a message is for (never the anonymised ones)."""
    condition = (Participant.event_id == event.id) & Participant.anonymised_at.is_(None)
    if audience == Audience.NOT_ARRIVED:
        arrived = exists().where(CheckIn.participant_id == Participant.id)
        return condition & ~arrived
    if audience == Audience.AGENCY:
        return condition & (Participant.agency == value)
    if audience == Audience.PERSON:
        return condition & (Participant.id == int(value))
    if audience == Audience.CERTIFIED:
        issued = exists().where(
            (Certificate.participant_id == Participant.id) & Certificate.revoked_at.is_(None)
        )
        return condition & issued
    return condition


def count_audience(event: Event, audience: str, value: str = "") -> int:
    where = audience_condition(event, audience, value)
    return db.session.scalar(select(func.count()).select_from(Participant).where(where)) or 0


def queue_message(
    event: Event, data: MessageInput, actor: Any, now: datetime, base_url: str
) -> Message:
    """Write the message and one delivery per person, in two statements whatever the count.

    People without the channel's address (no e-mail, no phone) get a delivery that failed at
    once with ``no_address``, so the organiser sees who was missed. Raises ValidationFailed.
    """
    _check(event, data)
    message = Message(
        event_id=event.id,
        kind=data.kind,
        channel=data.channel,
        language=data.language,
        subject=data.subject.strip(),
        body=data.body.strip(),
        audience=data.audience,
        audience_value=data.audience_value.strip(),
        send_at=data.send_at or now,
        base_url=base_url,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(message)
    db.session.flush()
    count = _insert_deliveries(event, message, now)
    details = {
        "kind": message.kind,
        "channel": message.channel,
        "audience": message.audience,
        "audience_value": message.audience_value,
        "people": count,
        "send_at": message.send_at.isoformat(),
    }
    _record(message, "message.queue", actor, now, details)
    return message


def _insert_deliveries(event: Event, message: Message, now: datetime) -> int:
    address = Participant.email if message.channel == Channel.EMAIL else Participant.phone
    ready = DeliveryStatus.MANUAL if message.channel == Channel.WA_ME else DeliveryStatus.QUEUED
    people = select(
        literal(message.id),
        Participant.id,
        case((address.is_(None), DeliveryStatus.FAILED.value), else_=ready.value),
        case((address.is_(None), NO_ADDRESS), else_=""),
        literal(message.send_at, UTCDateTime()),
        literal(now, UTCDateTime()),
    ).where(audience_condition(event, message.audience, message.audience_value))
    columns = ["message_id", "participant_id", "status", "error", "next_attempt_at", "updated_at"]
    db.session.execute(insert(Delivery).from_select(columns, people))
    return db.session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.message_id == message.id)
    )


def get_message(event: Event, message_id: int) -> Message:
    """Raises NotFound for a message of another event."""
    message = db.session.get(Message, message_id)
    if message is None or message.event_id != event.id:
        raise NotFound(_("No message with id %(id)s in this event.", id=message_id))
    return message


def list_messages(event: Event) -> list[Message]:
    query = select(Message).where(Message.event_id == event.id)
    return list(db.session.scalars(query.order_by(Message.created_at.desc(), Message.id.desc())))


def status_counts(message_ids: list[int]) -> dict[int, dict[str, int]]:
    """Deliveries per status, per message, in one query."""
    counts: dict[int, dict[str, int]] = {mid: {} for mid in message_ids}
    rows = db.session.execute(
        select(Delivery.message_id, Delivery.status, func.count())
        .where(Delivery.message_id.in_(message_ids))
        .group_by(Delivery.message_id, Delivery.status)
    )
    for message_id, status, n in rows:
        counts[message_id][status] = n
    return counts


def deliveries(message: Message, limit: int = 5000) -> list[Delivery]:
    query = (
        select(Delivery)
        .join(Participant)
        .where(Delivery.message_id == message.id)
        .order_by(Participant.name, Delivery.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def retry_failed(message: Message, actor: Any, now: datetime) -> int:
    """Queue again every failed delivery that has an address; returns how many."""
    if message.channel == Channel.WA_ME or message.cancelled_at is not None:
        return 0
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.message_id == message.id,
            Delivery.status == DeliveryStatus.FAILED,
            Delivery.error.notin_([NO_ADDRESS, CANCELLED]),
        )
        .values(status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=now, updated_at=now)
    )
    _record(message, "message.retry", actor, now, {"people": result.rowcount})
    return result.rowcount


def cancel_message(message: Message, actor: Any, now: datetime) -> int:
    """Stop what has not been sent yet (what is sent stays sent); returns how many stopped."""
    message.cancelled_at = now
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.message_id == message.id,
            Delivery.status.in_([DeliveryStatus.QUEUED, DeliveryStatus.MANUAL]),
        )
        .values(status=DeliveryStatus.FAILED, error=CANCELLED, updated_at=now)
    )
    _record(message, "message.cancel", actor, now, {"people": result.rowcount})
    return result.rowcount


def open_wa_me(message: Message, delivery_id: int, actor: Any, now: datetime) -> Delivery:
    """The organiser opens one wa.me link: the delivery counts as sent by them.

    Raises NotFound for a delivery of another message or a message that is not wa.me.
    """
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.message_id != message.id or message.channel != Channel.WA_ME:
        raise NotFound(_("No such WhatsApp link."))
    if delivery.status == DeliveryStatus.MANUAL:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.provider_ref = f"wa.me: {getattr(actor, 'email', '')}"[:200]
        delivery.updated_at = now
    db.session.flush()
    return delivery


def _record(message: Message, action: str, actor: Any, now: datetime, details: dict) -> None:
    audit.record(
        action,
        now=now,
        actor=actor,
        event_id=message.event_id,
        subject_type="message",
        subject_id=message.id,
        details=details,
    )


def agencies(event: Event) -> list[str]:
    query = (
        select(Participant.agency)
        .where(Participant.event_id == event.id, Participant.agency != "")
        .distinct()
        .order_by(Participant.agency)
    )
    return list(db.session.scalars(query))
