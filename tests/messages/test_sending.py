"""Queueing and sending on real parts: a local SMTP server receives the mail, which is parsed
back; a local HTTP server answers as the WhatsApp Cloud API does. The queue is run by hand here
(``jobs.run_pending()``); test_worker.py runs a real worker process."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import add_people, make_event
from tests.messages.conftest import free_port
from tests.messages.helpers import BASE_URL, check_in_now, queue, statuses
from tracker.audit import AuditEntry
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events.registration import ParticipantInput, register_participants
from tracker.extensions import db
from tracker.jobs import enqueue
from tracker.messages import services
from tracker.messages.jobs import SEND
from tracker.messages.models import Delivery
from tracker.messages.sending import MAX_ATTEMPTS, send_due


def _send(jobs, channel="email"):
    enqueue(SEND, channel)
    jobs.run_pending()
    db.session.commit()  # end this session's read: the job wrote through its own


def _deliveries(message):
    return list(
        db.session.scalars(
            select(Delivery).where(Delivery.message_id == message.id).order_by(Delivery.id)
        )
    )


def test_the_reminder_arrives_by_email_with_link_tumbler_and_notice(smtp_server, jobs, users):
    event = make_event()
    people = add_people(event, 3)
    message = queue(event, "reminder", actor=users.organiser)
    assert statuses(message) == {"queued": 3}
    _send(jobs)
    assert statuses(message) == {"sent": 3}
    mails = sorted(smtp_server.inbox.messages, key=lambda m: m["To"])
    assert [m["To"] for m in mails] == sorted(p.email for p in people)
    mail = mails[0]
    person = next(p for p in people if p.email == mail["To"])
    assert mail["Subject"] == f"Pengingat: {event.title}"
    text = mail.get_content()
    links = re.findall(r"https://\S+", text)
    assert f"{BASE_URL}/t/{person.ticket_code}" in links
    assert "Mohon membawa tumbler/botol minum sendiri" in text
    assert "UU No. 27 Tahun 2022" in text and f"{BASE_URL}/t/{person.ticket_code}/data" in links
    assert text.startswith(f"Yth. {person.name},")
    sent = _deliveries(message)[0]
    assert (
        sent.provider_ref
        == mails[[m["To"] for m in mails].index(sent.participant.email)]["Message-ID"]
    )


def test_queueing_is_audited_with_the_filter_and_the_count(smtp_server, users):
    event = make_event()
    add_people(event, 4)
    message = queue(
        event, "invitation", actor=users.organiser, audience="agency", audience_value="Dinas 1"
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "message.queue"))
    assert entry.actor_id == users.organiser.id and entry.subject_id == message.id
    assert entry.details["people"] == 1 and entry.details["audience_value"] == "Dinas 1"


def test_audiences(smtp_server, app):
    event = make_event()
    people = add_people(event, 6)
    check_in_now(event, people[0])
    assert services.count_audience(event, "all") == 6
    assert services.count_audience(event, "not_arrived") == 5
    assert services.count_audience(event, "agency", "Dinas 1") == 2
    assert services.count_audience(event, "person", str(people[3].id)) == 1


def test_people_without_an_address_are_shown_as_missed(smtp_server, jobs):
    event = make_event()
    add_people(event, 1)
    register_participants(
        event, [ParticipantInput(name="Tanpa Email", phone="081234567890")], utcnow(), source="test"
    )
    db.session.commit()
    message = queue(event, "invitation")
    assert statuses(message) == {"queued": 1, "failed": 1}
    missed = next(d for d in _deliveries(message) if d.status == "failed")
    assert missed.error == services.NO_ADDRESS


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("body", "Yth. {nama}", "{nama}"),
        ("subject", "Undangan {acara}", "{acara}"),
        ("body", "Yth. {name", "{{"),  # "write {{ or }} for a brace itself"
        ("body", "{certificate_url}", "{certificate_url}"),
    ],
)
def test_a_placeholder_that_does_not_exist_is_refused_and_nothing_is_queued(
    smtp_server, field, value, expected
):
    event = make_event()
    add_people(event, 2)
    with pytest.raises(ValidationFailed) as caught:
        queue(event, "invitation", **{field: value})
    message = caught.value.fields[field]
    assert expected in message
    if expected != "{{":  # an unknown name is answered with the names that exist
        assert "{name}" in message
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Delivery)) == 0


def test_a_channel_not_set_up_is_refused(app):
    event = make_event()
    add_people(event, 1)
    with pytest.raises(ValidationFailed) as caught:
        queue(event, "invitation", channel="whatsapp")
    assert "channel" in caught.value.fields


def test_an_unreachable_smtp_server_loses_nothing(smtp_server, jobs, clock, monkeypatch, app):
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    event = make_event()
    add_people(event, 3)
    message = queue(event, "reminder")
    _send(jobs)
    rows = _deliveries(message)
    assert [d.status for d in rows] == ["queued"] * 3
    assert all("cannot be reached: connection refused" in d.error for d in rows)
    assert rows[0].attempts == 1 and rows[1].attempts == 0  # the rest waited, untried
    # It stays down: every try is counted, then the first one is given up, with the reason.
    for _try in range(MAX_ATTEMPTS):
        clock.shift(timedelta(hours=2))
        send_due("email", sleep=lambda s: None)
    db.session.expire_all()
    assert _deliveries(message)[0].status == "failed"
    # The server is back: the waiting ones go out, and the given-up one can be tried again.
    monkeypatch.setitem(app.config, "SMTP_URL", smtp_server.url)
    clock.shift(timedelta(hours=2))
    send_due("email")
    assert services.retry_failed(message, None, utcnow()) == 1
    db.session.commit()
    send_due("email")
    db.session.expire_all()
    assert statuses(message) == {"sent": 3}
    assert len(smtp_server.inbox.messages) == 3


def test_an_address_the_server_refuses_fails_at_once_with_the_reason(smtp_server, jobs):
    event = make_event()
    people = add_people(event, 2)
    smtp_server.inbox.refuse.add(people[0].email)
    message = queue(event, "invitation")
    _send(jobs)
    by_person = {d.participant_id: d for d in _deliveries(message)}
    refused = by_person[people[0].id]
    assert refused.status == "failed" and "550" in refused.error and refused.attempts == 1
    assert by_person[people[1].id].status == "sent"


def test_a_scheduled_message_waits_for_its_time(smtp_server, jobs, clock):
    event = make_event(starts_at=utcnow() + timedelta(days=2))
    add_people(event, 2)
    message = queue(event, "reminder", send_at=utcnow() + timedelta(days=1))
    _send(jobs)
    assert statuses(message) == {"queued": 2} and smtp_server.inbox.messages == []
    clock.shift(timedelta(days=1, minutes=1))
    send_due("email")
    assert statuses(message) == {"sent": 2}


def test_cancel_stops_what_is_not_sent(smtp_server, jobs):
    event = make_event()
    add_people(event, 2)
    message = queue(event, "reminder", send_at=utcnow() + timedelta(hours=5))
    assert services.cancel_message(message, None, utcnow()) == 2
    db.session.commit()
    assert statuses(message) == {"failed": 2}
    assert services.retry_failed(message, None, utcnow()) == 0


def test_the_rate_limit_paces_the_channel(smtp_server, jobs, monkeypatch, app, clock):
    monkeypatch.setitem(app.config, "MAIL_RATE_PER_MINUTE", 2)
    event = make_event()
    add_people(event, 3)
    message = queue(event, "invitation")
    waits = []

    def sleep(seconds):  # waits as long as asked, on the suite's clock
        waits.append(seconds)
        clock.shift(timedelta(seconds=seconds + 0.01))

    send_due("email", sleep=sleep)
    assert statuses(message) == {"sent": 3}
    assert len(waits) >= 1 and all(0 < w <= 60 for w in waits)


# --- WhatsApp Business Platform (Cloud API), against a local server of its shape ----------------


def test_whatsapp_cloud_api_sends_text_and_records_each_answer(whatsapp_server, jobs):
    event = make_event()
    people = add_people(event, 3)
    bad = people[1].phone.lstrip("+")
    whatsapp_server.errors[bad] = (
        400,
        {
            "error": {
                "message": "(#131026) Message undeliverable",
                "type": "OAuthException",
                "code": 131026,
                "error_data": {"details": "Receiver is not on WhatsApp"},
            }
        },
    )
    message = queue(event, "invitation", channel="whatsapp", subject="")
    _send(jobs, "whatsapp")
    by_person = {d.participant_id: d for d in _deliveries(message)}
    assert by_person[people[0].id].status == "sent"
    assert by_person[people[0].id].provider_ref.startswith("wamid.TEST")
    failed = by_person[people[1].id]
    assert failed.status == "failed" and "Receiver is not on WhatsApp" in failed.error
    body = next(b for b in whatsapp_server.received if b["to"] == people[0].phone.lstrip("+"))
    assert body["messaging_product"] == "whatsapp" and body["type"] == "text"
    assert body["text"]["body"].startswith(f"Yth. {people[0].name},")
    assert "UU No. 27 Tahun 2022" in body["text"]["body"]


def test_a_whatsapp_outage_is_retried_later(whatsapp_server, jobs, clock):
    event = make_event()
    people = add_people(event, 2)
    for person in people:
        whatsapp_server.errors[person.phone.lstrip("+")] = (
            503,
            {"error": {"message": "Service temporarily unavailable", "code": 131016}},
        )
    message = queue(event, "invitation", channel="whatsapp", subject="")
    _send(jobs, "whatsapp")
    assert statuses(message) == {"queued": 2}
    whatsapp_server.errors.clear()
    clock.shift(timedelta(minutes=2))
    send_due("whatsapp")
    assert statuses(message) == {"sent": 2}


def test_a_whatsapp_template_is_used_when_configured(whatsapp_server, jobs, monkeypatch, app):
    monkeypatch.setitem(app.config, "WHATSAPP_TEMPLATE", "pesan_kegiatan:id")
    event = make_event()
    add_people(event, 1)
    queue(event, "reminder", channel="whatsapp", subject="")
    _send(jobs, "whatsapp")
    (body,) = whatsapp_server.received
    assert body["type"] == "template" and body["template"]["name"] == "pesan_kegiatan"
    (parameter,) = body["template"]["components"][0]["parameters"]
    assert "\n" not in parameter["text"] and "tumbler" in parameter["text"]
