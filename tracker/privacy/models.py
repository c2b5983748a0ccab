"""Data-subject requests and the settings an admin sets for personal data."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime
from tracker.events.models import Event, Participant
from tracker.extensions import db
from tracker.settings import Setting  # noqa: F401 - moved down a floor: auth reads settings too

#: UU PDP gives a controller 3 x 24 hours to act on a person's request (arts. 32-33, 36-38).
RESPONSE_TIME = timedelta(hours=72)


class RequestKind(StrEnum):
    ACCESS = "access"
    CORRECTION = "correction"
    DELETION = "deletion"


REQUEST_KIND_LABELS = {
    RequestKind.ACCESS: _l("Access to their data"),
    RequestKind.CORRECTION: _l("Correction"),
    RequestKind.DELETION: _l("Deletion"),
}


class RequestStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    REFUSED = "refused"


REQUEST_STATUS_LABELS = {
    RequestStatus.OPEN: _l("Open"),
    RequestStatus.DONE: _l("Done"),
    RequestStatus.REFUSED: _l("Refused"),
}


class DataRequest(db.Model):
    """A person's request about their data, with its date, deadline and outcome."""

    __tablename__ = "data_requests"
    __table_args__ = (
        CheckConstraint("kind IN ('access', 'correction', 'deletion')", name="kind"),
        CheckConstraint("status IN ('open', 'done', 'refused')", name="status"),
        Index("ix_data_requests_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(12))
    #: How the request came in: "ticket" (the person, through their ticket link) or "staff".
    channel: Mapped[str] = mapped_column(String(12), server_default="staff")
    #: What the person asked for, in their words (e.g. the correct spelling of their name).
    details: Mapped[str] = mapped_column(Text, server_default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), server_default=RequestStatus.OPEN.value)
    outcome: Mapped[str] = mapped_column(Text, server_default="")
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event | None] = relationship()
    participant: Mapped[Participant | None] = relationship()

    def overdue(self, now: datetime) -> bool:
        return self.status == RequestStatus.OPEN and now > self.due_at
