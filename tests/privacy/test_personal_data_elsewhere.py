"""Personal data held by the certificates and the messages: listed in a person's data, erased
with the person, and the download copies of certificates dropped after a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.certificates.helpers import finished_training
from tests.factories import add_people, make_event
from tests.messages.helpers import queue
from tracker.certificates import services as certificates
from tracker.certificates.models import Certificate, CertificateBundle
from tracker.db import utcnow
from tracker.extensions import db
from tracker.jobs import enqueue
from tracker.messages.jobs import SEND
from tracker.messages.models import Delivery
from tracker.privacy import services
from tracker.storage import get_storage


def _issued(clock, users, people=2):
    event, registered = finished_training(clock, people=people, checked_in=people)
    certificates.issue_all(event, users.organiser, utcnow())
    db.session.commit()
    return event, registered


def test_a_persons_data_lists_their_certificates_and_messages(app, users, clock, smtp_server, jobs):
    event, (person, _other) = _issued(clock, users)
    queue(event, "certificate")
    enqueue(SEND, "email")
    jobs.run_pending()
    db.session.commit()
    data = services.person_export(person)
    (cert,) = data["certificates"]
    assert cert["name"] == person.name and cert["revoked_at"] is None
    assert cert["number"] and cert["jp"] == "32.0"
    assert data["messages"] == [
        {
            "kind": "certificate",
            "channel": "email",
            "status": "sent",
            "sent_at": data["messages"][0]["sent_at"],
        }
    ]
    assert data["messages"][0]["sent_at"] is not None


def test_erasure_withdraws_the_certificates_and_the_verification_page_says_so(client, users, clock):
    event, (person, other) = _issued(clock, users)
    cert = certificates.valid_certificate_of(person)
    request = services.record_request(person, "deletion", "", utcnow())
    services.erase_for_request(request, users.organiser, utcnow())
    db.session.commit()
    db.session.expire_all()
    assert cert.revoked_at is not None and cert.name == f"#{cert.id}" and cert.agency == ""
    assert cert.number  # the number stays taken
    page = client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert person.name not in page and 'data-status="revoked"' in page
    kept = certificates.valid_certificate_of(other)
    assert kept is not None and kept.name == other.name


def test_anonymising_erases_the_address_a_refusal_named(app, smtp_server, jobs):
    event = make_event()
    [person] = add_people(event, 1)
    smtp_server.inbox.refuse.add(person.email)
    message = queue(event, "invitation")
    enqueue(SEND, "email")
    jobs.run_pending()
    db.session.commit()
    delivery = db.session.scalar(select(Delivery).where(Delivery.message_id == message.id))
    assert delivery.status == "failed" and delivery.error
    services.anonymise([person], utcnow())
    db.session.commit()
    db.session.refresh(delivery)
    assert (delivery.error, delivery.provider_ref, delivery.status) == ("", "", "failed")


def test_the_purge_drops_certificate_bundles_older_than_a_day_and_keeps_certificates(
    app, users, clock
):
    event, _people = _issued(clock, users)
    now = utcnow()
    key = get_storage().save(b"%PDF-bundle", "application/pdf")
    old = CertificateBundle(
        event_id=event.id,
        format="pdf",
        status="ready",
        storage_key=key,
        base_url="https://hadir.example",
        requested_at=now - timedelta(days=2),
    )
    fresh = CertificateBundle(
        event_id=event.id, format="zip", base_url="https://hadir.example", requested_at=now
    )
    db.session.add_all([old, fresh])
    db.session.commit()
    result = services.purge(now)
    db.session.commit()
    assert result.certificate_bundles == 1
    assert list(db.session.scalars(select(CertificateBundle.format))) == ["zip"]
    assert len(list(db.session.scalars(select(Certificate)))) == 2
    with pytest.raises(KeyError):
        get_storage().open(key)
