"""The report across events: which events count, people counted once, pooled rates, trend."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.compliance.helpers import check_in
from tests.factories import WITA, make_event
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events.models import Event
from tracker.events.registration import ParticipantInput, register_participants
from tracker.extensions import db
from tracker.summaries import reports
from tracker.summaries.csv import report_csv
from tracker.summaries.data import Labels
from tracker.summaries.figures import build_summary
from tracker.summaries.pdf.report import report_pdf
from tracker.summaries.xlsx import report_xlsx

UNIT = "Diskominfo Kabupaten Tabanan"
ENGLISH = Labels("en", {})


def _event(organiser, day: date, **fields) -> Event:
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=WITA)
    return make_event(organiser, starts_at=start, status=fields.pop("status", "closed"), **fields)


def _same_person(event: Event, agency: str = "Dinas Kesehatan Kabupaten Tabanan") -> None:
    """Ni Luh, by the same e-mail at every event, checked in."""
    (person,) = register_participants(
        event,
        [ParticipantInput(name="Ni Luh Ariani", agency=agency, email="luh@tabanankab.go.id")],
        utcnow(),
    )
    from tracker.checkin.models import CheckIn

    at = event.starts_at
    db.session.add(
        CheckIn(
            event_id=event.id,
            participant_id=person.id,
            checked_in_at=at,
            recorded_at=at,
            method="manual",
            brought_tumbler=True,
        )
    )
    db.session.commit()


@pytest.fixture
def season(app, users):
    """Two Tabanan events in March; an event of another unit, a draft, one in May."""
    first = _event(users.organiser, date(2026, 3, 3))
    check_in(first, [True, True, False, None], absent=2)  # 6 registered, 4 in, 2 yes
    _same_person(first)
    second = _event(users.organiser, date(2026, 3, 24), title="Rapat Koordinasi")
    check_in(second, [True, True, True], absent=1)  # 4 registered, 3 in, 3 yes
    _same_person(second)
    # Made by the system, so it lands in an office of its own (the organiser has only Tabanan).
    _event(None, date(2026, 3, 10), organiser_unit="Diskominfo Provinsi Bali")
    _event(users.organiser, date(2026, 3, 12), status="draft")
    _event(users.organiser, date(2026, 5, 1))
    return first, second


def test_the_report_counts_held_events_of_the_unit(season):
    first, second = season
    report = reports.build_report(
        UNIT.lower(), date(2026, 3, 1), date(2026, 3, 31), "Asia/Makassar", utcnow()
    )
    assert [r.event_id for r in report.rows] == [first.id, second.id]
    assert report.events == 2
    assert (report.registered, report.checked_in) == (7 + 5, 5 + 4)
    assert report.tumbler_yes == 3 + 4
    assert report.tumbler_rate == pytest.approx(7 / 9)  # pooled, not the mean of the rates
    # Ni Luh came to both: one person. add_people's e-mails repeat too (peserta0@...).
    people = {f"peserta{i}" for i in range(4)} | {"luh"}
    assert report.unique_participants == len(people)
    assert report.agencies_reached == 5  # Dinas 0-3 of the factory, and Dinas Kesehatan
    assert report.trend("tumbler_percent") == 100 - 60  # 3 of 5, then 4 of 4


def test_each_row_is_that_events_summary(season):
    first, _ = season
    report = reports.build_report(
        UNIT, date(2026, 3, 1), date(2026, 3, 31), "Asia/Makassar", utcnow()
    )
    summary = build_summary(first)
    row = report.rows[0]
    assert row.registered == summary.attendance.registered
    assert row.checked_in == summary.attendance.checked_in
    assert row.tumbler_rate == summary.sustainability.tumbler.rate
    assert row.agencies == summary.agencies_reached


def test_all_units_when_none_is_named(season):
    report = reports.build_report(
        "", date(2026, 3, 1), date(2026, 3, 31), "Asia/Makassar", utcnow()
    )
    assert report.events == 3  # the province's event too; never the draft


def test_dates_are_whole_days_in_the_zone(app, users):
    # 23:30 WITA on 31 March is 15:30 UTC: still March in Bali.
    late = make_event(
        users.organiser, starts_at=datetime(2026, 3, 31, 23, 30, tzinfo=WITA), status="closed"
    )
    report = reports.build_report(
        UNIT, date(2026, 3, 31), date(2026, 3, 31), "Asia/Makassar", utcnow()
    )
    assert [r.event_id for r in report.rows] == [late.id]


def test_events_that_have_not_started_are_not_held(app, users):
    make_event(users.organiser, starts_at=utcnow() + timedelta(days=2))
    today = utcnow().astimezone(WITA).date()
    report = reports.build_report(UNIT, today, today + timedelta(days=5), "Asia/Makassar", utcnow())
    assert report.events == 0 and report.tumbler_rate is None


@pytest.mark.parametrize(
    ("raw_from", "raw_to", "field"),
    [
        ("2026-13-01", None, "from"),
        ("1/3/2026", None, "from"),
        (None, "kemarin", "to"),
        ("2026-03-31", "2026-03-01", "to"),
        ("2000-01-01", "2026-01-01", "from"),
    ],
)
def test_bad_ranges_are_refused(raw_from, raw_to, field):
    with pytest.raises(ValidationFailed) as caught:
        reports.parse_range(raw_from, raw_to, date(2026, 6, 1))
    assert field in caught.value.fields


def test_the_default_range_is_this_year_to_today():
    assert reports.parse_range(None, "", date(2026, 6, 1)) == (date(2026, 1, 1), date(2026, 6, 1))


def test_the_report_files_carry_the_same_numbers(season):
    report = reports.build_report(
        UNIT, date(2026, 3, 1), date(2026, 3, 31), "Asia/Makassar", utcnow()
    )
    rows = list(csv.reader(io.StringIO(b"".join(report_csv(report, ENGLISH)).decode("utf-8-sig"))))
    assert [r[3:5] for r in rows[1:]] == [["7", "5"], ["5", "4"]]
    book = load_workbook(io.BytesIO(report_xlsx(report, ENGLISH)))
    totals = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert totals["Unique participants"] == report.unique_participants
    assert totals["Checked in"] == 9
    pdf = PdfReader(io.BytesIO(report_pdf(report, ENGLISH)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Rapat Koordinasi" in text and "78%" in text  # 7 of 9 brought a tumbler
