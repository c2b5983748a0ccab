"""A participant's NIP (and never a NIK): the service, the form, the API and the person's own
data; and the event's "ask for a signature at check-in"."""

from __future__ import annotations

import pytest

from tests.conftest import log_in
from tests.factories import make_event, register
from tracker.contact import NipError, format_nip, normalise_nip
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events.models import Participant
from tracker.events.registration import ParticipantInput
from tracker.extensions import db
from tracker.privacy.services import anonymise, person_export

NIP = "198001012005011001"


@pytest.mark.parametrize(
    "written", [NIP, "19800101 200501 1 001", "19800101.200501.1.001", " 19800101-200501-1-001 "]
)
def test_a_nip_is_kept_as_its_18_digits_however_written(written):
    assert normalise_nip(written) == NIP
    assert format_nip(NIP) == "19800101 200501 1 001"


@pytest.mark.parametrize(
    ("written", "is_nik"),
    [
        ("5102012345670001", True),
        ("5102 0123 4567 0001", True),
        ("1980", False),
        ("19800101200501100A", False),
        ("١٩٨٠٠١٠١٢٠٠٥٠١١٠٠١", False),
    ],
)
def test_anything_else_is_refused_and_a_nik_says_so(written, is_nik):
    with pytest.raises(NipError) as refused:
        normalise_nip(written)
    assert refused.value.is_nik is is_nik


def test_registration_stores_the_nip_and_refuses_a_nik(app):
    event = make_event()
    (person,) = register(event, [ParticipantInput(name="Wayan", nip="19800101 200501 1 001")])
    assert person.nip == NIP
    with pytest.raises(ValidationFailed) as refused:
        register(event, [ParticipantInput(name="Made", nip="5102012345670001")])
    assert "NIK" in refused.value.fields["0"]["nip"]
    assert db.session.query(Participant).count() == 1


def test_the_form_edits_the_nip(client, users):
    event = make_event()
    (person,) = register(event, [ParticipantInput(name="Wayan", phone="0812-3000-4000")])
    log_in(client, users.organiser)
    url = f"/events/{event.id}/participants/{person.id}/edit"
    form = {
        "name": "Wayan",
        "category": "participant",
        "legal_basis": "public_service",
        "phone": "0812-3000-4000",
        "position": "Pranata Humas",
    }
    bad = client.post(url, data={**form, "nip": "5102012345670001"})
    assert bad.status_code == 200 and b'id="nip-error"' in bad.data
    assert "NIK" in bad.get_data(as_text=True)
    assert client.post(url, data={**form, "nip": "19800101 200501 1 001"}).status_code == 302
    db.session.refresh(person)
    assert (person.nip, person.position) == (NIP, "Pranata Humas")
    assert NIP in client.get(url).get_data(as_text=True)


def test_the_api_takes_and_gives_the_nip(api):
    event = make_event()
    url = f"/api/v1/events/{event.id}/participants"
    body = {"name": "Wayan", "position": "Analis", "nip": "19800101 200501 1 001"}
    answer = api("organiser").post(url, json=body)
    assert answer.status_code == 201
    assert answer.get_json()["participants"][0]["nip"] == NIP
    refused = api("organiser").post(url, json={"name": "Made", "nip": "5102012345670001"})
    assert refused.status_code == 422
    assert "NIK" in refused.get_json()["error"]["fields"]["0"]["nip"]


def test_the_nip_is_the_persons_data_and_is_erased_with_it(app):
    event = make_event()
    (person,) = register(event, [ParticipantInput(name="Wayan", nip=NIP)])
    assert person_export(person)["participant"]["nip"] == NIP
    anonymise([person], utcnow())
    db.session.commit()
    db.session.refresh(person)
    assert person.nip == ""


def test_the_event_asks_for_a_signature_when_set(api):
    answer = api("organiser").post(
        "/api/v1/events",
        json={
            "title": "Bimtek",
            "organiser_unit": "Diskominfo",
            "starts_at": "2026-07-21T08:00:00",
            "ends_at": "2026-07-23T16:00:00",
            "ask_signature": True,
        },
    )
    assert answer.status_code == 201 and answer.get_json()["ask_signature"] is True
    event_id = answer.get_json()["id"]
    patched = api("organiser").patch(f"/api/v1/events/{event_id}", json={"ask_signature": False})
    assert patched.get_json()["ask_signature"] is False
    refused = api("organiser").patch(f"/api/v1/events/{event_id}", json={"ask_signature": None})
    assert refused.status_code == 422
