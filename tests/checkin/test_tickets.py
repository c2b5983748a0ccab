"""Tickets as files and pages: QR codes that decode, PDFs with the names, safe CSV, re-issue."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import log_in
from tests.factories import dispose, open_event
from tracker.audit import AuditEntry
from tracker.checkin import tickets
from tracker.events.registration import ParticipantInput
from tracker.exports import csv_bytes, safe_cell
from tracker.extensions import db
from tracker.pdf_fonts import drawable, fonts

URL = "https://tracker.example/t/Zx8Qv0sS1d2F3g4H5j6K7l"


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_png_qr_decodes_to_the_ticket_url():
    image = Image.open(io.BytesIO(tickets.qr_png(URL)))
    assert image.format == "PNG"
    assert decode(image) == [URL]


def test_svg_qr_decodes_to_the_ticket_url():
    svg = tickets.qr_svg(URL).decode()
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    image = Image.new("L", (size, size), 255)
    # The path is one square per dark module: "M4,4H5V5H4z".
    for x, y in re.findall(r"M(\d+),(\d+)H", svg):
        image.putpixel((int(x), int(y)), 0)
    assert decode(image.resize((size * 8, size * 8), Image.NEAREST)) == [URL]


def test_data_uri_is_the_png():
    uri = tickets.qr_data_uri(URL)
    assert uri.startswith("data:image/png;base64,")


def _pdf_text(data: bytes) -> str:
    """The PDF's text with every run of white space as one space (a long name may wrap)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _pdf_qr_codes(data: bytes, tmp_path) -> list[str]:
    """Print the PDF to PNG (poppler's pdftoppm) and read every QR code on the first page."""
    if not shutil.which("pdftoppm"):
        if os.environ.get("CI"):
            pytest.fail("pdftoppm (poppler-utils) is missing")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = tmp_path / "file.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    (page,) = tmp_path.glob("p*.png")
    with Image.open(page) as image:
        return sorted(decode(image))


def test_ticket_sheet_has_every_name_and_readable_codes(tmp_path):
    cards = [
        tickets.TicketCard(f"Peserta Nomor {i:02d}", "Dinas Kesehatan", "Peserta", f"{URL}{i}")
        for i in range(9)
    ]
    text = tickets.SheetText("Pelatihan Pengelolaan Media Sosial", "Selasa, 22 Juli 2025")
    data = tickets.ticket_sheet_pdf(text, cards)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2  # eight to a page
    content = _pdf_text(data)
    for i in range(9):
        assert f"Peserta Nomor {i:02d}" in content
    assert _pdf_qr_codes(data, tmp_path) == sorted(f"{URL}{i}" for i in range(8))


def test_badges_never_cut_the_date_and_print_emoji_names_cleanly(tmp_path):
    """A long date line wraps instead of ending in "09.00 WIT…" (Papua's time); a name with
    emoji or letters the sheet's font lacks prints without black boxes; a long name shrinks
    rather than being cut."""
    when = "Selasa, 22 Juli 2025 09.00 WITA s.d. Kamis, 24 Juli 2025 16.00 WITA"
    long_name = "I Gusti Ngurah Bagus Wiranata Kusuma, S.Kom., M.I.Kom., Pranata Humas Ahli Muda"
    cards = [
        tickets.TicketCard("Ni Luh Ayu 🌺 Śrī Dewi 😀", "Dinas Kesehatan", "Peserta", URL),
        tickets.TicketCard(long_name, "Dinas Kominfo", "Narasumber", URL + "2"),
    ]
    data = tickets.ticket_sheet_pdf(tickets.SheetText("Pelatihan", when), cards)
    content = " ".join(_pdf_text(data).split())
    assert content.count("Kamis, 24 Juli 2025 16.00 WITA") == 2 and "…" not in content
    # As written with DejaVu (Debian's fonts-dejavu-core); "Sri" with a Latin-1 fallback font.
    assert drawable("Ni Luh Ayu Śrī Dewi", fonts().bold) in content and "■" not in content
    assert "🌺" not in content  # no font here draws it: left out, not a black box
    assert "Pranata Humas Ahli Muda" in content
    assert drawable("Ni 🌺 Luh\u200d Ayu Śrī", "Helvetica") == "Ni Luh Ayu Sri"  # core font


def test_door_poster_pdf(tmp_path):
    text = tickets.PosterText(
        organiser="Diskominfo Kabupaten Tabanan",
        title="Pelatihan Pengelolaan Media Sosial",
        when="Selasa, 22 Juli 2025 09.00 WITA",
        where="Ruang Rapat",
        call_to_action="Scan to check in",
        steps=["1. Camera"],
        valid="Only during check-in",
        reminder="Bring a tumbler",
    )
    data = tickets.door_poster_pdf(text, "https://tracker.example/door/abc")
    content = _pdf_text(data)
    assert "Pelatihan Pengelolaan Media Sosial" in content
    assert "Bring a tumbler" in content
    assert _pdf_qr_codes(data, tmp_path) == ["https://tracker.example/door/abc"]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62812", "'+62812"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("I Wayan", "I Wayan"),
        ("", ""),
        (42, 42),
        (None, None),
    ],
)
def test_safe_cell(value, safe):
    assert safe_cell(value) == safe


def test_csv_bytes_has_a_bom_and_neutralises_every_cell():
    data = csv_bytes(["name", "=x"], [["=1+1", None]], delimiter=";")
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["name;'=x", "'=1+1;"]


def _links_csv(links):
    text = tickets.InvitationText(
        "Pelatihan Medsos", "Selasa, 22 Juli 2025 09.00 WITA", "Ruang Rapat", "Diskominfo"
    )
    rows = list(
        csv.DictReader(io.StringIO(tickets.ticket_links_csv(links, text).decode("utf-8-sig")))
    )
    return rows


def test_ticket_links_csv_neutralises_formulas():
    rows = _links_csv(
        [
            tickets.TicketLink('=HYPERLINK("http://evil")', "@cmd", "+6281234567890", None, URL),
            tickets.TicketLink("I Wayan", "-Dinas", None, "wayan@x.go.id", URL),
        ]
    )
    evil, wayan = rows
    assert evil["name"] == '\'=HYPERLINK("http://evil")'
    assert evil["agency"] == "'@cmd"
    assert evil["phone"] == "6281234567890"  # digits only: what wa.me wants, and never a formula
    assert evil["whatsapp_link"].startswith("https://wa.me/6281234567890?text=")
    assert wayan["agency"] == "'-Dinas"
    assert wayan["phone"] == "" and wayan["whatsapp_link"] == ""
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))


def test_whatsapp_message_is_indonesian_with_the_tumbler_reminder():
    (row,) = _links_csv([tickets.TicketLink("Ni Luh Ariani", "Dispar", "+6281", None, URL)])
    message = row["whatsapp_message"]
    assert message.startswith("Yth. Ni Luh Ariani,")
    assert URL in message
    assert "tumbler" in message and "Pergub Bali No. 97 Tahun 2018" in message


# --- pages and downloads ------------------------------------------------------------------------


def _is_ticket_url(decoded: list[str], code: str) -> bool:
    """One code, an absolute URL of this site ending in /t/<code>."""
    return len(decoded) == 1 and re.fullmatch(rf"http://[\w.]+/t/{re.escape(code)}", decoded[0])


@pytest.fixture
def tabanan(app, users):
    start = datetime(2030, 7, 23, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))  # a Tuesday
    return open_event(starts_at=start, now=start)


def test_ticket_page_shows_the_person_event_time_and_qr(tabanan, client):
    event, (wayan, *_rest) = tabanan
    response = client.get(f"/t/{wayan.ticket_code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "I Wayan Sudarsana" in page and event.title in page
    assert "Selasa, 23 Juli 2030 09.00 WITA" in page  # the event's zone, in Indonesian
    assert "Ruang Rapat" in page and "Diskominfo Kabupaten Tabanan" in page
    (src,) = re.findall(r'<img class="ticket-qr" src="([^"]+)"', page)
    assert src.startswith("data:image/png;base64,")  # shown without another request
    assert not re.search(r'(src|href)="https?://', page)  # nothing from outside
    assert "private" in response.headers["Cache-Control"]
    image = Image.open(io.BytesIO(__import__("base64").b64decode(src.split(",", 1)[1])))
    assert _is_ticket_url(decode(image), wayan.ticket_code)


def test_ticket_qr_routes_decode(tabanan, client):
    _event, (wayan, *_rest) = tabanan
    png = client.get(f"/t/{wayan.ticket_code}/qr.png")
    assert png.mimetype == "image/png"
    assert _is_ticket_url(decode(Image.open(io.BytesIO(png.data))), wayan.ticket_code)
    svg = client.get(f"/t/{wayan.ticket_code}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_base_url_is_used_in_the_qr(make_app, app, users, request):
    start = datetime(2030, 7, 23, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    _event, (wayan, *_rest) = open_event(starts_at=start, now=start)
    behind_proxy = make_app(BASE_URL="https://hadir.tabanankab.go.id")
    request.addfinalizer(lambda: dispose(behind_proxy))
    png = behind_proxy.test_client().get(f"/t/{wayan.ticket_code}/qr.png")
    assert decode(Image.open(io.BytesIO(png.data))) == [
        f"https://hadir.tabanankab.go.id/t/{wayan.ticket_code}"
    ]


def test_unknown_ticket_is_404(app, client):
    assert client.get("/t/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert client.get("/t/not%20a%20code").status_code == 404


def test_ticket_sheet_download_all_or_selected(tabanan, client, users):
    event, (wayan, luh, made) = tabanan
    log_in(client, users.organiser)
    everyone = client.get(f"/events/{event.id}/tickets.pdf")
    assert everyone.mimetype == "application/pdf"
    text = _pdf_text(everyone.data)
    assert all(p.name in text for p in (wayan, luh, made))
    assert "SPEAKER" in text or "NARASUMBER" in text  # the category label is printed
    chosen = client.get(f"/events/{event.id}/tickets.pdf?ids={luh.id},{made.id}")
    text = _pdf_text(chosen.data)
    assert "Ni Luh Ariani" in text and "I Made Widiantara" in text
    assert "I Wayan Sudarsana" not in text
    by_search = _pdf_text(client.get(f"/events/{event.id}/tickets.pdf?q=pariwisata").data)
    assert "Ni Luh Ariani" in by_search and "I Wayan" not in by_search
    exports = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "export.tickets_pdf")
    ).all()
    assert [e.details["count"] for e in exports] == [3, 2, 1]
    assert all(e.actor_id == users.organiser.id for e in exports)


def test_ticket_links_download(tabanan, client, users):
    event, people = tabanan
    log_in(client, users.organiser)
    response = client.get(f"/events/{event.id}/ticket-links.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert sorted(r["ticket_url"].split("/t/")[1] for r in rows) == sorted(
        p.ticket_code for p in people
    )
    assert all(r["ticket_url"].startswith("http") for r in rows)  # absolute, for a message
    assert {r["phone"] for r in rows} == {"6281230004000", "6281230014001", "6281230024002"}
    semicolons = client.get(f"/events/{event.id}/ticket-links.csv?sep=semicolon")
    assert semicolons.data.decode("utf-8-sig").startswith("name;agency;phone")
    assert (
        db.session.scalar(
            select(AuditEntry.details).where(AuditEntry.action == "export.ticket_links_csv")
        )["count"]
        == 3
    )


def test_csv_export_of_a_hostile_name_is_inert(app, users, client):
    start = datetime(2030, 7, 23, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    event, _people = open_event(
        starts_at=start,
        now=start,
        people=[ParticipantInput(name="=cmd|' /C calc'!A0", agency="+Dinas", email="a@b.id")],
    )
    log_in(client, users.organiser)
    text = client.get(f"/events/{event.id}/ticket-links.csv").data.decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["name"] == "'=cmd|' /C calc'!A0" and row["agency"] == "'+Dinas"


def test_staff_cannot_download_personal_data(tabanan, client, users):
    event, _people = tabanan
    log_in(client, users.staff)
    for path in ("tickets.pdf", "ticket-links.csv", "door/poster.pdf"):
        assert client.get(f"/events/{event.id}/{path}").status_code == 403
    assert client.get(f"/events/{event.id}/board").status_code == 200


def test_reissue_invalidates_the_old_ticket(tabanan, client, users, api):
    event, (wayan, *_rest) = tabanan
    old = wayan.ticket_code
    log_in(client, users.organiser)
    response = client.post(f"/events/{event.id}/participants/{wayan.id}/reissue")
    assert response.status_code == 302
    db.session.refresh(wayan)
    assert wayan.ticket_code != old
    assert client.get(f"/t/{old}").status_code == 404
    assert client.get(f"/t/{wayan.ticket_code}").status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "ticket.reissue"))
    assert entry.subject_id == wayan.id and entry.actor_id == users.organiser.id
    assert old not in str(entry.details)  # the log never holds a usable code
    # The participants list offers the button.
    page = client.get(f"/events/{event.id}/participants").get_data(as_text=True)
    assert f"/participants/{wayan.id}/reissue" in page


def test_staff_cannot_reissue(tabanan, client, users):
    event, (wayan, *_rest) = tabanan
    log_in(client, users.staff)
    assert client.post(f"/events/{event.id}/participants/{wayan.id}/reissue").status_code == 403
