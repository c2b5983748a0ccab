"""Long lists: register_participants checks duplicates in one query from BULK_CHECK_FROM
entries on, and apply_import inserts rows with and without a phone in a few statements.
Both must keep the answers of the one-query-per-entry code they replaced."""

from __future__ import annotations

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from tests.factories import add_people, make_event
from tracker.db import utcnow
from tracker.errors import DuplicateParticipant
from tracker.events.models import Participant
from tracker.events.registration import (
    BULK_CHECK_FROM,
    CleanParticipant,
    ImportPlan,
    ParticipantInput,
    apply_import,
    register_participants,
)
from tracker.extensions import db

LONG = BULK_CHECK_FROM + 5


def _newcomers(count: int, start: int = 500) -> list[ParticipantInput]:
    return [
        ParticipantInput(
            name=f"Pendatang {i}",
            agency="Dinas Pariwisata",
            email=f"pendatang{i}@badungkab.go.id",
            phone=f"+62813100{i:05d}",
        )
        for i in range(start, start + count)
    ]


class _Statements:
    """Counts the statements sent to the database while it is active."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __enter__(self) -> _Statements:
        sa_event.listen(db.engine, "before_cursor_execute", self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        sa_event.remove(db.engine, "before_cursor_execute", self._note)

    def _note(self, _conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        self.sql.append(statement)

    def count(self, verb: str, table: str = "") -> int:
        return sum(1 for s in self.sql if s.lstrip().upper().startswith(verb) and table in s)


def test_a_long_list_is_checked_in_one_query_not_one_per_entry(app):
    event = make_event()
    add_people(event, 10)
    with _Statements() as sent:
        created = register_participants(event, _newcomers(LONG), utcnow())
        db.session.commit()
    assert len(created) == LONG
    assert sent.count("SELECT", "participants") <= 2
    assert (
        db.session.scalar(select(func.count()).where(Participant.event_id == event.id)) == 10 + LONG
    )


@pytest.mark.parametrize("field", ["email", "phone"])
def test_a_long_list_still_finds_someone_registered_already(app, field):
    event = make_event()
    [existing] = add_people(event, 1)
    entries = _newcomers(LONG)
    # The last entry is the registered person, written another way.
    last = entries[-1]
    if field == "email":
        last.email = existing.email.upper()
    else:
        last.phone = existing.phone.replace("+62", "0")  # 0812..., stored as +62812...
    with pytest.raises(DuplicateParticipant) as exc:
        register_participants(event, entries, utcnow())
    assert exc.value.extra["participant_id"] == existing.id
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(Participant.event_id == event.id)) == 1


def test_a_long_list_finds_a_person_without_contact_by_name_and_agency(app):
    event = make_event()
    [existing] = register_participants(
        event, [ParticipantInput(name="I Ketut Suardana", agency="BPBD Tabanan")], utcnow()
    )
    db.session.commit()
    entries = [
        *_newcomers(LONG - 1),
        ParticipantInput(name="I Ketut Suardana", agency="BPBD Tabanan"),
    ]
    with pytest.raises(DuplicateParticipant) as exc:
        register_participants(event, entries, utcnow())
    assert exc.value.extra["participant_id"] == existing.id


def test_a_long_list_is_not_fooled_by_another_events_people(app):
    other = make_event(title="Another event")
    add_people(other, 3)
    event = make_event()
    entries = _newcomers(LONG)
    entries[0].email = "peserta0@tabanankab.go.id"  # registered for the other event only
    assert len(register_participants(event, entries, utcnow())) == LONG


def test_import_rows_with_and_without_a_phone_go_in_as_one_batch(app):
    event = make_event()
    rows = [
        (
            i + 2,
            CleanParticipant(
                name=f"Peserta Impor {i}",
                agency="Bappeda",
                position="",
                category="participant",
                email=f"impor{i}@denpasarkota.go.id",
                phone=None if i % 3 == 0 else f"+62813200{i:05d}",
                legal_basis="public_service",
            ),
        )
        for i in range(60)
    ]
    with _Statements() as sent:
        created = apply_import(event, ImportPlan(to_create=rows), utcnow())
        db.session.commit()
    assert created == 60
    assert sent.count("INSERT", "participants") <= 2  # was one per change of empty columns
    stored = db.session.execute(
        select(Participant.email, Participant.phone).where(Participant.event_id == event.id)
    ).all()
    assert len(stored) == 60
    without_phone = {email for email, phone in stored if phone is None}
    assert without_phone == {f"impor{i}@denpasarkota.go.id" for i in range(0, 60, 3)}
