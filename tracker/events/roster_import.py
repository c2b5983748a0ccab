"""The import's two steps: the upload is kept and previewed; only the confirmation saves.

Nothing is registered until the organiser has seen every bad row and every duplicate.
Confirming re-reads the stored file (or takes what this process read of the same bytes
moments ago: :class:`_RecentRosters`) and re-checks for duplicates, so people registered in
between are not registered twice.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select

from tracker.auth.models import User
from tracker.errors import ValidationFailed
from tracker.events.column_assignments import forget_columns, remember_columns, saved_assignments
from tracker.events.headings import Assignment
from tracker.events.models import Event, ParticipantImport
from tracker.events.registration import ImportPlan, apply_import, plan_import
from tracker.events.roster_file import (
    FIELD_ALIASES,
    Roster,
    RosterFileError,
    open_roster,
    read_roster,
)
from tracker.extensions import db

#: The largest roster file taken, in bytes (20,000 rows of XLSX is about 1.5 MB).
MAX_ROSTER_BYTES = 10 * 1024 * 1024


def read_plan(
    event: Event,
    filename: str,
    data: bytes,
    user: User | None = None,
    require_name: bool = True,
    columns: Mapping[str, Assignment] | None = None,
) -> ImportPlan:
    """Parse and sort a roster, with the columns ``user`` assigned for its heading rows, and
    ``columns`` (heading row key -> column index -> field) over those.

    Raises ValidationFailed when the file cannot be read at all, or, with ``require_name``,
    when a sheet has no name column (the preview lets the organiser assign one instead).
    """
    _check_size(data)
    assignments = {**(saved_assignments(user) if user is not None else {}), **(columns or {})}
    try:
        roster = _recent_rosters.read(filename, data, assignments)
    except RosterFileError as exc:
        raise ValidationFailed(str(exc), {"file": str(exc)}) from exc
    plan = plan_import(event, roster)
    if plan.missing_name and require_name:
        message = _(
            "No column with the participants' names was recognised. Give the name column one "
            "of these headings: %(names)s.",
            names=", ".join(FIELD_ALIASES["name"]),
        )
        raise ValidationFailed(
            message,
            {"file": message},
            unknown_columns=plan.unknown_columns,
            heading_rows=heading_rows(plan),
        )
    return plan


class _RecentRosters:
    """The last few files read, as read: the preview reads an upload and its confirmation
    reads the same bytes again moments later, which cost as much as the preview (a 20,000-row
    file: about half of the import's CPU). Reading is a pure function of the bytes, the file
    name, the column assignments and the language of its messages, so those are the key; the
    check against who is registered (plan_import) is made again every time.

    Per process: a confirmation that reaches another worker reads the file again. At most
    ``size`` rosters are held (a roster of MAX_ROWS people is some tens of MB; 20,000 rows hold
    about 10 MB), and an upload's rows are forgotten when the upload is dropped (confirmed or
    refused): nothing reads them again, and a worker would otherwise keep them until two other
    files came.
    """

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[tuple[object, ...], Roster] = OrderedDict()

    def read(self, filename: str, data: bytes, assignments: Mapping[str, Assignment]) -> Roster:
        """A copy of the roster read from these bytes; raises RosterFileError as read_roster."""
        key = (
            hashlib.sha256(data).digest(),
            filename,
            tuple(sorted((k, tuple(sorted(v.items()))) for k, v in assignments.items())),
            str(get_locale()),
        )
        with self.lock:
            roster = self.entries.get(key)
            if roster is not None:
                self.entries.move_to_end(key)
        if roster is None:
            roster = read_roster(filename, data, assignments)
            with self.lock:
                self.entries[key] = roster
                while len(self.entries) > self.size:
                    self.entries.popitem(last=False)
        return _copy(roster)

    def forget(self, data: bytes) -> None:
        """Drop what was read from these bytes, under any name, columns or language."""
        digest = hashlib.sha256(data).digest()
        with self.lock:
            for key in [key for key in self.entries if key[0] == digest]:
                del self.entries[key]


def _copy(roster: Roster) -> Roster:
    """A roster whose lists and layouts the caller may change; the rows are immutable."""
    return Roster(
        rows=list(roster.rows),
        errors=list(roster.errors),
        duplicates=list(roster.duplicates),
        ignored_columns=list(roster.ignored_columns),
        unknown_columns=list(roster.unknown_columns),
        sheets=copy.deepcopy(roster.sheets),
        skipped_sheets=list(roster.skipped_sheets),
        notes=list(roster.notes),
    )


_recent_rosters = _RecentRosters()


def _check_size(data: bytes) -> None:
    if len(data) > MAX_ROSTER_BYTES:
        raise ValidationFailed(_("The file is larger than 10 MB."), {"file": _("Too large.")})


def heading_rows(plan: ImportPlan) -> list[dict[str, object]]:
    """Each sheet's heading row: its sheet, row numbers, and the key to assign columns by."""
    return [
        {"sheet": layout.sheet, "rows": list(layout.header_rows), "key": layout.key}
        for layout in plan.sheets
    ]


def stage_upload(event: Event, user: User, filename: str | None, data: bytes) -> ParticipantImport:
    """Keep the upload for the preview after checking it can be opened and has headings; its
    rows are read by the preview (reading them here too doubled the wait). Raises
    ValidationFailed. A file whose name column is not recognised is kept: its preview asks.
    """
    name = (filename or "upload").rsplit("/", 1)[-1][:255]
    _check_size(data)
    try:
        with open_roster(name, data) as reader:
            reader.check_headings()
    except RosterFileError as exc:
        raise ValidationFailed(str(exc), {"file": str(exc)}) from exc
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


def plan_pending(event: Event, pending: ParticipantImport, user: User) -> ImportPlan:
    """The preview's plan: a sheet without a name column waits for the organiser's choice."""
    return read_plan(event, pending.filename, pending.content, user, require_name=False)


def assign_columns(
    event: Event,
    pending: ParticipantImport,
    user: User,
    choices: Mapping[tuple[int, int], str],
    now: datetime,
) -> None:
    """Keep the organiser's column choices, (sheet's place in the plan, column index) -> field
    or "", for each heading row of the upload. Raises ValidationFailed (see check_choices)."""
    plan = plan_pending(event, pending, user)
    for place, layout in enumerate(plan.sheets):
        columns = {index: field for (sheet, index), field in choices.items() if sheet == place}
        remember_columns(user, layout, columns, now)


def drop_pending(pending: ParticipantImport) -> None:
    """Delete the upload, and the rows this process read from it (``_RecentRosters``)."""
    _recent_rosters.forget(pending.content)
    db.session.execute(delete(ParticipantImport).where(ParticipantImport.id == pending.id))


def read_by_headings(event: Event, pending: ParticipantImport, user: User) -> None:
    """Forget the organiser's choices for this upload's heading rows."""
    forget_columns(user, [layout.key for layout in plan_pending(event, pending, user).sheets])


def confirm(event: Event, pending: ParticipantImport, user: User, now: datetime) -> int:
    """Save the good rows of a previewed upload in one transaction; the upload is dropped.

    Raises ValidationFailed when a sheet's name column is still not known.
    """
    plan = read_plan(event, pending.filename, pending.content, user)
    created = apply_import(event, plan, now)
    drop_pending(pending)
    return created
