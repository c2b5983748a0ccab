"""Long lists: register_participants checks duplicates in one query from BULK_CHECK_FROM
entries on, and apply_import inserts rows with and without a phone in a few statements.
Both must keep the answers of the one-query-per-entry code they replaced."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text

from tests.factories import add_people, make_event
from tracker.db import utcnow
from tracker.errors import DuplicateParticipant, ValidationFailed
from tracker.events import registration
from tracker.events.bulk_registration import register_many
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


def test_an_import_whose_person_registered_meanwhile_saves_nothing(app):
    # The plan was made, then the same person registered through another request: the
    # database's unique constraint answers, whichever way the batch is sent (INSERT or COPY).
    event = make_event()
    rows = [
        (i + 2, CleanParticipant(f"Peserta {i}", "Bappeda", "", "participant",
                                 f"baru{i}@denpasarkota.go.id", None, "public_service"))
        for i in range(30)
    ]  # fmt: skip
    plan = ImportPlan(to_create=rows)
    register_participants(
        event, [ParticipantInput("Peserta 7", email="baru7@denpasarkota.go.id")], utcnow()
    )
    db.session.commit()
    with pytest.raises(DuplicateParticipant):
        apply_import(event, plan, utcnow())
    assert _count(event) == 1


def test_bulk_inserted_times_are_found_as_the_orm_writes_them(app):
    # The rows' times are bound as the column type binds them: on SQLite a time on the whole
    # second stored in another text form ("09:00:00" against "09:00:00.000000") would not
    # equal itself in a query.
    event = make_event()
    moment = datetime(2025, 7, 22, 1, 0, tzinfo=UTC)
    row = CleanParticipant("Peserta", "Bappeda", "", "participant", None, None, "public_service")
    apply_import(event, ImportPlan(to_create=[(2, row)]), moment)
    found = db.session.scalars(
        select(Participant).where(
            Participant.event_id == event.id,
            Participant.created_at == moment,
            Participant.ticket_issued_at == moment,
        )
    ).one()
    assert found.updated_at == moment


# --- register_many: very long lists, streamed in batches ------------------------------------


def _count(event) -> int:
    return db.session.scalar(select(func.count()).where(Participant.event_id == event.id))


def test_register_many_inserts_while_reading_one_batch_at_a_time(app, monkeypatch):
    monkeypatch.setattr(registration, "INSERT_BATCH", 1_000)
    event = make_event()
    produced = 0
    produced_at_insert: list[int] = []

    def entries():
        nonlocal produced
        for entry in _newcomers(2_500):
            produced += 1
            yield entry

    insert_many = registration.insert_many

    def noted(statement, rows) -> None:  # noqa: ANN001
        produced_at_insert.append(produced)
        insert_many(statement, rows)

    monkeypatch.setattr(registration, "insert_many", noted)
    assert register_many(event, entries(), utcnow(), source="bench") == 2_500
    db.session.commit()

    # The first batch went in before the rest of the list was even read.
    assert produced_at_insert[0] <= 1_001
    assert _count(event) == 2_500
    codes = db.session.scalars(
        select(Participant.ticket_code).where(Participant.event_id == event.id)
    ).all()
    assert len(set(codes)) == 2_500
    sources = db.session.scalars(
        select(Participant.source).where(Participant.event_id == event.id).distinct()
    ).all()
    assert sources == ["bench"]


def test_register_many_sends_one_statement_a_batch_not_one_per_row(app):
    # On PostgreSQL one statement per row fires the attendance-version triggers once per row, in
    # one transaction: the cost grew with the square of the rows (tracker.db.insert_many).
    event = make_event()
    if db.engine.dialect.name == "sqlite":
        rows_per_insert: list[int] = []

        def note(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
            if statement.lstrip().upper().startswith("INSERT INTO PARTICIPANTS"):
                rows_per_insert.append(statement.count("), (") + 1)

        sa_event.listen(db.engine, "before_cursor_execute", note)
        try:
            assert register_many(event, iter(_newcomers(2_500)), utcnow(), source="bench") == 2_500
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", note)
        assert rows_per_insert == [1, 1]  # row-level triggers: one executemany a batch
    else:
        # Counted where it costs: how often a statement-level trigger on participants fires
        # (the rows may go as INSERTs or as a COPY). The DDL is rolled back with the test.
        db.session.execute(text(_COUNT_STATEMENTS))
        assert register_many(event, iter(_newcomers(2_500)), utcnow(), source="bench") == 2_500
        fired = db.session.scalar(text("SELECT count(*) FROM test_insert_statements"))
        assert 1 <= fired <= 3  # 2,000 + 500 rows: one or two statements a batch
    assert _count(event) == 2_500


_COUNT_STATEMENTS = """
CREATE TABLE test_insert_statements (fired_at timestamptz);
CREATE FUNCTION test_note_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO test_insert_statements VALUES (clock_timestamp()); RETURN NULL; END $$;
CREATE TRIGGER test_count_inserts AFTER INSERT ON participants
FOR EACH STATEMENT EXECUTE FUNCTION test_note_insert();
"""


def test_register_many_keeps_nothing_when_a_late_entry_is_invalid(app, monkeypatch):
    monkeypatch.setattr(registration, "INSERT_BATCH", 10)
    event = make_event()
    add_people(event, 2)
    entries = _newcomers(45)
    entries[40].email = "bukan-email"
    entries[42].name = " "

    with pytest.raises(ValidationFailed) as caught:
        register_many(event, iter(entries), utcnow())
    db.session.commit()  # even a caller that commits anyway keeps nothing of the list

    assert set(caught.value.fields) == {"40", "42"}
    assert _count(event) == 2


def test_register_many_finds_a_person_twice_in_the_list(app):
    event = make_event()
    entries = _newcomers(30)
    entries[25].phone = entries[3].phone.replace("+62", "0")

    with pytest.raises(DuplicateParticipant) as caught:
        register_many(event, entries, utcnow())
    db.session.commit()

    [(index, fields)] = caught.value.fields.items()
    assert (index, list(fields)) == ("25", ["phone"]) and "3" in fields["phone"]
    assert _count(event) == 0


def test_register_many_finds_someone_registered_already(app):
    event = make_event()
    [existing] = add_people(event, 1)
    entries = _newcomers(30)
    entries[29].email = existing.email.upper()

    with pytest.raises(DuplicateParticipant) as caught:
        register_many(event, entries, utcnow())
    db.session.commit()

    assert {k: list(v) for k, v in caught.value.fields.items()} == {"29": ["email"]}
    assert _count(event) == 1
