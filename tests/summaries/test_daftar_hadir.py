"""The daftar hadir: one list per day and per role, as PDF and XLSX, read back as a finance
office would read them (pdftotext, pypdf, openpyxl)."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.certificates.helpers import SIGNER, design
from tests.clock import WEDNESDAY_NINE, wita
from tests.factories import make_event, register
from tracker import audit
from tracker.checkin import services
from tracker.events.models import Participant
from tracker.events.registration import ParticipantInput
from tracker.extensions import db

TUESDAY_EIGHT = wita(2026, 7, 21, 8)
NIP = "198001012005011001"

PEOPLE = [
    ParticipantInput(
        name="I Wayan Sudarsana",
        agency="Dinas Kesehatan Kabupaten Tabanan",
        position="Pranata Humas Ahli Muda",
        nip="19800101 200501 1 001",
        phone="0812-3000-4000",
    ),
    ParticipantInput(
        name="Ni Luh Ariani", agency="Dinas Pariwisata", category="speaker", phone="0812-3001-4001"
    ),
    ParticipantInput(name="I Made Widiantara", agency="Bappeda", phone="0812-3002-4002"),
]


def _scan(event, person, at, kind=services.ScanKind.ENTRY):
    scan = services.ScanInput(code=person.ticket_code, gate="A", kind=kind)
    scan.scanned_at = at
    services.check_in(event, scan, None, at)
    db.session.commit()


@pytest.fixture
def bimtek(app, users):
    """A three-day Bimtek (Tuesday to Thursday, 08:00-16:00 WITA); Wayan came on Wednesday
    at 09:00, Ni Luh (a speaker) on Tuesday at 08:30; Made never came."""
    event = make_event(title="Bimtek Pengelolaan Media Sosial", starts_at=TUESDAY_EIGHT, hours=56)
    wayan, luh, made = register(event, PEOPLE)
    _scan(event, luh, TUESDAY_EIGHT + timedelta(minutes=30))
    _scan(event, wayan, WEDNESDAY_NINE)
    return event


def _near(text: str, name: str) -> str:
    """The lines around a name: a row's cells wrap and are centred in its height."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if name in line)
    return "\n".join(lines[at - 2 : at + 3])


def _text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_the_pdf_of_day_two_lists_the_participants_with_the_letterhead_and_the_official(
    bimtek, as_role
):
    design(bimtek)
    answer = as_role("organiser").get(f"/events/{bimtek.id}/daftar-hadir/2/participant.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = _text(answer.data)
    assert "DISKOMINFO KABUPATEN TABANAN" in text  # the kop: the organising unit, until offices
    assert "DAFTAR HADIR PESERTA" in text
    assert "Bimtek Pengelolaan Media Sosial" in text
    assert "Rabu, 22 Juli 2026 (hari ke-2 dari 3)" in text
    assert "Ruang Rapat, Kantor Diskominfo Tabanan" in text
    for heading in ("No", "Nama", "NIP", "Jabatan", "Instansi", "Jam", "datang", "pulang"):
        assert heading in text
    assert "Tanda tangan" in text
    wayan = _near(text, "I Wayan Sudarsana")
    assert "19800101 200501 1 001" in wayan and "09:00" in wayan
    assert "Pranata" in wayan and "Muda" in wayan
    made = _near(text, "I Made Widiantara")
    assert ":" not in made  # did not come: no time
    assert "Ni Luh Ariani" not in text  # a speaker: on the speakers' list
    assert "Mengetahui," in text
    assert SIGNER["signer_position"][:30] in text
    assert SIGNER["signer_name"] in text
    assert "NIP. 19750101 200003 1 001" in text
    assert "Hadir: 1 dari 2" in text
    assert "Tabanan, 22 Juli 2026" in text


def test_each_day_has_its_own_list(bimtek, as_role):
    client = as_role("organiser")
    day1 = _text(client.get(f"/events/{bimtek.id}/daftar-hadir/1/speaker.pdf").data)
    assert "DAFTAR HADIR NARASUMBER" in day1 and "Selasa, 21 Juli 2026" in day1
    assert "08:30" in _near(day1, "Ni Luh Ariani")
    day3 = _text(client.get(f"/events/{bimtek.id}/daftar-hadir/3/speaker.pdf").data)
    assert "08:30" not in day3 and "Ni Luh Ariani" in day3
    press = _text(client.get(f"/events/{bimtek.id}/daftar-hadir/1/press.pdf").data)
    assert "DAFTAR HADIR MEDIA" in press and "Hadir: 0 dari 0" in press


def test_without_an_official_the_closing_block_leaves_lines_to_fill_in(bimtek, as_role):
    text = _text(
        as_role("organiser").get(f"/events/{bimtek.id}/daftar-hadir/2/participant.pdf").data
    )
    assert "Mengetahui," in text and "NIP. ....." in text and "(....." in text


def test_the_xlsx_holds_the_same_list(bimtek, as_role):
    design(bimtek)
    answer = as_role("organiser").get(f"/events/{bimtek.id}/daftar-hadir/2/participant.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "DISKOMINFO KABUPATEN TABANAN"
    assert ["DAFTAR HADIR PESERTA"] == [c for c in rows[1] if c]
    header = next(i for i, row in enumerate(rows) if row[0] == "No")
    assert rows[header][:8] == (
        "No",
        "Nama",
        "NIP",
        "Jabatan",
        "Instansi",
        "Jam datang",
        "Jam pulang",
        "Tanda tangan",
    )
    assert rows[header + 1][1] == "I Made Widiantara" and rows[header + 1][5] is None
    wayan = rows[header + 2]
    assert wayan[:5] == (
        2,
        "I Wayan Sudarsana",
        NIP,
        "Pranata Humas Ahli Muda",
        "Dinas Kesehatan Kabupaten Tabanan",
    )
    assert wayan[5].strftime("%H:%M") == "09:00" and wayan[6] is None
    closing = [c for row in rows[header + 3 :] for c in row if c]
    assert "Mengetahui," in closing and SIGNER["signer_name"] in closing
    assert "NIP. 19750101 200003 1 001" in closing


def test_a_download_is_logged_as_an_export_of_personal_data(bimtek, as_role, users):
    client = as_role("organiser")
    for fmt in ("pdf", "xlsx"):
        answer = client.get(f"/events/{bimtek.id}/daftar-hadir/2/participant.{fmt}")
        assert answer.headers["Cache-Control"] == "no-store"
        (entry,) = audit.entries(event_id=bimtek.id, action_prefix=f"export.daftar_hadir_{fmt}")
        assert entry.actor_id == users.organiser.id
        assert entry.details == {"format": fmt, "day": 2, "role": "participant", "rows": 2}


@pytest.mark.parametrize(
    "path", ["0/participant.pdf", "4/participant.pdf", "1/peserta.pdf", "1/participant.doc"]
)
def test_a_day_or_role_the_event_does_not_have_is_not_found(bimtek, as_role, path):
    answer = as_role("organiser").get(f"/events/{bimtek.id}/daftar-hadir/{path}")
    assert answer.status_code == 404
    assert not audit.entries(event_id=bimtek.id, action_prefix="export.daftar_hadir")


def test_only_organisers_download_the_lists(bimtek, as_role):
    assert as_role("staff").get(f"/events/{bimtek.id}/daftar-hadir").status_code == 403
    path = f"/events/{bimtek.id}/daftar-hadir/1/participant.pdf"
    assert as_role("staff").get(path).status_code == 403


def test_the_page_offers_each_day_and_role(bimtek, as_role):
    html = as_role("organiser").get(f"/events/{bimtek.id}/daftar-hadir").get_data(as_text=True)
    for day in (1, 2, 3):
        assert f"/events/{bimtek.id}/daftar-hadir/{day}/participant.pdf" in html
        assert f"/events/{bimtek.id}/daftar-hadir/{day}/speaker.xlsx" in html
    assert "daftar-hadir/1/press.pdf" not in html  # nobody registered as press
    assert "Kamis, 23 Juli 2026" in html
    event_page = as_role("organiser").get(f"/events/{bimtek.id}").get_data(as_text=True)
    assert f'href="/events/{bimtek.id}/daftar-hadir"' in event_page


def test_the_pdf_is_one_page_per_forty_people_or_so(app, users, as_role):
    event = make_event(starts_at=TUESDAY_EIGHT, hours=8)
    register(event, [ParticipantInput(name=f"Peserta {i:03d}", agency="Dinas") for i in range(60)])
    pdf = as_role("organiser").get(f"/events/{event.id}/daftar-hadir/1/participant.pdf").data
    reader = PdfReader(io.BytesIO(pdf))
    assert 2 <= len(reader.pages) <= 4
    text = _text(pdf)
    assert "Peserta 059" in text and text.count("Tanda tangan") == len(reader.pages)


def test_a_name_that_looks_like_a_formula_stays_text(app, users, as_role):
    event = make_event(starts_at=TUESDAY_EIGHT, hours=8)
    register(event, [ParticipantInput(name='=HYPERLINK("http://x","klik")', agency="@Dinas")])
    data = as_role("organiser").get(f"/events/{event.id}/daftar-hadir/1/participant.xlsx").data
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert [(c.value, c.data_type) for c in cells] == [('=HYPERLINK("http://x","klik")', "s")]


def test_the_letterhead_is_the_office_with_its_address_and_logo(bimtek, as_role):
    from PIL import Image

    from tracker.storage import get_storage

    logo = io.BytesIO()
    Image.new("RGB", (120, 120), (200, 30, 30)).save(logo, "PNG")
    bimtek.office.address = "Jl. Pahlawan No. 19, Tabanan, Bali 82114"
    bimtek.office.logo = get_storage().save(logo.getvalue(), "image/png")
    db.session.commit()
    pdf = as_role("organiser").get(f"/events/{bimtek.id}/daftar-hadir/2/participant.pdf").data
    assert bimtek.office.name.upper() in _text(pdf)
    assert "Jl. Pahlawan No. 19, Tabanan, Bali 82114" in _text(pdf)
    (image,) = PdfReader(io.BytesIO(pdf)).pages[0].images
    assert image.image.size == (120, 120)


def test_jam_pulang_is_the_days_last_exit(bimtek, as_role):
    wayan = db.session.query(Participant).filter_by(name="I Wayan Sudarsana").one()
    _scan(bimtek, wayan, WEDNESDAY_NINE + timedelta(hours=6, minutes=30), services.ScanKind.EXIT)
    client = as_role("organiser")
    text = _text(client.get(f"/events/{bimtek.id}/daftar-hadir/2/participant.pdf").data)
    row = _near(text, "I Wayan Sudarsana")
    assert "09:00" in row and "15:30" in row
    data = client.get(f"/events/{bimtek.id}/daftar-hadir/2/participant.xlsx").data
    sheet = load_workbook(io.BytesIO(data)).active
    (line,) = [r for r in sheet.iter_rows(values_only=True) if r[1] == "I Wayan Sudarsana"]
    assert (line[5].strftime("%H:%M"), line[6].strftime("%H:%M")) == ("09:00", "15:30")


def test_a_long_xlsx_list_never_rescans_the_sheet(app, users, as_role, monkeypatch):
    """openpyxl's max_row looks at every cell: asked after each row, a list of 20,000 people
    never finished. The list is written row by row without it, all rows in their place."""
    from openpyxl.worksheet.worksheet import Worksheet

    def scans_every_cell(self):  # noqa: ANN001, ANN202
        raise AssertionError("max_row scans every cell of the sheet")

    event = make_event(starts_at=TUESDAY_EIGHT, hours=8)
    register(event, [ParticipantInput(name=f"Peserta {i:03d}", agency="Dinas") for i in range(300)])
    monkeypatch.setattr(Worksheet, "max_row", property(scans_every_cell))
    data = as_role("organiser").get(f"/events/{event.id}/daftar-hadir/1/participant.xlsx").data
    monkeypatch.undo()
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "No")
    listed = rows[header + 1 : header + 301]
    assert [row[0] for row in listed] == list(range(1, 301))
    assert listed[-1][1] == "Peserta 299"
