"""The organiser's morning after: open the summary, download the PDF, copy the news paragraph."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pypdf import PdfReader

from tests.browser.conftest import log_in_page
from tests.summaries.helpers import UNICODE_NAME, build_event
from tracker import audit
from tracker.extensions import db


def _pdf_text(path: str) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_download_the_pdf_from_the_summary_page(page, live_server, users):
    built = build_event(users.organiser, users.staff)
    log_in_page(page, live_server, users.organiser.email)
    page.goto(f"{live_server}/events/{built.event.id}")
    page.click("#summary-link")
    page.wait_for_url(f"**/events/{built.event.id}/summary")
    assert page.locator("#attendance-figures").get_attribute("data-checked-in") == "9"
    with page.expect_download() as waiting:
        page.click("#download-pdf")
    download = waiting.value
    assert download.suggested_filename.endswith(".pdf")
    text = _pdf_text(download.path())
    assert built.event.title in text
    assert "Peserta 000" in text and UNICODE_NAME in text and "Made Walk-in" in text
    assert "Peserta 011" not in text  # registered, did not come: counted, not listed
    lines = [line.strip() for line in text.splitlines()]
    figures = lines.index("13")  # the key figures: registered, in, rate, walk-ins, agencies
    assert lines[figures : figures + 5] == ["13", "9", "69%", "1", "4"]
    db.session.commit()  # end the test's read snapshot: the server wrote the entry
    (entry,) = audit.entries(event_id=built.event.id, action_prefix="export.summary_pdf")
    assert entry.actor_id == users.organiser.id and entry.details["rows"] == 9


def test_the_csv_streams_to_the_browser(page, live_server, users):
    built = build_event(users.organiser, users.staff)
    log_in_page(page, live_server, users.organiser.email)
    page.goto(f"{live_server}/events/{built.event.id}/summary")
    with page.expect_download() as waiting:
        page.click("#download-csv-semicolon")
    data = Path(waiting.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == built.registered + 1
    came = rows[1][5]  # the first by name came ("Ya" on an Indonesian page)
    assert sum(row[5] == came for row in rows[1:]) == built.checked_in


def test_copy_the_edited_paragraph(new_page, live_server, users):
    built = build_event(users.organiser, users.staff)
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    log_in_page(page, live_server, users.organiser.email)
    page.goto(f"{live_server}/events/{built.event.id}/summary")
    area = page.locator("#narrative-id")
    assert area.input_value().startswith("Dinas Komunikasi dan Informatika (Diskominfo)")
    area.fill(area.input_value() + " Kegiatan ditutup pukul 15.00 WITA.")
    page.click("button[data-copy-target=narrative-id]")
    page.locator(".copy-status").first.wait_for(state="visible")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith("Kegiatan ditutup pukul 15.00 WITA.")
    assert copied.startswith("Dinas Komunikasi dan Informatika (Diskominfo)")
