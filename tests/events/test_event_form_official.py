"""The daftar hadir's official on the event form (organisers edit the event in the pages): the
same rule as the daftar hadir page and the API (tracker.events.officials), in Indonesian."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import log_in
from tests.events.test_pages import EVENT_FORM
from tests.factories import make_event
from tracker import audit
from tracker.events.models import Event
from tracker.extensions import db
from tracker.summaries.daftar_hadir import SignerSource, signer_of

PPK = {
    "official_position": "Pejabat Pembuat Komitmen",
    "official_name": "I Made Sudarma, S.Kom.",
    "official_nip": "19850505 201001 2 005",
}


def _event() -> Event:
    return make_event(starts_at=datetime(2025, 7, 22, 1, 0, tzinfo=UTC))


def _logged(event: Event) -> list:
    return audit.entries(event_id=event.id, action_prefix="event.daftar_hadir_signer")


def test_the_edit_form_names_the_official_who_signs_the_lists(client, users):
    event = _event()
    log_in(client, users.organiser)
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert "Penanda tangan daftar hadir (Mengetahui)" in page
    assert all(label in page for label in ("Jabatan pejabat", "Nama pejabat", "NIP pejabat"))

    saved = client.post(f"/events/{event.id}/edit", data={**EVENT_FORM, **PPK})
    assert saved.status_code == 302
    db.session.expire_all()
    signer = signer_of(event)
    assert signer.source == SignerSource.EVENT
    assert signer.official.name == "I Made Sudarma, S.Kom."
    assert signer.official.nip == "198505052010012005"
    assert len(_logged(event)) == 1
    # The form shows it again, the NIP as it is printed; saving unchanged logs nothing more.
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="19850505 201001 2 005"' in page and 'value="Pejabat Pembuat Komitmen"' in page
    assert client.post(f"/events/{event.id}/edit", data={**EVENT_FORM, **PPK}).status_code == 302
    assert len(_logged(event)) == 1
    # The daftar hadir page says who signs.
    lists = client.get(f"/events/{event.id}/daftar-hadir").get_data(as_text=True)
    assert 'data-source="event"' in lists and "I Made Sudarma, S.Kom." in lists


def test_a_nik_or_a_position_without_a_name_is_refused_beside_its_field(client, users):
    event = _event()
    log_in(client, users.organiser)
    nik = {**EVENT_FORM, **PPK, "official_nip": "5102010101800001", "title": "Judul baru"}
    answer = client.post(f"/events/{event.id}/edit", data=nik)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'id="official_nip-error"' in page and "Ini tampaknya NIK" in page
    nameless = {**EVENT_FORM, **PPK, "official_name": ""}
    page = client.post(f"/events/{event.id}/edit", data=nameless).get_data(as_text=True)
    assert 'id="official_name-error"' in page and "Isi nama pejabat" in page
    # Nothing saved, the event's other changes neither.
    db.session.expire_all()
    assert event.title != "Judul baru" and event.daftar_hadir_signer_name == ""
    assert _logged(event) == []


def test_clearing_the_fields_goes_back_to_the_certificates_official(client, users):
    event = _event()
    log_in(client, users.organiser)
    client.post(f"/events/{event.id}/edit", data={**EVENT_FORM, **PPK})
    cleared = {**EVENT_FORM, "official_position": "", "official_name": "", "official_nip": ""}
    assert client.post(f"/events/{event.id}/edit", data=cleared).status_code == 302
    db.session.expire_all()
    assert signer_of(event).source == SignerSource.NONE  # no certificate design either


def test_a_new_event_may_name_its_official_at_once(client, users):
    log_in(client, users.organiser)
    assert client.post("/events/new", data={**EVENT_FORM, **PPK}).status_code == 302
    event = db.session.query(Event).one()
    assert event.daftar_hadir_signer_position == "Pejabat Pembuat Komitmen"
    assert len(_logged(event)) == 1
