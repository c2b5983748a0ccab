"""The message pages: writing one, each person's status, retry, cancel, the wa.me links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from tests.factories import add_people, make_event
from tests.messages.helpers import queue, statuses
from tracker.extensions import db
from tracker.messages.models import Delivery, Message


def _form(**overrides):
    data = {
        "kind": "invitation",
        "language": "id",
        "channel": "email",
        "audience": "all",
        "when": "now",
        "subject": "Undangan: {title}",
        "body": "Yth. {name}, tiket Anda: {url}",
    }
    data.update(overrides)
    return data


def test_the_reminder_form_starts_from_the_tumbler_text_at_h_minus_1_16_00(as_role):
    event = make_event()
    page = as_role("organiser").get(f"/events/{event.id}/messages/new?kind=reminder")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Mohon membawa tumbler/botol minum sendiri" in html
    local = event.starts_at.astimezone(__import__("zoneinfo").ZoneInfo(event.timezone))
    day_before = local.date().fromordinal(local.date().toordinal() - 1)
    assert f'value="{day_before.isoformat()}T16:00"' in html


def test_queueing_from_the_page_then_each_persons_status(as_role, smtp_server, jobs):
    event = make_event()
    add_people(event, 3)
    client = as_role("organiser")
    answer = client.post(f"/events/{event.id}/messages/new", data=_form())
    assert answer.status_code == 302
    message = db.session.scalar(select(Message))
    assert statuses(message) == {"queued": 3}
    jobs.run_pending()
    db.session.commit()
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert page.count('data-status="sent"') == 3
    assert "UU No. 27 Tahun 2022" in page  # the preview shows the notice under the text


def test_a_placeholder_that_does_not_exist_gets_a_form_error(as_role, smtp_server):
    event = make_event()
    add_people(event, 2)
    answer = as_role("organiser").post(
        f"/events/{event.id}/messages/new", data=_form(body="Yth. {nama}")
    )
    assert answer.status_code == 200
    assert "{nama}" in answer.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Message)) == 0


def test_wa_me_links_open_whatsapp_with_the_message_and_count_as_sent(as_role):
    event = make_event()
    people = add_people(event, 2)
    message = queue(event, "invitation", channel="wa_me", subject="")
    assert statuses(message) == {"manual": 2}
    delivery = db.session.scalar(select(Delivery).where(Delivery.participant_id == people[0].id))
    answer = as_role("organiser").get(f"/events/{event.id}/messages/{message.id}/wa/{delivery.id}")
    assert answer.status_code == 302
    link = urlsplit(answer.headers["Location"])
    assert link.netloc == "wa.me" and link.path == "/" + people[0].phone.lstrip("+")
    text = parse_qs(link.query)["text"][0]
    assert text.startswith(f"Yth. {people[0].name},") and "UU No. 27 Tahun 2022" in text
    assert statuses(message) == {"manual": 1, "sent": 1}


def test_retry_and_cancel_from_the_page(as_role, smtp_server, jobs):
    event = make_event()
    add_people(event, 2)
    message = queue(event, "reminder", channel="email")
    client = as_role("organiser")
    answer = client.post(f"/events/{event.id}/messages/{message.id}/cancel")
    assert answer.status_code == 302
    assert statuses(message) == {"failed": 2}
    client.post(f"/events/{event.id}/messages/{message.id}/retry")
    assert statuses(message) == {"failed": 2}  # cancelled stays cancelled


def test_staff_may_not_send_messages(as_role):
    event = make_event()
    assert as_role("staff").get(f"/events/{event.id}/messages").status_code == 403
