"""One event, every format: the board, the summary page, PDF, XLSX, CSV, the summary's JSON
and the API's attendance and sustainability answers all give the same numbers.

The event (tests/summaries/helpers.py): 13 registered (one a walk-in) from 4 agencies, 9 checked
in, tumbler 5 yes / 2 no / 2 unknown, the Pergub 97/2018 checklist 6 of 7 required items
compliant, waste 4.2 + 1.1 + 0.3 kg, 40 litres of refill water. Times in WITA.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import log_in
from tests.factories import WITA

EXPECTED = {
    "registered": 13,
    "checked_in": 9,
    "walk_ins": 1,
    "agencies": 4,
    "yes": 5,
    "no": 2,
    "unknown": 2,
    "compliance": 86,
    "waste_kg": 5.6,
}


@pytest.fixture
def english(client, users):
    """The organiser's browser session, in English (the files' words follow the page's)."""
    log_in(client, users.organiser)
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def _numbers_after(lines: list[str], label: str, count: int) -> list[str]:
    start = lines.index(label) + 1
    values = [line for line in lines[start:] if re.fullmatch(r"[\d.,]+%?", line)]
    return values[:count]


def _check_pdf(data: bytes, built) -> None:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    lines = [line.strip() for line in "\n".join(pages).splitlines()]
    assert built.event.title in lines
    assert _numbers_after(lines, "Agencies reached", 5) == ["13", "9", "69%", "1", "4"]
    assert _numbers_after(lines, "Tumbler rate", 4) == ["5", "2", "2", "56%"]
    assert "56% (5/9)" in lines and "5.6 kg (Organic 4.2 kg," in lines
    flowing = " ".join(lines)  # cells wrap: read them as running text
    assert "86% · 6 of 7 required items compliant" in flowing
    listed = pages[-1]  # the attendance list: the 9 who came, none of the 4 absent
    present = [p.name for p in built.people[:8]] + ["Made Walk-in"]
    absent = [p.name for p in built.people[8:]]
    assert all(name in listed for name in present[2:])  # the formula and Unicode names below
    assert built.people[1].name.replace(" ", "") in listed.replace("\n", "").replace(" ", "")
    assert built.people[2].name in listed
    assert not any(name in listed for name in absent)
    assert "4 registered participants did not check in" in listed


def _check_xlsx(data: bytes) -> None:
    book = load_workbook(io.BytesIO(data))
    facts = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert facts["Registered"] == EXPECTED["registered"]
    assert facts["Checked in"] == EXPECTED["checked_in"]
    assert facts["Walk-ins"] == EXPECTED["walk_ins"]
    assert facts["Agencies reached"] == EXPECTED["agencies"]
    assert (facts["Tumbler: yes"], facts["Tumbler: no"], facts["Tumbler: unknown"]) == (5, 2, 2)
    assert facts["Compliance score (all checklists)"] == EXPECTED["compliance"]
    assert facts["Waste weighed (kg)"] == pytest.approx(EXPECTED["waste_kg"])
    people = list(book["Participants"].iter_rows(min_row=2, values_only=True))
    assert len(people) == EXPECTED["registered"]
    assert Counter(p[5] for p in people) == {"Yes": 9, "No": 4}
    assert Counter(p[9] for p in people if p[5] == "Yes") == {"Yes": 5, "No": 2, "Unknown": 2}
    agencies = list(book["By agency"].iter_rows(min_row=2, max_row=5, values_only=True))
    assert sum(a[2] for a in agencies) == EXPECTED["checked_in"]


def _check_csv(data: bytes, built) -> None:
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    # A one-day event without an agenda keeps the ten columns (no day or session columns).
    assert len(header) == 10 and header[-1] == "Tumbler"
    assert len(rows) == EXPECTED["registered"]
    came = [r for r in rows if r[5] == "Yes"]
    assert len(came) == EXPECTED["checked_in"]
    assert Counter(r[9] for r in came) == {"Yes": 5, "No": 2, "Unknown": 2}
    assert sum(r[7] == "Walk-in" for r in came) == EXPECTED["walk_ins"]
    first = next(r for r in rows if r[1] == "Peserta 000")
    check_in = next(c for c in _check_ins(built) if c.participant_id == built.people[0].id)
    assert first[6] == check_in.checked_in_at.astimezone(WITA).strftime("%Y-%m-%d %H:%M")


def _check_ins(built):
    from sqlalchemy import select

    from tracker.checkin.models import CheckIn
    from tracker.extensions import db

    return db.session.scalars(select(CheckIn).where(CheckIn.event_id == built.event.id)).all()


def _check_json(summary: dict, attendance: dict, sustainability: dict) -> None:
    for answer in (summary["attendance"], attendance):
        assert answer["registered"] == EXPECTED["registered"]
        assert answer["checked_in"] == EXPECTED["checked_in"]
        assert answer["walk_ins"] == EXPECTED["walk_ins"]
        assert answer["tumbler"] == {"yes": 5, "no": 2, "unknown": 2}
    for answer in (summary["sustainability"], sustainability):
        assert answer["tumbler"]["yes"] == 5 and answer["tumbler"]["checked_in"] == 9
        assert answer["compliance"]["percent"] == EXPECTED["compliance"]
        assert answer["waste"]["total_kg"] == pytest.approx(EXPECTED["waste_kg"])
    same = {k: v for k, v in summary["attendance"].items() if k != "updated_at"}
    assert same == {k: v for k, v in attendance.items() if k != "updated_at"}
    assert summary["sustainability"] == sustainability
    assert summary["agencies_reached"] == EXPECTED["agencies"]


def _data(html: str, element_id: str) -> dict[str, str]:
    tag = re.search(rf'<[^>]*id="{element_id}"[^>]*>', html, re.S).group(0)
    return dict(re.findall(r'data-([\w-]+)="([^"]*)"', tag))


def _check_page(html: str) -> None:
    figures = _data(html, "attendance-figures")
    assert figures == {
        "registered": "13", "checked-in": "9", "walk-ins": "1", "agencies": "4",
        "tumbler-yes": "5", "tumbler-no": "2", "tumbler-unknown": "2",
    }  # fmt: skip
    assert _data(html, "sustainability-figures")["compliance"] == "86"


def _check_board(html: str) -> None:
    fields = dict(re.findall(r'data-field="([\w.]+)">(\d+)<', html))
    assert fields["checked_in"] == "9" and fields["registered"] == "13"
    assert fields["walk_ins"] == "1"
    assert (fields["tumbler.yes"], fields["tumbler.no"], fields["tumbler.unknown"]) == (
        "5", "2", "2",
    )  # fmt: skip


def test_every_format_gives_the_same_numbers(built, english, api):
    event_id = built.event.id
    _check_page(english.get(f"/events/{event_id}/summary").get_data(as_text=True))
    _check_board(english.get(f"/events/{event_id}/board").get_data(as_text=True))
    _check_pdf(english.get(f"/events/{event_id}/summary.pdf", buffered=True).data, built)
    _check_xlsx(english.get(f"/events/{event_id}/summary.xlsx", buffered=True).data)
    _check_csv(english.get(f"/events/{event_id}/summary.csv", buffered=True).data, built)
    organiser = api("organiser")
    _check_json(
        organiser.get(f"/api/v1/events/{event_id}/summary").get_json(),
        organiser.get(f"/api/v1/events/{event_id}/attendance").get_json(),
        organiser.get(f"/api/v1/events/{event_id}/sustainability").get_json(),
    )
    # The API's files are the same files.
    data = organiser.get(f"/api/v1/events/{event_id}/summary.csv", buffered=True).data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == EXPECTED["registered"] + 1
