"""Certificates (sertifikat): each event's design, the office's register of numbers, the
certificates issued, and the files prepared on the worker (all as one PDF, or a ZIP).

A number comes from the office's register: a counter per register and year, taken under a row
lock, and a unique constraint on (register, number), so a number is never given twice, even by
two organisers issuing at the same moment; a revoked certificate keeps its number. The public
verification code is its own random column (not the id, not the number), as the ticket code is.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import Office
from tracker.db import UTCDateTime
from tracker.events.models import Event, Participant
from tracker.extensions import db


class CertificateDesign(db.Model):
    """What an event's certificates say and look like (A4 landscape)."""

    __tablename__ = "certificate_designs"
    __table_args__ = (
        CheckConstraint("language IN ('id', 'en')", name="language"),
        CheckConstraint("jp >= 0", name="jp"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    language: Mapped[str] = mapped_column(String(2), server_default="id")
    title: Mapped[str] = mapped_column(String(120))
    #: With placeholders: {name}, {agency}, {role}, {event}, {dates}, {jp}, {organiser}.
    body: Mapped[str] = mapped_column(Text)
    #: The speakers' and the committee's own text; empty: ``body`` (whose {role} already reads
    #: "Narasumber" or "Panitia").
    speaker_body: Mapped[str] = mapped_column(Text, server_default="")
    committee_body: Mapped[str] = mapped_column(Text, server_default="")
    #: Training hours (jam pelajaran) the certificate credits; per session once the agenda
    #: has JP (issue 14).
    jp: Mapped[Decimal] = mapped_column(Numeric(5, 1), server_default="0")
    #: The town on the signature line ("Tabanan, 24 Juli 2026").
    place: Mapped[str] = mapped_column(String(100), server_default="")
    signer_name: Mapped[str] = mapped_column(String(200), server_default="")
    signer_position: Mapped[str] = mapped_column(String(200), server_default="")
    #: The official's NIP (civil servant number), printed under the name; never a NIK.
    signer_nip: Mapped[str] = mapped_column(String(30), server_default="")
    #: Storage keys of the uploaded images (re-encoded like checklist photos).
    logo_key: Mapped[str] = mapped_column(String(32), server_default="")
    background_key: Mapped[str] = mapped_column(String(32), server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CertificateRegister(db.Model):
    """An office's register: how its numbers are written, and its signing certificate."""

    __tablename__ = "certificate_registers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One register per office: every event of the office numbers from it.
    office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), unique=True
    )
    #: e.g. ``{seq:03}/SERT/DISKOMINFO-TBN/{year}``; also {month} and {roman_month}.
    pattern: Mapped[str] = mapped_column(String(200))
    #: The PKCS#12 (certificate and key) and its password, each encrypted with a key derived
    #: from SECRET_KEY (signing.py); empty: certificates are not signed.
    signing_p12: Mapped[bytes | None] = mapped_column(db.LargeBinary)
    signing_password: Mapped[bytes | None] = mapped_column(db.LargeBinary)
    #: Whom the signing certificate names, and until when it is valid, to show the office.
    signing_subject: Mapped[str] = mapped_column(String(300), server_default="")
    signing_not_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    office: Mapped[Office] = relationship()


class RegisterCounter(db.Model):
    """The last number given in a register's year (year 0 when the pattern has no {year})."""

    __tablename__ = "certificate_counters"

    register_id: Mapped[int] = mapped_column(
        ForeignKey("certificate_registers.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(server_default="0", default=0)


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        # A number is never given twice: the database is the judge.
        UniqueConstraint("register_id", "number", name="uq_certificates_register_number"),
        UniqueConstraint("register_id", "year", "seq", name="uq_certificates_register_year_seq"),
        # One valid certificate per person; a revoked one may be followed by a new one.
        Index(
            "uq_certificates_participant_valid",
            "participant_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        Index("ix_certificates_event_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: NULL when the participant's record was deleted; the certificate and its number stay.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    register_id: Mapped[int] = mapped_column(ForeignKey("certificate_registers.id"))
    year: Mapped[int]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(200))
    #: The secret in the QR code and /v/<code>: 128 random bits, URL-safe.
    code: Mapped[str] = mapped_column(String(43), unique=True)
    #: As printed when issued (the participant's record may change or be anonymised later).
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(300), server_default="")
    category: Mapped[str] = mapped_column(String(20))
    jp: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Why the organiser issued it to someone the completion rule did not name (audited).
    override_reason: Mapped[str] = mapped_column(Text, server_default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_reason: Mapped[str] = mapped_column(Text, server_default="")
    #: The signed PDF, kept (a signature covers fixed bytes); empty when not signed.
    pdf_key: Mapped[str] = mapped_column(String(32), server_default="")

    event: Mapped[Event] = relationship()
    participant: Mapped[Participant | None] = relationship()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class CertificateBundle(db.Model):
    """All of an event's valid certificates as one PDF or a ZIP, made on the worker."""

    __tablename__ = "certificate_bundles"
    __table_args__ = (
        CheckConstraint("format IN ('pdf', 'zip')", name="format"),
        CheckConstraint("status IN ('queued', 'ready', 'failed')", name="status"),
        Index("ix_certificate_bundles_event_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10), server_default="queued")
    storage_key: Mapped[str] = mapped_column(String(32), server_default="")
    count: Mapped[int] = mapped_column(server_default="0", default=0)
    error: Mapped[str] = mapped_column(String(500), server_default="")
    base_url: Mapped[str] = mapped_column(String(300))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
