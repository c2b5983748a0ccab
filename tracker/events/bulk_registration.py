"""Registering very long lists (a 200,000-person seed, a province's roll) in bounded memory.

:func:`register_participants` returns the people it made as ORM objects, which the API
answers with; held for 200,000 people that peaked at 1.26 GB. :func:`register_many` takes the
entries as an iterable, checks each as it comes and inserts them a batch at a time with Core
statements (``insert_participants``): what it holds is one batch and the identity keys seen so
far (for duplicates within the list), about 300 bytes a person. Measured by ``make bench``
(bench/import_scale.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from tracker.errors import DuplicateParticipant, ValidationFailed
from tracker.events.models import Event
from tracker.events.registration import (
    ParticipantInput,
    clean_participant,
    identity_keys,
    insert_participants,
    participant_values,
    registered_identities,
)
from tracker.extensions import db

#: Most entries whose errors are reported; checking goes on to count the rest.
MAX_REPORTED = 100


@dataclass
class _Check:
    """What checking the entries has found so far."""

    known: set[tuple[str, str]]
    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    repeats: dict[str, dict[str, str]] = field(default_factory=dict)
    registered: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.repeats or self.registered)

    def note(self, found: dict[str, dict[str, str]], index: int, fields: dict[str, str]) -> None:
        if len(found) < MAX_REPORTED:
            found[str(index)] = fields


def register_many(
    event: Event, entries: Iterable[ParticipantInput], now: datetime, source: str = "manual"
) -> int:
    """Register every entry or none, inserting as the entries are checked; returns how many.

    Raises ValidationFailed (errors by entry index, the first MAX_REPORTED), or
    DuplicateParticipant when an entry is registered already or appears twice. Either way the
    rows inserted so far are rolled back to a savepoint: nothing of the list stays.
    """
    check = _Check(set(registered_identities(event)))
    savepoint = db.session.begin_nested()
    try:
        count = insert_participants(_rows(event, entries, now, source, check))
    except IntegrityError as exc:
        savepoint.rollback()
        raise DuplicateParticipant(
            _("Someone registered one of these people meanwhile; nothing was saved.")
        ) from exc
    if check.failed:
        savepoint.rollback()
        raise _failure(check)
    savepoint.commit()
    return count


def _rows(
    event: Event, entries: Iterable[ParticipantInput], now: datetime, source: str, check: _Check
) -> Iterator[dict[str, object]]:
    """The rows to insert, while every entry is checked; none once one has failed."""
    for index, entry in enumerate(entries):
        clean, errors = clean_participant(entry)
        if clean is None:
            check.note(check.errors, index, errors)
            continue
        for key in identity_keys(clean):
            if key in check.seen:
                repeat = {key[0]: _("Same as entry %(i)d.", i=check.seen[key])}
                check.note(check.repeats, index, repeat)
            elif key in check.known:
                check.note(check.registered, index, {key[0]: _("Already registered.")})
            check.seen.setdefault(key, index)
        if not check.failed:
            yield participant_values(event, clean, now, source)


def _failure(check: _Check) -> ValidationFailed | DuplicateParticipant:
    if check.errors:
        return ValidationFailed(_("Some entries are not valid; nothing was saved."), check.errors)
    if check.repeats:
        message = _("The same person appears twice; nothing was saved.")
        return DuplicateParticipant(message, check.repeats)
    message = _("Some of these people are registered for this event already; nothing was saved.")
    return DuplicateParticipant(message, check.registered)
