"""The organiser's column-mapping step, remembered: which field each column of a heading row is
read into, kept per organiser under the heading row's key, so that the next file with the same
headings is read the same way (the agencies of a regency send the same template every time).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from tracker.auth.models import User
from tracker.errors import ValidationFailed
from tracker.events.headings import FIELD_LABELS, FIELDS, NATIONAL_ID, column_letter
from tracker.events.models import ColumnAssignment
from tracker.events.roster_layout import SheetLayout
from tracker.extensions import db


def saved_assignments(user: User) -> dict[str, dict[int, str]]:
    """Every heading row the organiser assigned: its key -> {column index: field or ""}."""
    rows = db.session.scalars(select(ColumnAssignment).where(ColumnAssignment.user_id == user.id))
    return {row.headings_key: {int(k): v for k, v in row.fields.items()} for row in rows}


def check_choices(layout: SheetLayout, choices: Mapping[int, str]) -> dict[int, str]:
    """The organiser's choice for every column of ``layout`` (a column not chosen is not
    imported); a national ID column is left out whatever was sent.

    Raises ValidationFailed for a field that does not exist, or two columns chosen for one
    field (the message names their letters), or no column chosen for the name.
    """
    fields: dict[int, str] = {}
    by_field: dict[str, list[str]] = {}
    for column in layout.columns:
        if column.kind == NATIONAL_ID:
            continue
        chosen = choices.get(column.index, "")
        if chosen and chosen not in FIELDS:
            raise ValidationFailed(_("Choose a field from the list for each column."))
        fields[column.index] = chosen
        if chosen:
            by_field.setdefault(chosen, []).append(column_letter(column.index))
    for field, letters in by_field.items():
        if len(letters) > 1:
            raise ValidationFailed(
                _(
                    "Columns %(columns)s are all set to %(field)s; choose one of them.",
                    columns=", ".join(letters),
                    field=FIELD_LABELS[field],
                )
            )
    if "name" not in by_field:
        raise ValidationFailed(_("Choose the column that holds the participants' names."))
    return fields


def remember_columns(
    user: User, layout: SheetLayout, choices: Mapping[int, str], now: datetime
) -> None:
    """Keep the organiser's choices for this heading row (see check_choices, which raises)."""
    fields = {str(index): field for index, field in check_choices(layout, choices).items()}
    saved = db.session.scalar(
        select(ColumnAssignment).where(
            ColumnAssignment.user_id == user.id, ColumnAssignment.headings_key == layout.key
        )
    )
    if saved is None:
        saved = ColumnAssignment(user_id=user.id, headings_key=layout.key, fields=fields)
        db.session.add(saved)
    saved.fields = fields
    saved.updated_at = now
    db.session.flush()


def forget_columns(user: User, keys: list[str]) -> None:
    """Read these heading rows by their headings again."""
    db.session.execute(
        delete(ColumnAssignment).where(
            ColumnAssignment.user_id == user.id, ColumnAssignment.headings_key.in_(keys)
        )
    )
