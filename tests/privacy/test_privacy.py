"""UU PDP duties: retention purge keeps the figures, requests are answered in 3 x 24 hours,
a participant reaches only their own data, exports are logged, no NIK anywhere."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from tests.conftest import log_in
from tests.factories import add_people, make_event
from tracker.audit import AuditEntry
from tracker.checkin.attendance import attendance
from tracker.checkin.models import CheckIn
from tracker.db import utcnow
from tracker.errors import Conflict, ValidationFailed
from tracker.events.models import Participant, ParticipantImport
from tracker.extensions import db
from tracker.privacy import services
from tracker.privacy.models import DataRequest


def _check_in(people, tumblers) -> None:
    now = utcnow()
    for person, tumbler in zip(people, tumblers, strict=False):
        db.session.add(
            CheckIn(
                event_id=person.event_id,
                participant_id=person.id,
                checked_in_at=now,
                recorded_at=now,
                method="scanner",
                gate="A",
                brought_tumbler=tumbler,
            )
        )
    db.session.commit()


def _figures(event) -> dict:
    figures = dataclasses.asdict(attendance(event))
    figures.pop("latest")  # names, by design: the list of who came in
    return figures


def _past_event(days_ago: int = 400, **fields):
    return make_event(starts_at=utcnow() - timedelta(days=days_ago), **fields)


def test_purge_anonymises_past_retention_and_keeps_every_figure(app):
    event = _past_event()
    people = add_people(event, 12)
    _check_in(people[:9], [True, True, True, False, None, True, False, True, None])
    before = _figures(event)
    keys_before = sorted(p.person_key for p in people)

    result = services.purge(utcnow())
    db.session.commit()

    assert result.events == [event.id] and result.participants == 12
    db.session.expire_all()
    after_people = list(
        db.session.scalars(select(Participant).where(Participant.event_id == event.id))
    )
    assert all(
        p.email is None
        and p.phone is None
        and p.name.startswith("Anonim")
        and p.anonymised_at is not None
        for p in after_people
    )
    assert sorted(p.person_key for p in after_people) == keys_before
    assert _figures(event) == before
    assert services.purge(utcnow()).events == []  # safe to run daily


def test_purge_leaves_events_within_their_retention(app):
    recent = _past_event(days_ago=10)
    short = _past_event(days_ago=10, title="Short retention", retention_days=3)
    add_people(recent, 2)
    add_people(short, 2)
    assert services.purge(utcnow()).events == [short.id]


def test_the_admin_default_applies_to_events_without_their_own(app, users):
    event = _past_event(days_ago=40)
    add_people(event, 1)
    assert services.purge(utcnow(), dry_run=True).events == []
    services.set_retention_default(30, users.admin, utcnow())
    assert services.purge(utcnow(), dry_run=True).events == [event.id]
    with pytest.raises(ValidationFailed):
        services.set_retention_default(0, users.admin, utcnow())


def test_purge_drops_unconfirmed_uploads_after_a_day(app):
    event = make_event()
    db.session.add(
        ParticipantImport(
            event_id=event.id,
            filename="old.csv",
            content=b"x",
            created_at=utcnow() - timedelta(days=2),
        )
    )
    db.session.add(ParticipantImport(event_id=event.id, filename="new.csv", content=b"x"))
    db.session.commit()
    assert services.purge(utcnow()).pending_imports == 1
    db.session.commit()
    names = db.session.scalars(select(ParticipantImport.filename))
    assert list(names) == ["new.csv"]


def test_purge_command(app):
    event = _past_event()
    add_people(event, 3)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "Would anonymise 3 participant(s) of 1 event(s)" in dry.output
    assert (
        db.session.scalar(select(func.count()).where(Participant.anonymised_at.is_not(None))) == 0
    )
    done = runner.invoke(args=["purge"])
    assert done.exit_code == 0 and "Anonymised 3" in done.output
    assert (
        db.session.scalar(select(func.count()).where(Participant.anonymised_at.is_not(None))) == 3
    )


# --- requests -----------------------------------------------------------------------------


def test_a_request_is_due_in_three_days_and_closed_with_its_outcome(app, users):
    event = make_event()
    [person] = add_people(event, 1)
    now = utcnow()
    request = services.record_request(person, "correction", "Nama saya salah eja", now)
    assert request.due_at == now + timedelta(hours=72)
    assert not request.overdue(now + timedelta(hours=71))
    assert request.overdue(now + timedelta(hours=73))
    with pytest.raises(ValidationFailed):
        services.close_request(request, "refused", "", users.organiser, now)
    services.close_request(request, "done", "Nama diperbaiki", users.organiser, now)
    assert (request.status, request.handled_by_id) == ("done", users.organiser.id)
    with pytest.raises(Conflict):
        services.close_request(request, "done", "again", users.organiser, now)


def test_a_deletion_request_erases_the_person_now(app, users):
    event = make_event()
    [person, other] = add_people(event, 2)
    request = services.record_request(person, "deletion", "", utcnow())
    services.erase_for_request(request, users.organiser, utcnow())
    db.session.commit()
    db.session.expire_all()
    assert person.email is None and person.name.startswith("Anonim")
    assert other.email is not None
    assert request.status == "done"


def test_a_participant_sees_and_downloads_only_their_own_data(client, app):
    event = make_event()
    me, other = add_people(event, 2)
    page = client.get(f"/t/{me.ticket_code}/data").get_data(as_text=True)
    assert me.name in page and me.email in page
    assert other.name not in page and other.email not in page
    data = client.get(f"/t/{me.ticket_code}/data.json").get_json()
    assert data["participant"]["email"] == me.email
    assert client.get("/t/not-a-real-ticket-code-123/data").status_code == 404
    logged = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.person_json"))
    assert logged.actor_label == "participant" and logged.subject_id == me.id


def test_a_participant_asks_for_deletion_through_their_ticket(client, app):
    event = make_event()
    [me] = add_people(event, 1)
    response = client.post(
        f"/t/{me.ticket_code}/data", data={"kind": "deletion", "details": "Hapus data saya"}
    )
    assert response.status_code == 302
    request = db.session.scalar(select(DataRequest))
    assert (request.kind, request.channel, request.participant_id) == ("deletion", "ticket", me.id)


def test_organiser_handles_a_request_in_the_app(client, users):
    event = make_event()
    [person] = add_people(event, 1)
    log_in(client, users.organiser)
    created = client.post(
        f"/events/{event.id}/participants/{person.id}/requests/new",
        data={"kind": "access", "details": ""},
    )
    assert created.status_code == 302
    request = db.session.scalar(select(DataRequest))
    listing = client.get("/privacy/requests").get_data(as_text=True)
    assert person.name in listing
    export = client.get(f"/privacy/requests/{request.id}/export.json")
    assert export.get_json()["participant"]["name"] == person.name
    assert "attachment" in export.headers["Content-Disposition"]
    closed = client.post(
        f"/privacy/requests/{request.id}",
        data={"status": "done", "outcome": "Data dikirim lewat e-mail"},
    )
    assert closed.status_code == 302
    db.session.expire_all()
    assert request.status == "done"
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"privacy.request.access", "export.person_json", "privacy.request.done"} <= actions


def test_admin_reads_the_export_log(client, users):
    event = make_event()
    [person] = add_people(event, 1)
    client.get(f"/t/{person.ticket_code}/data.json")
    log_in(client, users.admin)
    page = client.get("/admin/audit?action=export.").get_data(as_text=True)
    assert "export.person_json" in page
    log_in(client, users.organiser)
    assert client.get("/admin/audit").status_code == 403


# --- accounts -----------------------------------------------------------------------------


def test_admin_creates_and_deactivates_an_account(client, users):
    log_in(client, users.admin)
    created = client.post(
        "/admin/users",
        data={
            "email": "staf.pintu@tabanankab.go.id",
            "name": "Staf Pintu",
            "role": "staff",
            "password": "rahasia-pintu",
        },
    )
    assert created.status_code == 302
    from tracker.auth.models import User

    user = db.session.scalar(select(User).where(User.email == "staf.pintu@tabanankab.go.id"))
    client.post(f"/admin/users/{user.id}", data={"name": "Staf Pintu", "role": "staff"})
    db.session.expire_all()
    assert user.active is False
    own = client.post(f"/admin/users/{users.admin.id}", data={"role": "staff", "active": "y"})
    assert own.status_code == 200  # refused: an admin cannot demote themselves
    db.session.expire_all()
    assert users.admin.role == "admin"


# --- no NIK -------------------------------------------------------------------------------


def test_no_national_id_number_anywhere(app):
    banned = ("nik", "ktp", "national_id", "nomor_induk")
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            assert not any(
                word == column.name or column.name.startswith(word + "_") for word in banned
            ), f"{table.name}.{column.name}"
    root = Path(__file__).parents[2]
    for template in (root / "templates").rglob("*.html"):
        text = template.read_text().lower()
        assert 'name="nik"' not in text and 'name="ktp"' not in text, template
    assert inspect(Participant)  # the model was inspected, not skipped


def test_ticket_and_door_pages_show_the_notice_in_both_languages_with_the_contact(client, app):
    event = make_event(privacy_contact="ppid@tabanankab.go.id")
    [person] = add_people(event, 1)
    page = client.get(f"/t/{person.ticket_code}").get_data(as_text=True)
    assert 'lang="id"' in page and 'lang="en"' in page
    assert page.count("ppid@tabanankab.go.id") == 2
    assert f"/t/{person.ticket_code}/data" in page
