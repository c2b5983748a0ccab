"""The summary page, its downloads and the report page, through the test client."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.summaries.helpers import FORMULA_NAME, UNICODE_NAME, bare_event
from tracker import audit
from tracker.extensions import db
from tracker.summaries.downloads import summary_file


def _attr(html: str, element_id: str, name: str) -> str:
    tag = re.search(rf'<[^>]*id="{element_id}"[^>]*>', html, re.S).group(0)
    return re.search(rf'{name}="([^"]*)"', tag).group(1)


def test_the_summary_page_shows_the_figures_and_both_paragraphs(built, as_role):
    page = as_role("organiser").get(f"/events/{built.event.id}/summary")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _attr(html, "attendance-figures", "data-registered") == "13"
    assert _attr(html, "attendance-figures", "data-checked-in") == "9"
    assert _attr(html, "attendance-figures", "data-tumbler-yes") == "5"
    assert _attr(html, "sustainability-figures", "data-compliance") == "86"
    assert 'id="chart-arrivals"' in html
    assert re.search(r'<textarea id="narrative-id"[^>]*>Dinas Komunikasi dan Informatika', html)
    assert re.search(r'<textarea id="narrative-en"[^>]*>Diskominfo Kabupaten Tabanan held', html)
    assert "js/summary.js" in html
    assert "<script>" not in html and " style=" not in html  # the CSP allows neither


def test_an_empty_event_has_a_summary_too(app, users, as_role):
    event = bare_event(users.organiser)
    page = as_role("organiser").get(f"/events/{event.id}/summary")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _attr(html, "attendance-figures", "data-registered") == "0"
    assert 'id="chart-arrivals"' not in html


def test_staff_may_not_see_the_summary(built, as_role):
    assert as_role("staff").get(f"/events/{built.event.id}/summary").status_code == 403
    assert as_role("staff").get(f"/events/{built.event.id}/summary.csv").status_code == 403


def test_the_event_page_links_to_the_summary_for_organisers(built, as_role):
    link = f'href="/events/{built.event.id}/summary"'
    assert link in as_role("organiser").get(f"/events/{built.event.id}").get_data(as_text=True)
    assert link not in as_role("staff").get(f"/events/{built.event.id}").get_data(as_text=True)


def test_each_download_is_logged_with_who_and_how_many(built, as_role, users):
    client = as_role("organiser")
    for fmt, rows, mimetype in (
        ("pdf", 9, "application/pdf"),
        ("xlsx", 13, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", 13, "text/csv"),
    ):
        answer = client.get(f"/events/{built.event.id}/summary.{fmt}", buffered=True)
        assert answer.status_code == 200 and answer.mimetype == mimetype
        assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
        assert answer.headers["Cache-Control"] == "no-store"
        assert len(answer.data) > 100
        (entry,) = audit.entries(event_id=built.event.id, action_prefix=f"export.summary_{fmt}")
        assert entry.actor_id == users.organiser.id
        assert entry.details == {"format": fmt, "rows": rows}


def test_the_csv_is_a_stream(app, built, users):
    with app.test_request_context(f"/events/{built.event.id}/summary.csv"):
        answer = summary_file(built.event, "csv", users.organiser)
        assert answer.is_streamed
        db.session.remove()  # as after a real request: the rows are read in a new session
        data = b"".join(answer.response)
    assert data.decode("utf-8-sig").count("\r\n") == built.registered + 1


def test_the_csv_has_safe_cells_and_takes_semicolons(built, as_role):
    # buffered: the test client's isolated context must read the whole stream itself.
    url = f"/events/{built.event.id}/summary.csv?sep=semicolon"
    answer = as_role("organiser").get(url, buffered=True)
    rows = list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig")), delimiter=";"))
    names = [r[1] for r in rows[1:]]
    assert "'" + FORMULA_NAME in names and FORMULA_NAME not in names
    assert UNICODE_NAME in names and len(rows) == 14


def test_an_unknown_separator_is_refused(built, as_role):
    answer = as_role("organiser").get(f"/events/{built.event.id}/summary.csv?sep=tab")
    assert answer.status_code == 422
    assert not audit.entries(event_id=built.event.id, action_prefix="export.")


def test_xlsx_names_read_as_written_and_never_run(built, as_role):
    """The CSV's apostrophe is for CSV only: in XLSX a string cell is never a formula."""
    answer = as_role("organiser").get(f"/events/{built.event.id}/summary.xlsx")
    book = load_workbook(io.BytesIO(answer.data))
    cells = [row[1] for row in book.worksheets[1].iter_rows(min_row=2)]
    names = [cell.value for cell in cells]
    assert FORMULA_NAME in names and "'" + FORMULA_NAME not in names
    assert {cell.data_type for cell in cells} == {"s"}


def test_the_csv_names_its_charset_once(built, as_role):
    answer = as_role("organiser").get(f"/events/{built.event.id}/summary.csv", buffered=True)
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_the_report_page_draws_its_charts(built, as_role):
    page = as_role("organiser").get("/reports?unit=Diskominfo+Kabupaten+Tabanan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _attr(html, "report-totals", "data-events") == "1"
    assert _attr(html, "report-totals", "data-checked-in") == "9"
    assert 'id="chart-attendance"' in html and 'id="chart-tumbler"' in html
    assert f'data-event-id="{built.event.id}"' in html


def test_the_report_page_names_a_bad_date(app, users, as_role):
    page = as_role("organiser").get("/reports?from=2026-02-30")
    assert page.status_code == 422
    assert 'id="from-error"' in page.get_data(as_text=True)


def test_report_downloads(built, as_role):
    client = as_role("organiser")
    for fmt in ("pdf", "xlsx", "csv"):
        answer = client.get(f"/reports.{fmt}?unit=Diskominfo+Kabupaten+Tabanan", buffered=True)
        assert answer.status_code == 200 and answer.headers["Content-Disposition"]
    assert client.get("/reports.csv?to=nope").status_code == 422
    assert as_role("staff").get("/reports").status_code == 403


def _answer_yes(built) -> None:
    """The first yes / no item answered "yes" (stored as the English key)."""
    item = next(i for i in built.checklist.items if i.template_item.answer_type == "yes_no")
    item.value = "yes"
    db.session.commit()


def test_indonesian_files_carry_no_english_words(built, as_role):
    """A yes / no answer reads "Ya", and a check-in at the door page has no gate word ("door"):
    the method says where it was made."""
    _answer_yes(built)
    client = as_role("organiser")
    book = load_workbook(io.BytesIO(client.get(f"/events/{built.event.id}/summary.xlsx").data))
    values = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row}
    assert "Ya" in values and not values & {"yes", "no", "Yes", "No", "door"}
    pdf = client.get(f"/events/{built.event.id}/summary.pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert not re.search(r"\b(yes|door)\b", text, re.I)
    page = client.get(f"/events/{built.event.id}/summary").get_data(as_text=True)
    assert not re.search(r">\s*(yes|no)\s*<", page)


def test_the_summary_page_links_its_json(built, as_role):
    page = as_role("organiser").get(f"/events/{built.event.id}/summary").get_data(as_text=True)
    assert f'href="/api/v1/events/{built.event.id}/summary"' in page
    answer = as_role("organiser").get(f"/api/v1/events/{built.event.id}/summary")
    assert answer.status_code == 200 and answer.get_json()["attendance"]
