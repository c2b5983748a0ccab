"""Registering participants: normalised contacts, one person once, tickets, imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.factories import add_people, make_event
from tracker.db import utcnow
from tracker.errors import DuplicateParticipant, ValidationFailed
from tracker.events import roster_import as imports
from tracker.events.models import Participant
from tracker.events.registration import (
    ParticipantInput,
    apply_import,
    new_ticket_code,
    register_participants,
    reissue_ticket,
    update_participant,
)
from tracker.extensions import db

DATA = Path(__file__).parent.parent / "data"


def _count(event) -> int:
    return db.session.scalar(select(func.count()).where(Participant.event_id == event.id))


def test_contacts_are_normalised(app):
    event = make_event()
    [person] = register_participants(
        event,
        [
            ParticipantInput(
                name=" Ni Made Ari Widayani ",
                agency="Dinas Kesehatan Kabupaten Tabanan",
                email=" Ari.Widayani@TabananKab.go.id ",
                phone="0812-3456-7890",
            )
        ],
        utcnow(),
    )
    assert person.name == "Ni Made Ari Widayani"
    assert person.email == "ari.widayani@tabanankab.go.id"
    assert person.phone == "+6281234567890"
    assert person.legal_basis == "public_service"


@pytest.mark.parametrize(
    "phone", ["0812-3456-7890", "6281234567890", "+62 812 3456 7890", "(+62) 812.3456.7890"]
)
def test_the_same_phone_written_another_way_is_a_duplicate(app, phone):
    event = make_event()
    register_participants(event, [ParticipantInput(name="A", phone="081234567890")], utcnow())
    with pytest.raises(DuplicateParticipant) as exc:
        register_participants(event, [ParticipantInput(name="B", phone=phone)], utcnow())
    assert exc.value.code == "duplicate_participant"


def test_the_same_email_in_another_case_is_a_duplicate(app):
    event = make_event()
    register_participants(event, [ParticipantInput(name="A", email="a@x.go.id")], utcnow())
    with pytest.raises(DuplicateParticipant):
        register_participants(event, [ParticipantInput(name="B", email="A@X.GO.ID")], utcnow())


def test_the_same_person_may_register_for_two_events(app):
    first, second = make_event(), make_event(title="Rapat Koordinasi")
    for event in (first, second):
        register_participants(event, [ParticipantInput(name="A", phone="081234567890")], utcnow())
    assert _count(first) == _count(second) == 1


def test_the_database_itself_refuses_a_second_registration(app):
    """Even past the service's check (two requests racing), the constraint holds."""
    event = make_event()
    add_people(event, 1)
    db.session.add(
        Participant(
            event_id=event.id,
            name="Copy",
            email="peserta0@tabanankab.go.id",
            ticket_code=new_ticket_code(),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_list_is_saved_whole_or_not_at_all(app):
    event = make_event()
    entries = [
        ParticipantInput(name="Baik", phone="081234567890"),
        ParticipantInput(name="", phone="12"),
        ParticipantInput(name="Juga baik"),
    ]
    with pytest.raises(ValidationFailed) as exc:
        register_participants(event, entries, utcnow())
    assert set(exc.value.fields) == {"1"}
    assert set(exc.value.fields["1"]) == {"name", "phone"}
    assert _count(event) == 0


def test_the_same_person_twice_in_one_list_is_refused(app):
    event = make_event()
    entries = [
        ParticipantInput(name="A", phone="081234567890"),
        ParticipantInput(name="B", phone="+6281234567890"),
    ]
    with pytest.raises(DuplicateParticipant):
        register_participants(event, entries, utcnow())
    assert _count(event) == 0


def test_ticket_codes_are_long_random_and_reissuable(app):
    event = make_event()
    people = add_people(event, 50)
    codes = {p.ticket_code for p in people}
    assert len(codes) == 50
    assert all(len(code) >= 22 for code in codes)  # 16 random bytes, URL-safe
    old = people[0].ticket_code
    new = reissue_ticket(people[0], utcnow())
    db.session.commit()
    assert new != old
    assert db.session.scalar(select(Participant).where(Participant.ticket_code == old)) is None


def test_updating_to_another_persons_contact_is_refused(app):
    event = make_event()
    first, second = add_people(event, 2)
    with pytest.raises(DuplicateParticipant):
        update_participant(second, ParticipantInput(name=second.name, email=first.email))


def test_import_plan_flags_rows_already_registered(app):
    event = make_event()
    register_participants(
        event, [ParticipantInput(name="Sudah Terdaftar", phone="0812-3456-7890")], utcnow()
    )
    data = b"Nama;No HP\r\nBaru;0813-1111-2222\r\nSama;+62 812 3456 7890\r\n"
    plan = imports.read_plan(event, "peserta.csv", data)
    assert [row for row, _ in plan.to_create] == [2]
    assert [d.row for d in plan.duplicates] == [3]


def test_a_broken_excel_csv_saves_only_the_good_rows(app):
    event = make_event()
    plan = imports.read_plan(event, "peserta_rusak.csv", (DATA / "peserta_rusak.csv").read_bytes())
    assert plan.errors and plan.duplicates and plan.to_create
    assert apply_import(event, plan, utcnow()) == len(plan.to_create)
    db.session.commit()
    assert _count(event) == len(plan.to_create)
    saved = set(
        db.session.scalars(select(Participant.name).where(Participant.event_id == event.id))
    )
    assert saved == {clean.name for _, clean in plan.to_create}


def test_an_unreadable_file_is_refused_with_a_message(app):
    event = make_event()
    with pytest.raises(ValidationFailed) as exc:
        imports.read_plan(event, "bukan.xlsx", (DATA / "bukan_spreadsheet.xlsx").read_bytes())
    assert exc.value.message


def test_without_contacts_the_same_name_and_agency_is_the_same_person(app):
    event = make_event()
    person = ParticipantInput(name="I Wayan Sudarsana", agency="Kecamatan Kediri")
    register_participants(event, [person], utcnow())
    with pytest.raises(DuplicateParticipant):
        register_participants(event, [person], utcnow())
    data = (
        b"Nama;Instansi\r\nI Wayan Sudarsana;Kecamatan Kediri\r\n"
        b"I Made Baru;Kecamatan Kediri\r\nI Made Baru;Kecamatan Kediri\r\n"
    )
    plan = imports.read_plan(event, "p.csv", data)
    assert [row for row, _ in plan.to_create] == [3]
    assert [d.row for d in plan.duplicates] == [2, 4]


def test_person_key_is_the_same_person_across_events_and_reveals_nothing(app):
    first, second = make_event(), make_event(title="Rapat Koordinasi")
    [a] = register_participants(
        first, [ParticipantInput(name="A", phone="0812-3456-7890")], utcnow()
    )
    [b] = register_participants(
        second, [ParticipantInput(name="A.", phone="+6281234567890")], utcnow()
    )
    [c] = register_participants(
        second, [ParticipantInput(name="C", phone="0813-1111-2222")], utcnow()
    )
    assert a.person_key == b.person_key != c.person_key
    assert "6281234567890" not in a.person_key and len(a.person_key) == 32
