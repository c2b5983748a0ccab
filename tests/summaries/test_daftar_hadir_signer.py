"""The daftar hadir's own official (issue 14.3): named on the daftar hadir page or over the API,
printed in the closing block (read back with pdftotext and openpyxl); without one, the
certificate design's official; a re-entry leaves Jam pulang the day's last exit."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from tests.certificates.helpers import SIGNER, design
from tests.clock import WEDNESDAY_NINE
from tests.summaries.test_daftar_hadir import _near, _scan, _text, bimtek  # noqa: F401 - fixture
from tracker import audit
from tracker.checkin import services
from tracker.events.models import Participant
from tracker.extensions import db
from tracker.summaries.daftar_hadir import SignerSource, signer_of

PPK = {
    "position": "Pejabat Pembuat Komitmen Bidang Informasi Publik",
    "name": "Ni Kadek Sri Wahyuni, S.Kom.",
    "nip": "19850505 201001 2 005",
}


def _pdf(client, event) -> str:
    return _text(client.get(f"/events/{event.id}/daftar-hadir/2/participant.pdf").data)


def test_the_lists_own_official_signs_and_the_certificates_stays(bimtek, as_role):  # noqa: F811
    design(bimtek)  # the certificates: the Kepala Dinas
    client = as_role("organiser")
    page = client.get(f"/events/{bimtek.id}/daftar-hadir").get_data(as_text=True)
    assert 'data-source="certificate"' in page and SIGNER["signer_name"] in page

    saved = client.post(f"/events/{bimtek.id}/daftar-hadir/official", data=PPK)

    assert saved.status_code == 302
    text = _pdf(client, bimtek)
    closing = text[text.index("Mengetahui,") :]
    assert PPK["name"] in closing and "NIP. 19850505 201001 2 005" in closing
    assert "Pejabat Pembuat Komitmen" in closing
    assert SIGNER["signer_name"] not in text
    data = client.get(f"/events/{bimtek.id}/daftar-hadir/2/participant.xlsx").data
    cells = [
        c
        for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    ]
    assert PPK["name"] in cells and "NIP. 19850505 201001 2 005" in cells
    page = client.get(f"/events/{bimtek.id}/daftar-hadir").get_data(as_text=True)
    assert 'data-source="event"' in page and 'value="19850505 201001 2 005"' in page
    db.session.expire_all()
    assert signer_of(bimtek).official.nip == "198505052010012005"
    (logged,) = audit.entries(event_id=bimtek.id, action_prefix="event.daftar_hadir_signer")
    assert logged.details["name"] == PPK["name"]

    # Emptied: the certificates' official again.
    cleared = {"position": "", "name": "", "nip": ""}
    assert (
        client.post(f"/events/{bimtek.id}/daftar-hadir/official", data=cleared).status_code == 302
    )
    assert SIGNER["signer_name"] in _pdf(client, bimtek)


def test_an_organiser_without_certificates_names_the_official_here(bimtek, as_role):  # noqa: F811
    client = as_role("organiser")
    assert signer_of(bimtek).source == SignerSource.NONE
    client.post(f"/events/{bimtek.id}/daftar-hadir/official", data=PPK)
    db.session.expire_all()
    assert signer_of(bimtek).source == SignerSource.EVENT
    assert PPK["name"] in _pdf(client, bimtek)


def test_a_nik_or_a_nip_without_a_name_is_refused_and_nothing_saved(bimtek, as_role):  # noqa: F811
    client = as_role("organiser")
    nik = client.post(
        f"/events/{bimtek.id}/daftar-hadir/official", data={**PPK, "nip": "5102010101800001"}
    )
    nameless = client.post(f"/events/{bimtek.id}/daftar-hadir/official", data={**PPK, "name": ""})
    assert nik.status_code == nameless.status_code == 422
    assert "NIK" in nik.get_data(as_text=True)
    assert "nama pejabat" in nameless.get_data(as_text=True).lower()
    db.session.expire_all()
    assert bimtek.daftar_hadir_signer_name == ""
    staff = as_role("staff").post(f"/events/{bimtek.id}/daftar-hadir/official", data=PPK)
    assert staff.status_code == 403


def test_the_api_edits_the_official_with_the_event(bimtek, api):  # noqa: F811
    organiser, path = api("organiser"), f"/api/v1/events/{bimtek.id}"
    answer = organiser.patch(path, json={"daftar_hadir_official": PPK})
    bad = organiser.patch(path, json={"daftar_hadir_official": {"name": "X", "nip": "123"}})

    assert answer.status_code == 200
    assert answer.json["daftar_hadir_official"] == {**PPK, "nip": "198505052010012005"}
    assert bad.status_code == 422
    assert "daftar_hadir_official.nip" in bad.json["error"]["fields"]
    assert organiser.get(path).json["daftar_hadir_official"]["name"] == PPK["name"]
    cleared = organiser.patch(path, json={"daftar_hadir_official": None})
    assert cleared.json["daftar_hadir_official"] == {"position": "", "name": "", "nip": ""}


def test_jam_pulang_after_lunch_and_back_is_the_days_last_exit(bimtek, as_role):  # noqa: F811
    wayan = db.session.query(Participant).filter_by(name="I Wayan Sudarsana").one()
    exit_ = services.ScanKind.EXIT
    _scan(bimtek, wayan, WEDNESDAY_NINE + timedelta(hours=3), exit_)  # lunch
    _scan(bimtek, wayan, WEDNESDAY_NINE + timedelta(hours=4))  # back: masuk kembali
    _scan(bimtek, wayan, WEDNESDAY_NINE + timedelta(hours=7), exit_)  # home at 16:00
    row = _near(_pdf(as_role("organiser"), bimtek), "I Wayan Sudarsana")
    assert "09:00" in row and "16:00" in row and "12:00" not in row
