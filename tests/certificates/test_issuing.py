"""Issuing: to those who completed, numbered from the office's register, never twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.certificates.helpers import design, finished_training
from tests.factories import add_people, make_event
from tests.messages.helpers import check_in_now
from tracker.audit import AuditEntry
from tracker.certificates import services
from tracker.certificates.eligibility import completed
from tracker.certificates.models import Certificate
from tracker.db import begin_write, utcnow
from tracker.errors import Conflict, ValidationFailed
from tracker.events.models import Event
from tracker.extensions import db


def _numbers(event):
    return [c.number for c in services.event_certificates(event)]


def test_issue_to_everyone_who_completed_is_idempotent(clock, users):
    event, people = finished_training(clock, people=4, checked_in=3)
    register = services.register_for(event, utcnow())
    services.set_pattern(register, "{seq:03}/SERT/DISKOMINFO-TBN/{year}", users.organiser, utcnow())
    assert services.issue_all(event, users.organiser, utcnow()) == 3
    db.session.commit()
    assert services.issue_all(event, users.organiser, utcnow()) == 0
    db.session.commit()
    assert sorted(_numbers(event)) == [f"00{i}/SERT/DISKOMINFO-TBN/2026" for i in (1, 2, 3)]
    holders = {c.participant_id for c in services.event_certificates(event)}
    assert holders == {p.id for p in people[:3]}
    cert = services.event_certificates(event)[0]
    assert cert.jp == 32 and len(cert.code) >= 22
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.issue"))
    assert entry.details["count"] == 3


def test_numbers_go_on_across_the_offices_events_and_are_never_reused(clock, users):
    first, _people = finished_training(clock, people=2, checked_in=2)
    services.issue_all(first, users.organiser, utcnow())
    db.session.commit()
    revoked = services.event_certificates(first)[0]
    services.revoke(revoked, users.organiser, utcnow(), "Titip absen")
    db.session.commit()
    clock.shift(timedelta(days=1))
    second, _ = finished_training(clock, people=1, checked_in=1)
    services.issue_all(second, users.organiser, utcnow())
    db.session.commit()
    assert _numbers(second) == ["003/SERT/2026"]
    assert services.issue_all(first, users.organiser, utcnow()) == 0  # revoked: not again


def test_the_database_refuses_a_number_twice(clock, users):
    event, _ = finished_training(clock, people=1, checked_in=1)
    services.issue_all(event, users.organiser, utcnow())
    db.session.commit()
    cert = services.event_certificates(event)[0]
    copy = Certificate(
        event_id=event.id,
        participant_id=None,
        register_id=cert.register_id,
        year=cert.year,
        seq=cert.seq + 100,
        number=cert.number,
        code="another-code",
        name="X",
        category="participant",
        jp=cert.jp,
        issued_at=utcnow(),
    )
    db.session.add(copy)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_organisers_issuing_at_once_get_different_numbers(app, clock, users):
    """Two events of one office, issued from two threads at the same moment."""
    events = []
    for title in ("Bimtek A", "Bimtek B"):
        event = make_event(title=title)
        for person in add_people(event, 5):
            check_in_now(event, person)
        design(event)
        events.append(event.id)
    clock.shift(timedelta(hours=7))
    barrier = threading.Barrier(2)
    errors = []

    def issue(event_id):
        with app.app_context():
            try:
                barrier.wait()
                begin_write()  # as a request that writes does
                services.issue_all(db.session.get(Event, event_id), None, utcnow())
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue, args=(event_id,)) for event_id in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.commit()
    numbers = list(db.session.scalars(select(Certificate.number)))
    assert len(numbers) == 10 and len(set(numbers)) == 10


def test_only_after_the_end_and_with_a_design(clock, users):
    event = make_event()
    add_people(event, 1)
    with pytest.raises(Conflict):
        services.issue_all(event, users.organiser, utcnow())
    db.session.rollback()
    clock.shift(timedelta(hours=6, minutes=1))
    with pytest.raises(Conflict):  # no design saved
        services.issue_all(event, users.organiser, utcnow())


def test_an_override_needs_a_reason_and_is_audited(clock, users):
    event, people = finished_training(clock, people=2, checked_in=1)
    absent = people[1]
    assert absent.id not in completed(event, utcnow())
    with pytest.raises(ValidationFailed):
        services.issue_one(event, absent, users.organiser, utcnow(), "")
    db.session.rollback()
    services.issue_one(
        event, absent, users.organiser, utcnow(), "Hadir, lupa memindai tiket (surat tugas)"
    )
    db.session.commit()
    cert = services.valid_certificate_of(absent)
    assert cert.override_reason.startswith("Hadir")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.override"))
    assert entry.subject_id == absent.id and entry.details["reason"].startswith("Hadir")
    with pytest.raises(Conflict):
        services.issue_one(event, absent, users.organiser, utcnow(), "again")


def test_revoking_needs_a_reason(clock, users):
    event, _ = finished_training(clock, people=1, checked_in=1)
    services.issue_all(event, users.organiser, utcnow())
    cert = services.event_certificates(event)[0]
    with pytest.raises(ValidationFailed):
        services.revoke(cert, users.organiser, utcnow(), " ")
    services.revoke(cert, users.organiser, utcnow(), "Data keliru")
    with pytest.raises(Conflict):
        services.revoke(cert, users.organiser, utcnow(), "again")
