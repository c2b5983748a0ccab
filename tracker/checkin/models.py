"""Check-ins and the log of every scan.

A participant is checked in at most once: the unique constraint on ``participant_id`` is the
judge when two gates scan one ticket at the same moment. Every scan, good or bad, is a row of
``scans``; its nonce makes an offline device's retries idempotent.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime
from tracker.events.models import Participant
from tracker.extensions import db


class Method(StrEnum):
    SCANNER = "scanner"  # staff scanned the ticket (camera or handheld)
    DOOR = "door"  # the participant checked in on the door page with their own phone
    MANUAL = "manual"  # staff found the person by name
    WALK_IN = "walk_in"  # registered at the door


class ScanResult(StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY = "already_checked_in"
    INVALID = "invalid"
    WRONG_EVENT = "wrong_event"
    NOT_OPEN = "not_open"
    #: An exit recorded (the day's last exit time).
    CHECKED_OUT = "checked_out"
    #: An exit scan of someone with no entry that day: refused, nothing recorded but the log.
    NOT_IN = "not_checked_in"


class CheckIn(db.Model):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("participant_id", name="uq_checkins_participant_id"),
        CheckConstraint("method IN ('scanner', 'door', 'manual', 'walk_in')", name="method"),
        Index("ix_checkins_event_id_checked_in_at", "event_id", "checked_in_at"),
        # The board's count by method and tumbler answer, from the index alone (FINDINGS.md).
        Index("ix_checkins_event_method_tumbler", "event_id", "method", "brought_tumbler"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    #: When the person came in: the scan's own time (an offline scan's device time, bounded
    #: by the server's), not when the server heard of it.
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    method: Mapped[str] = mapped_column(String(10))
    gate: Mapped[str] = mapped_column(String(50), server_default="")
    device: Mapped[str] = mapped_column(String(64), server_default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The tumbler rule (Pergub Bali 97/2018, SE Sekda Bali 2/2025): True, False, or None
    #: when nobody asked.
    brought_tumbler: Mapped[bool | None]
    nonce: Mapped[str | None] = mapped_column(String(64))

    participant: Mapped[Participant] = relationship()


class Scan(db.Model):
    """Every scan and its answer, failed ones included; the nonce makes retries idempotent."""

    __tablename__ = "scans"
    __table_args__ = (
        UniqueConstraint("event_id", "nonce", name="uq_scans_event_id_nonce"),
        Index("ix_scans_event_id_scanned_at", "event_id", "scanned_at"),
        # A person's scans of a day: the exits refused before their entry was heard
        # (tracker.checkin.services._count_refused_exits), and SET NULL on erasure.
        Index("ix_scans_participant_id_day", "participant_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    result: Mapped[str] = mapped_column(String(20))
    #: The first characters of the code scanned (enough to trace a bad ticket, not to use it).
    code_prefix: Mapped[str] = mapped_column(String(12), server_default="")
    method: Mapped[str] = mapped_column(String(10), server_default="scanner")
    gate: Mapped[str] = mapped_column(String(50), server_default="")
    device: Mapped[str] = mapped_column(String(64), server_default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    brought_tumbler: Mapped[bool | None]
    nonce: Mapped[str | None] = mapped_column(String(64))
    #: entry or exit (tracker.checkin.services.ScanKind); the event day and the session, if any.
    kind: Mapped[str] = mapped_column(String(10), server_default="entry")
    day: Mapped[date | None] = mapped_column(Date)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_sessions.id", ondelete="SET NULL")
    )
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CheckInDay(db.Model):
    """A participant present on one day of the event: the day's first entry and last exit.

    ``checkins`` keeps one row per participant (the first arrival at the event, which every
    existing figure counts); this table has one per participant and day, so "present on day
    2" and the per-day figures are one indexed GROUP BY. A row here always has its
    participant's ``checkins`` row (the scan path writes both; undo deletes both).
    """

    __tablename__ = "checkin_days"
    __table_args__ = (
        UniqueConstraint("participant_id", "day", name="uq_checkin_days_participant_day"),
        Index("ix_checkin_days_event_day", "event_id", "day"),
        CheckConstraint("last_out_at IS NULL OR last_out_at >= first_in_at", name="out_after_in"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    #: The event day (local date, tracker.events.days.day_of).
    day: Mapped[date] = mapped_column(Date)
    #: The day's earliest entry (earliest wins, as for the check-in) and where.
    first_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    gate: Mapped[str] = mapped_column(String(50), server_default="")
    #: The day's latest exit (latest wins); NULL when nobody scanned them out.
    last_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    out_gate: Mapped[str] = mapped_column(String(50), server_default="")
    #: The day's latest re-entry (an entry accepted after an exit, tracker.checkin.presence);
    #: NULL when nobody let them in again since the first entry. Inside now: no exit, or
    #: an exit earlier than this. The scan path's race judge for "masuk kembali".
    last_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Where that re-entry was scanned: a second scan while inside answers with the latest
    #: entry's time and gate (the time they came back in), not the first entry's.
    last_in_gate: Mapped[str] = mapped_column(String(50), server_default="")


class SessionAttendance(db.Model):
    """A participant scanned in at a session's door (the scanner set to that session)."""

    __tablename__ = "session_attendances"
    __table_args__ = (
        UniqueConstraint(
            "session_id", "participant_id", name="uq_session_attendances_session_participant"
        ),
        Index("ix_session_attendances_event_session", "event_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    #: The earliest scan at the session's door.
    attended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    gate: Mapped[str] = mapped_column(String(50), server_default="")


class AttendanceVersion(db.Model):
    """A number that moves on with every change to an event's participants or check-ins.

    Kept by database triggers (migration 0010), never written by the app: the board's figures
    are cached under it (tracker/checkin/live_figures.py). No row: nothing changed since the
    migration, version 0. No foreign key: see the migration.
    """

    __tablename__ = "attendance_versions"

    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, server_default="0")


class DoorPass(db.Model):
    """What a phone gets by scanning the door screen or the poster (tracker/checkin/door_passes.py):
    good for one check-in, a few failed look-ups and PASS_MAX_AGE, never renewed by an answer.
    Only the key's SHA-256 is stored; the key is in the door page's form."""

    __tablename__ = "door_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "p": from the poster, "r": from the door screen's rotating code.
    kind: Mapped[str] = mapped_column(String(1))
    #: The phone's door cookie (a random id), so check-ins from one phone can be flagged.
    phone: Mapped[str] = mapped_column(String(32), server_default="")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When it checked somebody in (or is being used by a request right now).
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    #: Look-ups with it that found nobody.
    failures: Mapped[int] = mapped_column(server_default="0", default=0)


class Signature(db.Model):
    """What a person drew on the signature pad at check-in, for one day's daftar hadir.

    Kept as a small PNG (re-encoded from what the device sent: tracker.checkin.signatures), in
    the database beside the check-in rather than in the file storage: a few kilobytes each,
    erased with the person (cascade) and by the retention purge, and one backup holds both.
    """

    __tablename__ = "signatures"
    __table_args__ = (
        UniqueConstraint("participant_id", "day", name="uq_signatures_participant_day"),
        Index("ix_signatures_event_id_day", "event_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    #: The event day (in the event's zone, by the rule of tracker.events.days) it was drawn on.
    day: Mapped[date]
    png: Mapped[bytes] = mapped_column(LargeBinary)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Where it was drawn: the door page (the person's phone) or the scanner (staff's device).
    method: Mapped[str] = mapped_column(String(10))
