"""The summary and the report over the API: JSON, files, roles, errors, the audit log."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import WITA
from tests.summaries.helpers import build_event
from tracker import audit


@pytest.fixture
def built(app, users):
    return build_event(users.organiser, users.staff)


def test_the_summary_json_has_both_paragraphs(built, api):
    answer = api("organiser").get(f"/api/v1/events/{built.event.id}/summary")
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body["narrative"]) == {"id", "en"}
    assert body["narrative"]["id"].startswith("Dinas Komunikasi dan Informatika (Diskominfo)")
    assert body["narrative"]["en"].startswith("Diskominfo Kabupaten Tabanan held")
    assert body["event"]["id"] == built.event.id and body["event"]["timezone"] == "Asia/Makassar"
    assert body["attendance"]["checked_in"] == 9 and body["agencies_reached"] == 4
    (checklist,) = body["checklists"]
    assert checklist["score"]["percent"] == 86 and checklist["signed_off_by"]["name"]
    assert [w["stream"] for w in body["waste_entries"]] == ["organic", "inorganic", "residue"]
    assert body["generated_at"].endswith("+08:00")  # in the event's zone
    assert body["downloads"]["pdf"].endswith(f"/api/v1/events/{built.event.id}/summary.pdf")
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("fmt", "rows"), [("csv", 13), ("xlsx", 13), ("pdf", 9)])
def test_files_are_logged_as_exports_of_personal_data(built, api, users, fmt, rows):
    answer = api("organiser").get(f"/api/v1/events/{built.event.id}/summary.{fmt}", buffered=True)
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].endswith(f'.{fmt}"')
    if fmt == "csv":
        lines = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
        assert len(lines) == rows + 1
    elif fmt == "xlsx":
        assert load_workbook(io.BytesIO(answer.data)).worksheets[1].max_row == rows + 1
    else:
        assert built.event.title in PdfReader(io.BytesIO(answer.data)).pages[0].extract_text()
    (entry,) = audit.entries(event_id=built.event.id, action_prefix="export.")
    assert entry.action == f"export.summary_{fmt}"
    assert entry.actor_id == users.organiser.id
    assert entry.details == {"format": fmt, "rows": rows}


def test_the_summary_is_for_organisers(built, api):
    path = f"/api/v1/events/{built.event.id}/summary"
    assert api("staff").get(path).status_code == 403
    assert api(None).get(path).status_code == 401
    assert api("staff").get(path + ".csv").status_code == 403
    assert api("organiser").get("/api/v1/events/999999/summary").status_code == 404
    assert not audit.entries(action_prefix="export.")


def test_the_report(built, api):
    answer = api("organiser").get(
        "/api/v1/reports?unit=Diskominfo Kabupaten Tabanan&from=2000-01-01&to=2099-12-31"
    )
    assert answer.status_code == 422  # a century is over the longest range
    today = built.event.starts_at.astimezone(WITA).date().isoformat()  # dates are Bali's
    answer = api("organiser").get(f"/api/v1/reports?unit=diskominfo kabupaten tabanan&to={today}")
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert body["totals"]["events"] == 1 and body["totals"]["checked_in"] == 9
    assert body["totals"]["unique_participants"] == 9 and body["totals"]["agencies_reached"] == 4
    (event,) = body["events"]
    assert event["event_id"] == built.event.id and event["compliance"]["percent"] == 86


@pytest.mark.parametrize(
    "query", ["from=2026-02-30", "to=22-07-2026", "from=2026-05-01&to=2026-04-01"]
)
def test_bad_report_dates_are_a_422_json_error(app, api, query):
    answer = api("organiser").get(f"/api/v1/reports?{query}")
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "validation_error" and set(error["fields"]) <= {"from", "to"}
    assert error["fields"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_report_files(built, api, fmt):
    answer = api("organiser").get(f"/api/v1/reports.{fmt}", buffered=True)
    assert answer.status_code == 200 and len(answer.data) > 50
    assert api("staff").get(f"/api/v1/reports.{fmt}").status_code == 403
    assert api("organiser").get(f"/api/v1/reports.{fmt}?from=x").status_code == 422
