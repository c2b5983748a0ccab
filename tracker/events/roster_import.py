"""The import's two steps: the upload is kept and previewed; only the confirmation saves.

Nothing is registered until the organiser has seen every bad row and every duplicate.
Confirming re-reads the stored file and re-checks for duplicates, so people registered in
between are not registered twice.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from tracker.auth.models import User
from tracker.errors import ValidationFailed
from tracker.events.models import Event, ParticipantImport
from tracker.events.registration import ImportPlan, apply_import, plan_import
from tracker.events.roster_file import FIELD_ALIASES, RosterFileError, read_roster
from tracker.extensions import db

#: The largest roster file taken, in bytes (20,000 rows of XLSX is about 1.5 MB).
MAX_ROSTER_BYTES = 10 * 1024 * 1024


def read_plan(event: Event, filename: str, data: bytes) -> ImportPlan:
    """Parse and sort a roster. Raises ValidationFailed when the file cannot be read at all."""
    if len(data) > MAX_ROSTER_BYTES:
        raise ValidationFailed(_("The file is larger than 10 MB."), {"file": _("Too large.")})
    try:
        roster = read_roster(filename, data)
    except RosterFileError as exc:
        raise ValidationFailed(str(exc), {"file": str(exc)}) from exc
    plan = plan_import(event, roster)
    if plan.missing_name:
        message = _(
            "No column with the participants' names was recognised. Give the name column one "
            "of these headings: %(names)s.",
            names=", ".join(FIELD_ALIASES["name"]),
        )
        raise ValidationFailed(message, {"file": message}, unknown_columns=plan.unknown_columns)
    return plan


def stage_upload(event: Event, user: User, filename: str | None, data: bytes) -> ParticipantImport:
    """Keep the upload for the preview after checking it can be read. Raises ValidationFailed."""
    name = (filename or "upload").rsplit("/", 1)[-1][:255]
    read_plan(event, name, data)
    pending = ParticipantImport(event_id=event.id, user_id=user.id, filename=name, content=data)
    db.session.add(pending)
    db.session.flush()
    return pending


def get_pending(event: Event, import_id: int, user: User) -> ParticipantImport | None:
    return db.session.scalar(
        select(ParticipantImport).where(
            ParticipantImport.id == import_id,
            ParticipantImport.event_id == event.id,
            ParticipantImport.user_id == user.id,
        )
    )


def plan_pending(event: Event, pending: ParticipantImport) -> ImportPlan:
    return read_plan(event, pending.filename, pending.content)


def confirm(event: Event, pending: ParticipantImport, now: datetime) -> int:
    """Save the good rows of a previewed upload in one transaction; the upload is dropped."""
    created = apply_import(event, plan_pending(event, pending), now)
    db.session.execute(delete(ParticipantImport).where(ParticipantImport.id == pending.id))
    return created
