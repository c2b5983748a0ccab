"""The renderers are pure: a Summary (built by hand here, no database, no app) in, bytes out."""

from __future__ import annotations

import ast
import csv
import dataclasses
import io
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate

from tests.summaries.fake import START, fake_rows, fake_summary
from tracker import charts, pdf_fonts
from tracker.checkin.presence import Presence
from tracker.summaries.csv import CHUNK_ROWS, attendance_csv
from tracker.summaries.data import Labels, PresenceColumns, SessionHead
from tracker.summaries.pdf import layout
from tracker.summaries.pdf.summary import CHUNK, summary_pdf
from tracker.summaries.xlsx import summary_xlsx

ENGLISH = Labels("en", {})
PURE = [
    "tracker.times",
    "tracker.events.days",
    "tracker.summaries.data",
    "tracker.summaries.numbers",
    "tracker.summaries.columns",
    "tracker.summaries.narrative",
    "tracker.charts",
    "tracker.pdf_fonts",
    "tracker.summaries.pdf.layout",
    "tracker.summaries.pdf.summary",
    "tracker.summaries.pdf.report",
    "tracker.summaries.pdf.daftar_hadir",
    "tracker.summaries.xlsx",
    "tracker.summaries.csv",
]
ALLOWED = {"tracker.exports", "tracker.contact"} | set(PURE)
ROOT = Path(__file__).parents[2]


def _imports(module: str) -> set[str]:
    path = ROOT / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not _type_only(tree, node):
            # from tracker.summaries import numbers: a module of a package
            package = (ROOT / node.module.replace(".", "/") / "__init__.py").is_file()
            names |= {f"{node.module}.{a.name}" if package else node.module for a in node.names}
    return names


def _type_only(tree: ast.Module, node: ast.ImportFrom) -> bool:
    for block in ast.walk(tree):
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test):
            if any(child is node for child in ast.walk(block)):
                return True
    return False


@pytest.mark.parametrize("module", PURE)
def test_renderers_import_neither_flask_nor_the_database(module):
    imported = _imports(module)
    assert not {n for n in imported if n.split(".")[0].startswith("flask")}
    assert {n for n in imported if n.startswith("tracker")} <= ALLOWED


def _csv_rows(summary, sep=",") -> list[list[str]]:
    data = b"".join(
        attendance_csv(summary.event, fake_rows(summary.attendance.registered), ENGLISH, sep)
    )
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))


def test_csv_lists_everyone_registered_with_local_check_in_times():
    rows = _csv_rows(fake_summary(10))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["No.", "Name"] and header[6] == "Check-in time (WITA)"
    assert len(body) == 10
    first = body[0]
    # 00:30 UTC is 08:30 in Bali (WITA, UTC+8).
    assert first[1] == "Peserta 00000" and first[6] == "2025-07-22 08:30"
    assert first[5] == "Yes" and first[9] == "Yes"
    absent = body[4]
    assert absent[5] == "No" and absent[6] == "" and absent[9] == ""
    assert [r[9] for r in body[:4]] == ["Yes", "Yes", "No", "Unknown"]


def test_csv_semicolon_for_indonesian_excel():
    rows = _csv_rows(fake_summary(3), sep=";")
    assert rows[1][1] == "Peserta 00000" and len(rows[0]) == 10


def test_csv_makes_every_text_cell_safe_the_words_too():
    """The words are made safe once per export and the participant's text once per row: a
    translation or a category that reads as a formula is neutralised like a name."""
    words = Labels("en", {"Yes": "=Yes", "No": "+No"}, categories={"participant": "@P"})
    hostile = dict(name="=HYPERLINK(1)", agency="-1+2", position="@SUM(A1)", gate="\tA")
    rows = [r._replace(**hostile) for r in fake_rows(5)]
    data = b"".join(attendance_csv(fake_summary(5).event, rows, words)).decode("utf-8-sig")
    body = list(csv.reader(io.StringIO(data)))[1:]
    assert body[0][1:6] == ["'=HYPERLINK(1)", "'-1+2", "'@SUM(A1)", "'@P", "'=Yes"]
    assert body[0][8:] == ["'\tA", "'=Yes"] and body[2][9] == "'+No"
    assert body[4][5] == "'+No" and body[4][9] == ""


def test_csv_streams_in_chunks():
    summary = fake_summary(CHUNK_ROWS * 2 + 5)
    chunks = list(attendance_csv(summary.event, fake_rows(CHUNK_ROWS * 2 + 5), ENGLISH))
    assert len(chunks) == 3
    assert b"".join(chunks).count(b"\r\n") == CHUNK_ROWS * 2 + 5 + 1


def _three_days() -> PresenceColumns:
    """Peserta 00000 on days 1 and 3 and in the first session (whose title reads as a
    formula); Peserta 00001 on day 2 only; nobody else."""
    days = (date(2025, 7, 22), date(2025, 7, 23), date(2025, 7, 24))
    first = Presence(1, days={d: (START + (d - days[0]), None) for d in (days[0], days[2])})
    first.sessions, first.jp = {7}, 4
    second = Presence(2, days={days[1]: (START + timedelta(days=1, minutes=5), None)})
    heads = (SessionHead(7, "=HYPERLINK(1)", days[0]), SessionHead(8, "Canva", days[1]))
    return PresenceColumns(days=days, sessions=heads, people={1: first, 2: second})


def test_csv_gives_a_column_per_day_and_session_of_a_multi_day_event():
    summary = fake_summary(3)
    words = Labels("id", {"Day %(n)d": "Hari ke-%(n)d", "Yes": "Ya", "No": "Tidak"})
    data = b"".join(attendance_csv(summary.event, fake_rows(3), words, ";", _three_days()))
    header, first, second, third = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    assert header[10:13] == [
        "Hari ke-1 (Sel, 22 Jul) (WITA)",
        "Hari ke-2 (Rab, 23 Jul) (WITA)",
        "Hari ke-3 (Kam, 24 Jul) (WITA)",
    ]
    # A session's title is the organiser's text, never at the start of its heading: inert.
    assert header[14] == "Session 1 (Sel, 22 Jul): =HYPERLINK(1)"
    assert header[13] == "Days present" and header[16:] == ["Sessions attended", "JP", "Completed"]
    # 01:00 UTC is 09:00 WITA; an absent day is an empty cell.
    assert first[10:] == ["09:00", "", "09:00", "2", "Ya", "", "1", "4", "Tidak"]
    assert second[10:14] == ["", "09:05", "", "1"]
    assert third[10:] == ["", "", "", "0", "", "", "0", "0", "Tidak"]


def test_xlsx_participants_have_the_same_day_and_session_columns_as_the_csv():
    summary, extra = fake_summary(3), _three_days()
    book = load_workbook(io.BytesIO(summary_xlsx(summary, fake_rows(3), ENGLISH, extra)))
    people = list(book["Participants"].iter_rows(values_only=True))
    data = b"".join(attendance_csv(summary.event, fake_rows(3), ENGLISH, ",", extra))
    assert list(people[0]) == next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert people[0][14] == "Session 1 (Tue, 22 Jul): =HYPERLINK(1)"
    assert people[1][10].isoformat() == "2025-07-22T09:00:00" and people[1][11] is None
    assert book["Participants"]["K2"].number_format == "hh:mm"
    assert people[1][13:] == (2, "Yes", None, 1, 4, "No")
    assert all(c.data_type != "f" for row in book["Participants"].iter_rows() for c in row)


def test_xlsx_has_the_six_sheets_and_everyone():
    summary = fake_summary(10)
    book = load_workbook(io.BytesIO(summary_xlsx(summary, fake_rows(10), ENGLISH)))
    assert book.sheetnames == [
        "Summary",
        "Participants",
        "By agency",
        "By day and session",
        "Checklists",
        "Waste",
    ]
    people = list(book["Participants"].iter_rows(values_only=True))
    assert len(people) == 11 and people[1][1] == "Peserta 00000"
    assert people[1][6].strftime("%H:%M") == "08:30"  # a real date-time, in WITA
    facts = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert facts["Registered"] == 10 and facts["Checked in"] == 8
    assert facts["Tumbler: yes"] == summary.sustainability.tumbler.yes


def test_xlsx_writes_text_as_it_is_in_string_cells_never_formulas():
    """In XLSX a string cell is never run, so the CSV's apostrophe would only show up in the
    spreadsheet as part of the name ('+62 Nyoman): text is written as it is, and what would
    read as a formula ("=...") is a string cell all the same."""
    words = Labels("en", {"Yes": "=Yes", "No": "+No"}, categories={"participant": "@P"})
    hostile = dict(name="=HYPERLINK(1)", agency="=1+2", position="+62 Nyoman")
    rows = [r._replace(**hostile) if r.number in (1, 2) else r for r in fake_rows(5)]
    summary = fake_summary(5)
    book = load_workbook(io.BytesIO(summary_xlsx(summary, rows, words)))
    sheet = book["Participants"]
    people = list(sheet.iter_rows(values_only=True))
    assert people[1][1:6] == ("=HYPERLINK(1)", "=1+2", "+62 Nyoman", "@P", "=Yes")
    assert people[2][1:4] == ("=HYPERLINK(1)", "=1+2", "+62 Nyoman")  # repeated: not cached wrong
    assert people[1][6].strftime("%Y-%m-%d %H:%M") == "2025-07-22 08:30"
    assert people[3][2] is None  # an empty agency is a blank cell
    assert people[5][5:] == ("+No", None, None, None, None)  # did not come
    for sheet_ in book.worksheets:
        assert all(cell.data_type != "f" for row in sheet_.iter_rows() for cell in row)
    assert not any(str(cell.value).startswith("'") for row in sheet.iter_rows() for cell in row)


def test_xlsx_title_that_reads_as_a_formula_is_text():
    summary = fake_summary(2)
    summary = dataclasses.replace(
        summary, event=dataclasses.replace(summary.event, title="=SUM(A1:A9)")
    )
    book = load_workbook(io.BytesIO(summary_xlsx(summary, fake_rows(2), ENGLISH)))
    title = book["Summary"]["A1"]
    assert (title.value, title.data_type) == ("=SUM(A1:A9)", "s")


def test_xlsx_and_pdf_drop_control_characters_a_name_may_carry():
    rows = [r._replace(name="I Wayan\x01 Sudarsana\x0b", agency="Dinas\x1f") for r in fake_rows(3)]
    book = load_workbook(io.BytesIO(summary_xlsx(fake_summary(3), rows, ENGLISH)))
    assert book["Participants"]["B2"].value == "I Wayan Sudarsana"
    pdf = summary_pdf(fake_summary(3), [r for r in rows if r.checked_in_at], ENGLISH)
    assert "Sudarsana" in PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()


def test_pdf_lists_only_the_people_who_came():
    summary = fake_summary(10)
    pdf = summary_pdf(summary, fake_rows(10, present_only=True), ENGLISH)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Pelatihan Pengelolaan Media Sosial" in text
    assert "Peserta 00000" in text and "Peserta 00003" in text
    assert "Peserta 00004" not in text  # absent: counted, not listed
    assert "2 registered participants did not check in" in text


def test_pdf_list_longer_than_a_table_names_everyone_once_in_order_under_a_header():
    n = 2 * CHUNK + 100  # four fifths came: three tables of the list, over several pages
    rows = list(fake_rows(n, present_only=True))
    pdf = summary_pdf(fake_summary(n), iter(rows), ENGLISH)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    listing = [page for page in pages if "Peserta " in page]
    assert len(listing) > 3
    header = ("No.", "Name", "Agency", "Position", "Check-in", "(WITA)", "Tumbler")
    assert all(all(word in page for word in header) for page in listing)
    assert re.findall(r"Peserta \d{5}", "".join(listing)) == [r.name for r in rows]


def _layout_text(pdf: bytes) -> list[str]:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode().splitlines()


def _wide(pdf: bytes) -> list[bool]:
    return [p.mediabox.width > p.mediabox.height for p in PdfReader(io.BytesIO(pdf)).pages]


def test_pdf_list_of_a_multi_day_event_gives_each_day_and_the_totals_on_landscape_pages():
    """The CSV's cells (see the CSV test above): Peserta 00000 came on days 1 and 3, earned
    4 JP and did not complete; an absent day reads "–"."""
    words = Labels("id", {"Day %(n)d": "Hari ke-%(n)d", "Yes": "Ya", "No": "Tidak"})
    pdf = summary_pdf(fake_summary(3), fake_rows(3, present_only=True), words, extra=_three_days())
    lines = _layout_text(pdf)
    assert re.search(
        r"Peserta 00000 .* 09:00\s+–\s+09:00\s+2\s+4\s+Tidak\s*$", "\n".join(lines), re.M
    )
    assert re.search(r"Peserta 00001 .* –\s+09:05\s+–\s+1\s+0\s+Tidak\s*$", "\n".join(lines), re.M)
    assert all(any(f"ke-{n}" in line for line in lines) for n in (1, 2, 3))  # "Hari ke-1"
    assert not any("days are shown" in line for line in lines)
    assert _wide(pdf)[0] is False and _wide(pdf)[-1] is True
    # One day, no presence columns: the list as it was, portrait, with the check-in time.
    one_day = summary_pdf(fake_summary(3), fake_rows(3, present_only=True), ENGLISH)
    assert not any(_wide(one_day))
    assert any("Check-in" in line for line in _layout_text(one_day))


def test_pdf_list_of_more_days_than_fit_shows_the_first_and_says_the_xlsx_has_all():
    days = tuple(date(2025, 7, 22) + timedelta(days=n) for n in range(12))
    every_day = Presence(1, days={d: (START + (d - days[0]), None) for d in days}, completed=True)
    extra = PresenceColumns(days=days, people={1: every_day})
    pdf = summary_pdf(fake_summary(1), fake_rows(1, present_only=True), ENGLISH, extra=extra)
    text = "\n".join(_layout_text(pdf))
    shown = int(re.search(r"The first (\d+) of 12 days are shown; the XLSX", text)[1])
    assert 8 <= shown < 12  # more than a two-week Diklat's working days
    assert f"Day {shown}" in text and f"Day {shown + 1}" not in text
    # Days present counts all twelve, as the CSV does; no JP column without an agenda.
    row = r"Peserta 00000 .*" + r"09:00\s+" * shown + r"12\s+Yes\s*$"
    assert re.search(row, text, re.M)
    assert "JP" not in text.split("Attendance list")[-1]


def test_later_makes_its_flowables_only_when_the_layout_reaches_them():
    made: list[int] = []
    seen_at_page: dict[int, int] = {}

    def lines():
        for i in range(400):
            made.append(i)
            yield layout.para(f"Line {i}")

    def footer(page: int) -> str:
        seen_at_page[page] = len(made)
        return f"Page {page}"

    buffer = io.BytesIO()
    doc, on_page = layout.document(buffer, "Later", footer)
    doc.build([layout.Later(lines())], onFirstPage=on_page, onLaterPages=on_page)
    text = "".join(page.extract_text() for page in PdfReader(buffer).pages)
    assert re.findall(r"Line \d+", text) == [f"Line {i}" for i in range(400)]
    assert len(made) == 400 and len(seen_at_page) > 3
    assert seen_at_page[2] < 100  # page 2 began with a page's worth made, not all 400


def test_later_outside_its_document_fails_instead_of_dropping_its_flowables():
    story = [layout.Later(iter([layout.para("lost")]))]
    with pytest.raises(TypeError, match="document"):
        SimpleDocTemplate(io.BytesIO()).build(story)


def test_pdf_of_an_event_with_nothing_yet():
    summary = fake_summary(0)
    pdf = summary_pdf(summary, iter(()), ENGLISH)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Nobody has checked in." in text


def test_pdf_wraps_long_names_instead_of_cutting_them():
    long_name = "I Gusti Ngurah Bagus Putra Wijaya Kusuma Negara Adi Pratama, S.Kom., M.Si."
    text = layout.fit(long_name, 40 * 2.835)
    assert "\n" in text and text.replace("\n", " ") == long_name


def test_pdf_falls_back_to_reportlabs_own_font(monkeypatch):
    monkeypatch.setattr(pdf_fonts, "DEJAVU_DIRS", ())
    monkeypatch.delenv("SUMMARY_PDF_FONT_DIR", raising=False)
    layout.fonts.cache_clear()
    layout.styles.cache_clear()
    try:
        assert layout.fonts().regular == "SummaryVera"
        pdf = summary_pdf(fake_summary(3), fake_rows(3, present_only=True), ENGLISH)
        assert "Peserta 00000" in PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    finally:
        layout.fonts.cache_clear()
        layout.styles.cache_clear()


def test_svg_charts_escape_their_labels():
    svg = charts.bar_chart([1, 3], ["08:00", "<script>"], "A & B", "c")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'aria-label="A &amp; B"' in svg
    assert svg.count('class="bar"') == 2
    assert charts.bar_chart([], [], "t", "c") == ""
    line = charts.line_chart([50, None, 100], ["a", "b", "c"], "t", "c")
    assert line.count('class="point"') == 2


def test_the_arrivals_bars_carry_their_times_and_counts():
    """On the board's projector the bars are read from the back of the room: each one has
    its local start time below it and its count above it."""
    start = datetime(2025, 7, 22, 0, 20, tzinfo=UTC)  # 08:20 WITA
    arrivals = [(start + timedelta(minutes=10 * i), n) for i, n in enumerate([3, 8, 12, 0, 1])]
    svg = charts.arrivals_chart(arrivals, "Asia/Makassar", "Kedatangan")
    labels = re.findall(r'rotate\([^)]*\)">([^<]*)</text>', svg)
    assert labels == ["08:20", "08:30", "08:40", "08:50", "09:00"]
    assert re.findall(r'class="bar-value"[^>]*>([^<]*)<', svg) == ["3", "8", "12", "1"]
