"""Sending, on the worker: take what is due, fill each person's copy, send it at the channel's
pace, and write down what happened to each one.

A worker claims a batch of due deliveries with one ``UPDATE ... RETURNING`` (status queued ->
sending), so two workers never send the same copy; it commits each result as it comes, so a
crash loses at most the one being sent (a delivery left in "sending" for 15 minutes is queued
again: at-least-once, the price of not losing any). A failure a later try may fix (a server
that cannot be reached, a rate limit) is tried again after 1, 5, 15 and 60 minutes, then given
up; one that cannot be fixed (an address refused) fails at once, with the reason. When the
channel itself is down, the rest of the batch waits for the next try instead of knocking too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from tracker.certificates.files import certificate_path
from tracker.checkin.tickets import InvitationText, Notice, TicketLink, invitation_values
from tracker.checkin.views.ticket import ticket_path
from tracker.db import begin_write, utcnow
from tracker.extensions import db
from tracker.i18n import localised_event_when
from tracker.jobs import job_queue
from tracker.messages.channels import (
    Outgoing,
    Sender,
    SendError,
    SmtpSender,
    SmtpSettings,
    WhatsAppCloudSender,
    WhatsAppSettings,
)
from tracker.messages.models import Channel, Delivery, DeliveryStatus, Message, MessageKind
from tracker.messages.services import NO_ADDRESS, channel_ready
from tracker.messages.texts import Copy, personal_copy

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
MAX_ATTEMPTS = len(BACKOFF) + 1
BATCH = 50
STALE = timedelta(minutes=15)


def make_sender(channel: str, config: Any) -> Sender:
    """The sender for a channel, from the app's configuration. Raises ValueError for a bad
    SMTP_URL and for a channel without a sender (wa.me)."""
    if channel == Channel.EMAIL:
        return SmtpSender(SmtpSettings.from_url(config["SMTP_URL"]), config["MAIL_FROM"])
    if channel == Channel.WHATSAPP:
        return WhatsAppCloudSender(
            WhatsAppSettings(
                api_url=config["WHATSAPP_API_URL"],
                phone_number_id=config["WHATSAPP_PHONE_NUMBER_ID"],
                token=config["WHATSAPP_TOKEN"],
                template=config.get("WHATSAPP_TEMPLATE", ""),
            )
        )
    raise ValueError(f"no sender for {channel}")


def personal_copy_for(message: Message, person: Any) -> Copy:
    """The message as this person gets it, links on the site's address of the message."""
    event = message.event
    url = message.base_url + ticket_path(person.ticket_code)
    with force_locale(message.language):
        when = localised_event_when(event.starts_at, event.ends_at, event.timezone)
    facts = InvitationText.for_event(event, when)
    values = invitation_values(TicketLink(person.name, person.agency, None, None, url), facts)
    if message.kind == MessageKind.CERTIFICATE:
        values["certificate_url"] = message.base_url + certificate_path(person.ticket_code)
    notice = Notice(event.organiser_unit, person.legal_basis, event.privacy_contact)
    return personal_copy(
        message.subject, message.body, values, notice, url + "/data", message.language
    )


def address_of(message: Message, person: Any) -> str | None:
    return person.email if message.channel == Channel.EMAIL else person.phone


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    retrying: int = 0


def claim(channel: str, now: datetime, batch: int = BATCH) -> list[int]:
    """Take up to ``batch`` due deliveries of the channel (queued -> sending) and commit."""
    due = (
        select(Delivery.id)
        .join(Message)
        .where(
            Delivery.status == DeliveryStatus.QUEUED,
            Delivery.next_attempt_at <= now,
            Message.channel == channel,
            Message.cancelled_at.is_(None),
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(batch)
    )
    begin_write()
    claimed = db.session.scalars(
        update(Delivery)
        .where(Delivery.id.in_(due.scalar_subquery()), Delivery.status == DeliveryStatus.QUEUED)
        .values(status=DeliveryStatus.SENDING, updated_at=now)
        .returning(Delivery.id)
    ).all()
    db.session.commit()
    return sorted(claimed)


def _prepared(ids: list[int]) -> list[tuple[int, int, Outgoing | None, str]]:
    """(delivery id, attempts, what to send or None, why not) for each claimed delivery."""
    query = (
        select(Delivery)
        .where(Delivery.id.in_(ids))
        .options(joinedload(Delivery.participant), joinedload(Delivery.message))
        .order_by(Delivery.id)
    )
    prepared = []
    for delivery in db.session.scalars(query):
        person, message = delivery.participant, delivery.message
        to = address_of(message, person)
        if to is None or person.anonymised_at is not None:
            prepared.append((delivery.id, delivery.attempts, None, NO_ADDRESS))
            continue
        copy = personal_copy_for(message, person)
        prepared.append((delivery.id, delivery.attempts, Outgoing(to, copy.subject, copy.text), ""))
    db.session.rollback()  # end the read: nothing is held while the network is slow
    return prepared


def _write(delivery_id: int, **values: Any) -> None:
    begin_write()
    db.session.execute(
        update(Delivery).where(Delivery.id == delivery_id).values(updated_at=utcnow(), **values)
    )
    db.session.commit()


def _failed(delivery_id: int, attempts: int, exc: SendError, report: Report) -> datetime | None:
    """Record a failed try; returns when the next try is, or None when it was given up."""
    tries = attempts + 1
    if exc.transient and tries < MAX_ATTEMPTS:
        retry_at = utcnow() + BACKOFF[attempts]
        _write(
            delivery_id,
            status=DeliveryStatus.QUEUED,
            attempts=tries,
            next_attempt_at=retry_at,
            error=exc.reason,
        )
        report.retrying += 1
        return retry_at
    _write(delivery_id, status=DeliveryStatus.FAILED, attempts=tries, error=exc.reason)
    report.failed += 1
    return None


def _release(ids: list[int], at: datetime, why: str) -> None:
    """Put claimed deliveries back in the queue untried (their channel is down)."""
    if not ids:
        return
    begin_write()
    db.session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.status == DeliveryStatus.SENDING)
        .values(status=DeliveryStatus.QUEUED, next_attempt_at=at, error=why, updated_at=utcnow())
    )
    db.session.commit()


def send_batch(ids: list[int], sender: Sender, pace: Callable[[], None], report: Report) -> bool:
    """Send the claimed deliveries; False when the channel is down (the rest wait)."""
    prepared = _prepared(ids)
    for index, (delivery_id, attempts, item, why) in enumerate(prepared):
        if item is None:
            _write(delivery_id, status=DeliveryStatus.FAILED, error=why)
            report.failed += 1
            continue
        pace()
        try:
            ref = sender.send(item)
        except SendError as exc:
            retry_at = _failed(delivery_id, attempts, exc, report)
            if exc.channel_down:
                rest = [p[0] for p in prepared[index + 1 :]]
                _release(rest, retry_at or utcnow() + BACKOFF[1], exc.reason)
                return False
            continue
        now = utcnow()
        _write(
            delivery_id,
            status=DeliveryStatus.SENT,
            attempts=attempts + 1,
            sent_at=now,
            provider_ref=ref[:200],
            error="",
        )
        report.sent += 1
    return True


def _rate_per_minute(channel: str) -> int:
    key = "MAIL_RATE_PER_MINUTE" if channel == Channel.EMAIL else "WHATSAPP_RATE_PER_MINUTE"
    return int(current_app.config[key])


def send_due(channel: str, sleep: Callable[[float], Any] = time.sleep) -> Report:
    """Send everything of the channel that is due, batch after batch, at the channel's rate
    (shared by every worker through the queue's storage). Commits as it goes."""
    report = Report()
    if not channel_ready(channel):
        return report
    limit = job_queue().rate_limit(f"send-{channel}", _rate_per_minute(channel))
    sender = make_sender(channel, current_app.config)
    try:
        while ids := claim(channel, utcnow()):
            if not send_batch(ids, sender, lambda: limit.wait(sleep), report):
                break
    finally:
        sender.close()
    return report


def release_stale(now: datetime) -> int:
    """Deliveries a worker took and never finished (it died): queued again."""
    begin_write()
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.SENDING, Delivery.updated_at < now - STALE)
        .values(status=DeliveryStatus.QUEUED, next_attempt_at=now, updated_at=now)
    )
    db.session.commit()
    return result.rowcount
