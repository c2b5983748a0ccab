"""The audit log: who did what, when, to which record. Append-only.

Shared by every feature: an undone check-in, a checklist item changed or reopened, an export
of personal data (UU PDP: who exported what, when), a data-subject request handled. Services
write their entries with ``record``, in the change's own transaction. An export's entry is
written by ``log_export``, the one way to log one, committed before the file leaves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import UTCDateTime, begin_write
from tracker.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_event_id_at", "event_id", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who acted, as a person reads it: an account's e-mail, a device's gate, "participant".
    actor_label: Mapped[str] = mapped_column(String(254), server_default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: A dotted verb: checkin.undo, checklist.item, checklist.reopen, export.summary_csv, ...
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40), server_default="")
    subject_id: Mapped[int | None]
    #: What changed (before / after) or what was exported; never a whole participant list.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(
    action: str,
    *,
    now: datetime,
    actor: Any = None,
    actor_label: str = "",
    event_id: int | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry (flushed with the caller's transaction, so it commits with the change)."""
    entry = AuditEntry(
        at=now,
        actor_id=getattr(actor, "id", None),
        actor_label=actor_label or getattr(actor, "email", "") or "",
        event_id=event_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details or {},
    )
    db.session.add(entry)
    return entry


def log_export(action: str, **entry: Any) -> None:
    """Write and commit the entry of an export of personal data (``entry`` as ``record`` takes
    it: now, actor or actor_label, event_id, subject, details), before the file leaves.

    An export is a request that has only read so far, so its read transaction is ended first
    and the entry written in a transaction of its own: on SQLite it then asks for the write lock
    at its BEGIN and waits its turn. Written inside the read transaction, it would fail at once
    with "database is locked" whenever a scan committed meanwhile (see tracker.db). The commit
    expires what the request had loaded: read what the file needs before, or read it again.
    """
    db.session.commit()
    begin_write()
    record(action, **entry)
    db.session.commit()


def entries(
    event_id: int | None = None, action_prefix: str = "", limit: int = 500
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if event_id is not None:
        query = query.where(AuditEntry.event_id == event_id)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix))
    return list(db.session.scalars(query))
