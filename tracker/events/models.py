"""Venues, events and the participants registered for them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import false as sql_false
from sqlalchemy import true as sql_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import Office
from tracker.db import UTCDateTime, utcnow
from tracker.events.days import DayWindow, day_windows
from tracker.extensions import db

#: How long before the start the door opens when an event sets no check-in window.
DEFAULT_DOORS_OPEN = timedelta(hours=2)


class EventStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


EVENT_STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.OPEN: _l("Open"),
    EventStatus.CLOSED: _l("Closed"),
}


class Category(StrEnum):
    PARTICIPANT = "participant"
    SPEAKER = "speaker"
    COMMITTEE = "committee"
    PRESS = "press"


#: In Indonesian these read peserta, narasumber, panitia, media (see the translations).
PARTICIPANT_CATEGORY_LABELS = {
    Category.PARTICIPANT: _l("Participant"),
    Category.SPEAKER: _l("Speaker"),
    Category.COMMITTEE: _l("Committee"),
    Category.PRESS: _l("Press"),
}


def category_label(category: str) -> str:
    """The category in the page's language; an unknown one as it is."""
    label = PARTICIPANT_CATEGORY_LABELS.get(category)  # type: ignore[call-overload]
    return str(label) if label is not None else category


class LegalBasis(StrEnum):
    """Why we may process a participant's data (UU PDP art. 20)."""

    PUBLIC_SERVICE = "public_service"  # a public body carrying out its official duties
    CONSENT = "consent"


LEGAL_BASIS_LABELS = {
    LegalBasis.PUBLIC_SERVICE: _l("Public duty of the organising agency"),
    LegalBasis.CONSENT: _l("Consent of the participant"),
}


class Venue(db.Model):
    __tablename__ = "venues"
    __table_args__ = (CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), server_default="")
    room: Mapped[str] = mapped_column(String(200), server_default="")
    capacity: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def label(self) -> str:
        return ", ".join(part for part in (self.room, self.name) if part)


class DoorWindow:
    """When the door takes check-ins: for an Event, and for the check-in's lean copy of one.

    Needs ``starts_at``, ``ends_at``, ``checkin_opens_at``, ``checkin_closes_at`` and
    ``archived_at`` on the class that mixes it in.
    """

    def checkin_window(self) -> tuple[datetime, datetime]:
        opens = self.checkin_opens_at or self.starts_at - DEFAULT_DOORS_OPEN  # type: ignore[attr-defined]
        return opens, self.checkin_closes_at or self.ends_at  # type: ignore[attr-defined]

    def day_windows(self) -> list[DayWindow]:
        """The event's days, each with its door (tracker.events.days.day_windows)."""
        return day_windows(
            self.starts_at,  # type: ignore[attr-defined]
            self.ends_at,  # type: ignore[attr-defined]
            self.timezone,  # type: ignore[attr-defined]
            *self.checkin_window(),
            self.day_doors,  # type: ignore[attr-defined]
        )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None  # type: ignore[attr-defined]


class Event(DoorWindow, db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint(
            "expected_participants IS NULL OR expected_participants >= 0", name="expected"
        ),
        Index("ix_events_starts_at", "starts_at"),
        Index("ix_events_office_id", "office_id"),
        Index("uq_events_submission", "submission", unique=True),
        CheckConstraint("completion_rule IN ('every_day', 'jp_percent')", name="completion_rule"),
        CheckConstraint("completion_percent BETWEEN 1 AND 100", name="completion_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    #: The office that owns the event: only its organisers and staff (and admins) reach it.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="RESTRICT"))
    #: The agency as documents name it, e.g. "Diskominfo Kabupaten Tabanan"; usually the
    #: office's name (an event made through the API lands in the office this names).
    organiser_unit: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, server_default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: IANA name; times are shown in it (Bali: Asia/Makassar, WITA).
    timezone: Mapped[str] = mapped_column(String(64), server_default="Asia/Makassar")
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    #: Agenda topics and speakers, in order, as short lines of text.
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    speakers: Mapped[list[str]] = mapped_column(JSON, default=list)
    livestream_url: Mapped[str] = mapped_column(String(500), server_default="")
    expected_participants: Mapped[int | None]
    allow_walk_ins: Mapped[bool] = mapped_column(server_default=sql_false(), default=False)
    #: Ask each person to sign on the door page or the scanner at check-in: the signature goes
    #: on the daftar hadir; without it the list's box stays blank for a wet signature.
    ask_signature: Mapped[bool] = mapped_column(server_default=sql_false(), default=False)
    #: Whether the printed door poster's code opens the door page; off: only the door screen's
    #: rotating code does (a photo of the poster would work all through the check-in window).
    door_poster: Mapped[bool] = mapped_column(server_default=sql_true(), default=True)
    status: Mapped[str] = mapped_column(String(10), server_default=EventStatus.DRAFT.value)
    #: The door's window; when unset, from DEFAULT_DOORS_OPEN before the start to the end.
    checkin_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checkin_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The door times the organiser set for single days, overriding the default (every day
    #: like the first): ``[{"date": "2026-07-22", "opens": "07:30", "closes": "16:00"}]``.
    day_doors: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    #: Who completed (certificates, JP): every_day, or jp_percent (at least
    #: ``completion_percent`` % of the agenda's JP); see tracker.checkin.presence.
    completion_rule: Mapped[str] = mapped_column(String(20), server_default="every_day")
    completion_percent: Mapped[int] = mapped_column(server_default=text("80"))
    #: Who signs the daftar hadir's "Mengetahui" (often the PPK or a Kepala Bidang, not the
    #: certificates' Kepala Dinas); no name: the certificate design's official. Read only
    #: through tracker.summaries.daftar_hadir.signer_of.
    daftar_hadir_signer_position: Mapped[str] = mapped_column(String(200), server_default="")
    daftar_hadir_signer_name: Mapped[str] = mapped_column(String(200), server_default="")
    daftar_hadir_signer_nip: Mapped[str] = mapped_column(String(18), server_default="")
    #: Days after the end until participants' personal data is anonymised; None: the default
    #: the admin set (UU PDP: keep personal data no longer than needed).
    retention_days: Mapped[int | None]
    #: Who participants contact about their data (the organiser's data-protection contact).
    privacy_contact: Mapped[str] = mapped_column(String(254), server_default="")
    #: When the purge anonymised the participants (aggregate figures are kept).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: The one-time key of the form that made the event: the same form posted again (a double
    #: click, a resent request) finds this event instead of making a second one.
    submission: Mapped[str | None] = mapped_column(String(43))

    venue: Mapped[Venue | None] = relationship()
    office: Mapped[Office] = relationship()

    def where(self) -> str:
        """Room, building and address, as a ticket or a poster says it; empty without a venue."""
        if self.venue is None:
            return ""
        return ", ".join(part for part in (self.venue.label(), self.venue.address) if part)


class Participant(db.Model):
    __tablename__ = "participants"
    __table_args__ = (
        # One person, one registration per event: the database is the judge of "same person".
        UniqueConstraint("event_id", "email", name="uq_participants_event_email"),
        UniqueConstraint("event_id", "phone", name="uq_participants_event_phone"),
        CheckConstraint(
            "category IN ('participant', 'speaker', 'committee', 'press')", name="category"
        ),
        CheckConstraint("legal_basis IN ('public_service', 'consent')", name="legal_basis"),
        Index("ix_participants_event_name", "event_id", "name"),
        # The board's and the summaries' GROUP BY agency / category (bench/FINDINGS.md).
        Index("ix_participants_event_agency_category", "event_id", "agency", "category"),
        # Without a phone or an e-mail, the same name in the same agency is the same person.
        Index(
            "uq_participants_event_name_agency_nocontact",
            "event_id",
            "name",
            "agency",
            unique=True,
            sqlite_where=text("email IS NULL AND phone IS NULL"),
            postgresql_where=text("email IS NULL AND phone IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    #: Instansi / OPD, e.g. "Dinas Kesehatan Kabupaten Tabanan".
    agency: Mapped[str] = mapped_column(String(300), server_default="")
    position: Mapped[str] = mapped_column(String(200), server_default="")
    #: A civil servant's NIP (18 digits, stored without spaces); empty for others. Never the
    #: NIK (16 digits, the national ID), which registration refuses (UU PDP: the minimum).
    nip: Mapped[str] = mapped_column(String(18), server_default="")
    category: Mapped[str] = mapped_column(String(20), server_default=Category.PARTICIPANT.value)
    #: Lower-cased; NULL when not given (NULLs never collide in the unique constraint).
    email: Mapped[str | None] = mapped_column(String(254))
    #: E.164 (+6281234567890); NULL when not given.
    phone: Mapped[str | None] = mapped_column(String(20))
    legal_basis: Mapped[str] = mapped_column(
        String(20), server_default=LegalBasis.PUBLIC_SERVICE.value
    )
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The secret in the ticket's QR: 128 random bits, URL-safe. Its own column so a lost
    #: ticket can be re-issued (the old code then stops working).
    ticket_code: Mapped[str] = mapped_column(String(43), unique=True)
    ticket_issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A keyed hash (HMAC with SECRET_KEY) of what makes the person unique (e-mail, else phone,
    #: else name and agency): counts unique people across events, and survives the retention
    #: purge, which erases what it was made from.
    person_key: Mapped[str] = mapped_column(String(64), server_default="", index=True)
    #: How the row came in: manual, import, api, walk_in, demo.
    source: Mapped[str] = mapped_column(String(20), server_default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Set when the personal data was erased (retention purge or a deletion request).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()


class ParticipantImport(db.Model):
    """An uploaded roster waiting for the organiser's confirmation after the preview.

    The file is kept in the database, not on one server's disk, so the confirming request may
    land on any app server.
    """

    __tablename__ = "participant_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(db.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaSession(db.Model):
    """One session of the event's agenda: a timed topic on one day, in a room, with speakers
    from the event's narasumber and its training hours (JP, jam pelajaran)."""

    __tablename__ = "agenda_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("jp >= 0 AND jp <= 40", name="jp"),
        Index("ix_agenda_sessions_event_day", "event_id", "day", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: The event day (local date) the session is on: one of tracker.events.days.event_dates.
    day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(300))
    room: Mapped[str] = mapped_column(String(200), server_default="")
    #: Training hours (jam pelajaran) a person earns by attending it.
    jp: Mapped[int] = mapped_column(server_default=text("0"))
    #: The order within the event (the agenda's order; by time unless the organiser reorders).
    position: Mapped[int] = mapped_column(server_default=text("0"))

    speakers: Mapped[list[SessionSpeaker]] = relationship(
        order_by="SessionSpeaker.position", cascade="all, delete-orphan"
    )


class SessionSpeaker(db.Model):
    """A narasumber (a participant of category speaker) of a session."""

    __tablename__ = "agenda_session_speakers"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(server_default=text("0"))

    participant: Mapped[Participant] = relationship()


class ColumnAssignment(db.Model):
    """Which field an organiser chose for each column of a heading row, kept so that the next
    file with the same headings is read the same way.

    Kept per organiser: one office's lists have their own shapes, and what one person chose
    never changes how another's files are read.
    """

    __tablename__ = "column_assignments"
    __table_args__ = (UniqueConstraint("user_id", "headings_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The digest of the heading row's normalised headings (events.headings.headings_key).
    headings_key: Mapped[str] = mapped_column(String(64))
    #: Column index (0-based, as a string) -> field name, or "" for "do not import".
    fields: Mapped[dict[str, str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
