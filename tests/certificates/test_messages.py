"""The certificate link goes out to everyone with a certificate, by e-mail."""

from __future__ import annotations

import re

from tests.certificates.helpers import finished_training
from tests.messages.helpers import BASE_URL, queue, statuses
from tracker.certificates import services
from tracker.db import utcnow
from tracker.extensions import db
from tracker.messages.sending import send_due


def test_certificate_links_by_email(clock, users, smtp_server):
    event, people = finished_training(clock, people=3, checked_in=2)
    services.issue_all(event, users.organiser, utcnow())
    db.session.commit()
    message = queue(event, "certificate", audience="certified")
    assert statuses(message) == {"queued": 2}
    send_due("email")
    mails = {m["To"]: m for m in smtp_server.inbox.messages}
    assert set(mails) == {people[0].email, people[1].email}
    text = mails[people[0].email].get_content()
    link = f"{BASE_URL}/t/{people[0].ticket_code}/certificate.pdf"
    assert link in re.findall(r"https://\S+", text)
    assert mails[people[0].email]["Subject"] == f"Sertifikat: {event.title}"
