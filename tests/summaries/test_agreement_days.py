"""A three-day Bimtek with sessions, every format: the board, the summary page, PDF, XLSX,
CSV, the summary's JSON and the attendance API give the same figures per day and per session,
and the news paragraph states them (issue 14). The CSV and the XLSX's participant sheet give
them per person (a column per day and per session), so their counts are the non-empty cells
of each column; the PDF's attendance list gives each present person's days, days present, JP
and completion as the CSV does. Runs on both databases like the whole suite."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import date, time

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.clock import wita
from tests.conftest import log_in
from tests.factories import add_people, make_event
from tracker.checkin import services
from tracker.checkin.services import ScanInput, ScanKind
from tracker.events.agenda import SessionInput, add_session
from tracker.extensions import db

DAYS = [date(2026, 7, 21), date(2026, 7, 22), date(2026, 7, 23)]
#: Present per day (of 10 registered), scanned out per day, attended per session.
PRESENT, OUT = [9, 7, 6], [3, 0, 6]
SESSIONS = [("Strategi komunikasi", 0, 4), ("Desain Canva", 1, 3), ("Keamanan digital", 2, 2)]


@pytest.fixture
def bimtek(app):
    event = make_event(starts_at=wita(2026, 7, 21, 8), hours=24 * 2 + 8)
    people = add_people(event, 10)
    sessions = [
        add_session(
            event, SessionInput(title, DAYS[d], time(9), time(12), jp=jp), None, wita(2026, 7, 20)
        )
        for title, d, jp in SESSIONS
    ]
    db.session.commit()
    for n, day in enumerate(DAYS):
        at = wita(day.year, day.month, day.day, 8, 30)
        for person in people[: PRESENT[n]]:
            services.check_in(event, ScanInput(participant_id=person.id, gate="A"), None, at)
        leave = wita(day.year, day.month, day.day, 15)
        for person in people[: OUT[n]]:
            scan = ScanInput(participant_id=person.id, kind=ScanKind.EXIT)
            services.check_in(event, scan, None, leave)
    # Day 1's session counted at its door: 5 scanned there.
    door = wita(2026, 7, 21, 9, 5)
    for person in people[:5]:
        scan = ScanInput(participant_id=person.id, session_id=sessions[0].id)
        services.check_in(event, scan, None, door)
    db.session.commit()
    return event


ATTENDED = [5, 7, 6]  # scanned at day 1's door; days 2 and 3 by presence


def test_every_format_gives_the_same_figures_per_day_and_session(bimtek, client, users, api):
    event_id = bimtek.id
    log_in(client, users.organiser)
    with client.session_transaction() as session:
        session["lang"] = "en"
    organiser = api("organiser")

    attendance = organiser.get(f"/api/v1/events/{event_id}/attendance").get_json()
    summary = organiser.get(f"/api/v1/events/{event_id}/summary").get_json()
    for answer in (attendance, summary["attendance"]):
        assert [d["present"] for d in answer["by_day"]] == PRESENT
        assert [d["checked_out"] for d in answer["by_day"]] == OUT
        assert [s["attended"] for s in answer["by_session"]] == ATTENDED
        assert [s["scanned"] for s in answer["by_session"]] == [True, False, False]
    # Bottles: nobody was asked about a tumbler, so none are counted for any day.
    assert summary["sustainability"]["bottles_avoided"]["tumbler_days"] == 0

    for page in (f"/events/{event_id}/summary", f"/events/{event_id}/board"):
        html = client.get(page).get_data(as_text=True)
        assert [
            int(n) for n in re.findall(r'data-day="[\d-]+" data-present="(\d+)"', html)
        ] == PRESENT
        assert [
            int(n) for n in re.findall(r'data-session="\d+" data-attended="(\d+)"', html)
        ] == ATTENDED
    html = client.get(f"/events/{event_id}/summary").get_data(as_text=True)
    assert (
        "Attendance per day: 9 on the first day, 7 on the second day, and 6 on the third day."
        in html
    )
    assert (
        "The agenda had three sessions worth 9 JP." in html or "The agenda had 3 sessions" in html
    )

    book = load_workbook(
        io.BytesIO(client.get(f"/events/{event_id}/summary.xlsx", buffered=True).data)
    )
    rows = list(book["By day and session"].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:4]] == PRESENT and [r[2] for r in rows[1:4]] == OUT
    assert [r[6] for r in rows[6:9]] == ATTENDED

    pdf = client.get(f"/events/{event_id}/summary.pdf", buffered=True).data
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for day, present, out in zip(DAYS, PRESENT, OUT, strict=True):
        assert (
            f"{day.isoformat()}\n{present}\n{out}" in text
            or f"{day.isoformat()} {present} {out}" in text
        )


def _columns(rows, wanted: str) -> list[int]:
    """The indexes of the columns whose heading starts with ``wanted``, left to right."""
    return [i for i, heading in enumerate(rows[0]) if str(heading).startswith(wanted)]


def _filled(rows, columns: list[int]) -> list[int]:
    """Non-empty cells per column, under the heading."""
    return [sum(row[i] not in ("", None) for row in rows[1:]) for i in columns]


def test_the_participant_lists_per_person_add_up_to_the_figures(bimtek, client, users, api):
    """The CSV (and the XLSX's participant sheet, built by the same columns) count, per day
    column and per session column, what the API, the JSON summary and the XLSX's table count;
    the days present, sessions and JP per person add up to the same totals."""
    event_id = bimtek.id
    log_in(client, users.organiser)
    with client.session_transaction() as session:
        session["lang"] = "en"
    figures = api("organiser").get(f"/api/v1/events/{event_id}/attendance").get_json()
    present = [d["present"] for d in figures["by_day"]]
    attended = [s["attended"] for s in figures["by_session"]]
    jp = sum(s["attended"] * s["jp"] for s in figures["by_session"])
    assert (present, attended) == (PRESENT, ATTENDED)

    data = client.get(f"/events/{event_id}/summary.csv", buffered=True).data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    book = load_workbook(
        io.BytesIO(client.get(f"/events/{event_id}/summary.xlsx", buffered=True).data)
    )
    sheet = [list(r) for r in book["Participants"].iter_rows(values_only=True)]
    table = list(book["By day and session"].iter_rows(values_only=True))
    assert [r[1] for r in table[1:4]] == present and [r[6] for r in table[6:9]] == attended
    for listed in (rows, sheet):
        assert len(listed) == 1 + 10
        days, sessions = _columns(listed, "Day "), _columns(listed, "Session ")
        assert listed[0][days[0]] == "Day 1 (Tue, 21 Jul) (WITA)"
        assert _filled(listed, days) == present
        assert _filled(listed, sessions) == attended
        totals = {h: i for i, h in enumerate(listed[0])}
        column = [[int(row[totals[h]]) for row in listed[1:]] for h in ("Days present", "JP")]
        assert (sum(column[0]), sum(column[1])) == (sum(present), jp)
        sessions_attended = [int(row[totals["Sessions attended"]]) for row in listed[1:]]
        assert sum(sessions_attended) == sum(attended)
    # A day's cell is that day's first entry, in WITA.
    assert rows[1][_columns(rows, "Day 2")[0]] == "08:30"
    assert sheet[1][_columns(sheet, "Day 2")[0]].isoformat() == "2026-07-22T08:30:00"


def _pdf_lines(pdf: bytes) -> list[str]:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode().splitlines()


def test_the_pdf_list_gives_each_person_the_csv_figures_per_day(bimtek, client, users):
    """The PDF's attendance list of a multi-day event: per person who came, each day's first
    entry (or "–"), days present, JP and completed, cell for cell the CSV's, on landscape
    pages; someone who never came is counted, not listed."""
    log_in(client, users.organiser)
    with client.session_transaction() as session:
        session["lang"] = "en"
    data = client.get(f"/events/{bimtek.id}/summary.csv", buffered=True).data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    heading = {h: i for i, h in enumerate(rows[0])}
    days = _columns(rows, "Day ")
    pdf = client.get(f"/events/{bimtek.id}/summary.pdf", buffered=True).data
    lines = _pdf_lines(pdf)
    listed = lines[next(i for i, line in enumerate(lines) if "Attendance list" in line) :]
    assert any("Each day: the first entry (WITA); – absent that day." in x for x in listed)
    assert not any("days are shown" in x for x in listed)  # three days fit
    came = [row for row in rows[1:] if row[heading["Checked in"]] == "Yes"]
    assert len(came) == PRESENT[0] and len(rows) - 1 == 10
    for row in came:
        cells = ["–" if not row[i] else row[i] for i in days]
        cells += [row[heading[h]] for h in ("Days present", "JP", "Completed")]
        pattern = re.escape(row[heading["Name"]]) + r"\s.*\s" + r"\s+".join(map(re.escape, cells))
        assert [x for x in listed if re.search(pattern + r"\s*$", x)], (pattern, listed)
    absent = next(row for row in rows[1:] if row[heading["Checked in"]] == "No")
    assert not any(absent[heading["Name"]] in x for x in listed)
    assert sum(row[heading["Completed"]] == "Yes" for row in came) == min(PRESENT)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert pages[0].mediabox.width < pages[0].mediabox.height  # the summary: portrait
    assert pages[-1].mediabox.width > pages[-1].mediabox.height  # the list: landscape
