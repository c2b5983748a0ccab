"""Messages to participants (invitations, the H-1 reminder, certificate links) and their
delivery to each person.

A ``Message`` is what the organiser wrote and for whom; a ``Delivery`` is one person's copy,
with its own status (queued, sent, failed with the reason), attempts and next try. The text is
kept with placeholders and filled for each person when it is sent, from the person's data as it
is then. The database is the queue's truth (tracker/jobs.py): the worker sends the deliveries
that are due, and nothing is lost when a job is.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime
from tracker.events.models import Event, Participant
from tracker.extensions import db


class MessageKind(StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"
    CERTIFICATE = "certificate"


KIND_LABELS = {
    MessageKind.INVITATION: _l("Invitation with the ticket link"),
    MessageKind.REMINDER: _l("Reminder (H-1) with the tumbler rule"),
    MessageKind.CERTIFICATE: _l("Certificate link"),
}


class Channel(StrEnum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"  # the WhatsApp Business Platform (Cloud API)
    WA_ME = "wa_me"  # wa.me links the organiser opens one by one: no account needed


CHANNEL_LABELS = {
    Channel.EMAIL: _l("E-mail"),
    Channel.WHATSAPP: _l("WhatsApp (Business Platform)"),
    Channel.WA_ME: _l("WhatsApp links (wa.me, sent by hand)"),
}


class Audience(StrEnum):
    ALL = "all"
    NOT_ARRIVED = "not_arrived"
    AGENCY = "agency"
    PERSON = "person"
    CERTIFIED = "certified"  # those with a valid certificate


AUDIENCE_LABELS = {
    Audience.ALL: _l("Everyone registered"),
    Audience.NOT_ARRIVED: _l("Not yet arrived"),
    Audience.AGENCY: _l("One agency"),
    Audience.PERSON: _l("One person"),
    Audience.CERTIFIED: _l("Everyone with a certificate"),
}


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # waiting for its time, or for its next try
    SENDING = "sending"  # a worker took it
    SENT = "sent"  # accepted by the SMTP server or the provider; wa.me: opened by the organiser
    FAILED = "failed"  # given up, with the reason
    MANUAL = "manual"  # a wa.me link waiting for the organiser to open it


STATUS_LABELS = {
    DeliveryStatus.QUEUED: _l("Queued"),
    DeliveryStatus.SENDING: _l("Sending"),
    DeliveryStatus.SENT: _l("Sent"),
    DeliveryStatus.FAILED: _l("Failed"),
    DeliveryStatus.MANUAL: _l("Link ready"),
}


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("kind IN ('invitation', 'reminder', 'certificate')", name="kind"),
        CheckConstraint("channel IN ('email', 'whatsapp', 'wa_me')", name="channel"),
        CheckConstraint("language IN ('id', 'en')", name="language"),
        Index("ix_messages_event_id_created_at", "event_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2), server_default="id")
    #: The e-mail's subject; WhatsApp has none.
    subject: Mapped[str] = mapped_column(String(200), server_default="")
    #: The text with placeholders ({name}, {url}, ...); the personal-data notice is added to it
    #: when it is sent, and cannot be edited away.
    body: Mapped[str] = mapped_column(Text)
    #: Who it is for, as chosen: all, not_arrived, agency (audience_value: the agency),
    #: person (audience_value: the participant's id), certified.
    audience: Mapped[str] = mapped_column(String(20))
    audience_value: Mapped[str] = mapped_column(String(300), server_default="")
    #: Not sent before this moment (the H-1 reminder at 16:00 WITA).
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The site's public address when the message was written: the worker has no request to
    #: take it from, and the links in the text must point at it.
    base_url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()


class Delivery(db.Model):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("message_id", "participant_id", name="uq_deliveries_message_participant"),
        CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'manual')", name="status"
        ),
        # The worker's question: what is due now?
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), server_default=DeliveryStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(server_default="0", default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why the last try failed, as a person reads it (the SMTP server's or provider's answer).
    error: Mapped[str] = mapped_column(String(500), server_default="")
    #: The provider's id for the message (the e-mail's Message-ID, WhatsApp's wamid).
    provider_ref: Mapped[str] = mapped_column(String(200), server_default="")

    message: Mapped[Message] = relationship()
    participant: Mapped[Participant] = relationship()
