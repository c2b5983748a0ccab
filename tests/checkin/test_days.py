"""Check-in per day and exits (issue 14): a three-day training, scanned on each day.

Day 2's first scan is green and its second amber with day 2's time and gate; an exit gives the
day's last exit; an exit before any entry that day is refused; offline scans keep nonce
idempotency and "earliest wins" per day. Runs on both databases like the rest of the suite.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.checkin.test_services import DOOR, NINE, found
from tests.clock import TUESDAY_NINE, WEDNESDAY_NINE, wita
from tests.factories import PEOPLE, make_event, register
from tracker.checkin import services
from tracker.checkin.day_figures import day_attendance, present_per_day
from tracker.checkin.door_rule import door_state
from tracker.checkin.models import CheckIn, CheckInDay, ScanResult
from tracker.checkin.services import Door, ScanInput, ScanKind, decide
from tracker.extensions import db

TUESDAY, WEDNESDAY, THURSDAY = date(2026, 7, 21), date(2026, 7, 22), date(2026, 7, 23)


@pytest.fixture
def training(app):
    """Tuesday 08:00 to Thursday 16:00 WITA: three days, each door 06:00-16:00."""
    event = make_event(starts_at=wita(2026, 7, 21, 8), hours=24 * 2 + 8)
    return event, register(event, PEOPLE)


def scan(event, person, at, kind=ScanKind.ENTRY, gate="A", nonce=None):
    outcome = services.check_in(
        event,
        ScanInput(code=person.ticket_code, gate=gate, kind=kind, nonce=nonce, scanned_at=at),
        None,
        at,
    )
    db.session.commit()
    return outcome


# --- the rules, without a database ------------------------------------------------------------


def test_a_check_in_of_another_day_is_no_check_in_today():
    yesterday = replace(found(checked_in_at=NINE), day_id=None, day_in_at=None)
    assert decide(DOOR, ScanInput(code="x"), yesterday, NINE).result == ScanResult.CHECKED_IN


@pytest.mark.parametrize(
    ("day_in_at", "result"),
    [
        (None, ScanResult.NOT_IN),  # no entry today
        (NINE + timedelta(minutes=5), ScanResult.NOT_IN),  # the exit is before the entry
        (NINE - timedelta(hours=1), ScanResult.CHECKED_OUT),
    ],
)
def test_an_exit_needs_an_entry_that_day_before_it(day_in_at, result):
    seen = replace(found(checked_in_at=NINE - timedelta(days=1)), day_in_at=day_in_at)
    assert decide(DOOR, ScanInput(code="x", kind=ScanKind.EXIT), seen, NINE).result == result


def test_the_door_of_a_three_day_event_is_shut_between_its_days():
    door = replace(DOOR, ends_at=NINE + timedelta(days=2, hours=7))
    assert door_state(door, NINE + timedelta(hours=6)) == "open"
    assert door_state(door, NINE + timedelta(hours=12)) == "not_yet"  # 21:00, the night
    assert door_state(door, NINE + timedelta(days=1)) == "open"
    custom = replace(door, day_doors=[{"date": "2026-07-22", "opens": "10:00", "closes": "12:00"}])
    assert door_state(custom, NINE + timedelta(days=1)) == "not_yet"
    assert door_state(custom, NINE + timedelta(days=1, hours=1)) == "open"


# --- against the database ---------------------------------------------------------------------


def test_day_two_first_scan_is_green_and_its_second_amber_with_day_twos_time(training):
    event, (wayan, *_rest) = training
    assert scan(event, wayan, TUESDAY_NINE).result == ScanResult.CHECKED_IN
    day2 = WEDNESDAY_NINE + timedelta(minutes=12)

    first = scan(event, wayan, day2, gate="B")
    second = scan(event, wayan, day2 + timedelta(minutes=30), gate="C")

    assert (first.result, first.checked_in_at, first.gate) == (ScanResult.CHECKED_IN, day2, "B")
    assert (second.result, second.checked_in_at, second.gate) == (ScanResult.ALREADY, day2, "B")
    assert second.day == WEDNESDAY
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1  # one arrival
    assert present_per_day(event) == {TUESDAY: 1, WEDNESDAY: 1, THURSDAY: 0}


def test_an_exit_gives_the_days_last_exit_and_time_inside(training):
    event, (wayan, luh, _made) = training
    scan(event, wayan, TUESDAY_NINE)
    out = scan(event, wayan, TUESDAY_NINE + timedelta(hours=6), kind=ScanKind.EXIT, gate="Out")
    earlier = scan(event, wayan, TUESDAY_NINE + timedelta(hours=2), kind=ScanKind.EXIT)

    assert (out.result, out.http_status) == (ScanResult.CHECKED_OUT, 200)
    assert earlier.result == ScanResult.CHECKED_OUT  # recorded, but the later exit stays
    day = day_attendance(event, TUESDAY)
    assert day[wayan.id].first_in_at == TUESDAY_NINE
    assert (day[wayan.id].last_out_at, day[wayan.id].out_gate) == (
        TUESDAY_NINE + timedelta(hours=6),
        "Out",
    )
    assert luh.id not in day


def test_an_exit_before_any_entry_is_refused_and_only_logged(training):
    event, (wayan, *_rest) = training
    refused = scan(event, wayan, TUESDAY_NINE, kind=ScanKind.EXIT)
    scan(event, wayan, TUESDAY_NINE + timedelta(minutes=5))  # Tuesday's entry
    next_day = scan(event, wayan, WEDNESDAY_NINE, kind=ScanKind.EXIT)  # no entry on Wednesday

    assert (refused.result, refused.http_status) == (ScanResult.NOT_IN, 409)
    assert next_day.result == ScanResult.NOT_IN
    assert db.session.scalar(select(func.count()).select_from(CheckInDay)) == 1


def test_an_earlier_offline_scan_of_a_day_takes_that_day_over(training):
    event, (wayan, *_rest) = training
    scan(event, wayan, TUESDAY_NINE)
    scan(event, wayan, WEDNESDAY_NINE, gate="B")
    synced = scan(event, wayan, WEDNESDAY_NINE - timedelta(minutes=40), gate="A")

    assert synced.result == ScanResult.CHECKED_IN
    day2 = day_attendance(event, WEDNESDAY)[wayan.id]
    assert (day2.first_in_at, day2.gate) == (WEDNESDAY_NINE - timedelta(minutes=40), "A")
    assert day_attendance(event, TUESDAY)[wayan.id].first_in_at == TUESDAY_NINE


def test_a_retry_on_day_two_gets_day_twos_answer(training):
    event, (wayan, *_rest) = training
    scan(event, wayan, TUESDAY_NINE)
    first = scan(event, wayan, WEDNESDAY_NINE, gate="B", nonce="d2-1")
    retry = scan(event, wayan, WEDNESDAY_NINE, gate="B", nonce="d2-1")
    assert (retry.result, retry.replayed, retry.day) == (ScanResult.CHECKED_IN, True, WEDNESDAY)
    assert retry.checked_in_at == first.checked_in_at
    again = scan(event, wayan, WEDNESDAY_NINE + timedelta(hours=1), nonce="d2-2")
    replay = scan(event, wayan, WEDNESDAY_NINE + timedelta(hours=1), nonce="d2-2")
    assert (again.result, replay.result) == (ScanResult.ALREADY, ScanResult.ALREADY)
    assert replay.checked_in_at == WEDNESDAY_NINE  # day 2's, not day 1's


def test_undo_removes_the_check_in_with_its_days(training):
    event, (wayan, *_rest) = training
    scan(event, wayan, TUESDAY_NINE)
    scan(event, wayan, WEDNESDAY_NINE)
    services.undo_check_in(event, wayan.id, None, WEDNESDAY_NINE)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(CheckInDay)) == 0


def test_a_scan_between_the_days_is_not_open(training):
    event, (wayan, *_rest) = training
    night = wita(2026, 7, 21, 22)
    assert scan(event, wayan, night).result == ScanResult.NOT_OPEN


def test_a_lean_door_and_the_event_agree_on_the_days(training):
    event, _people = training
    assert Door.of(event).day_windows() == event.day_windows()
    assert [w.day for w in event.day_windows()] == [TUESDAY, WEDNESDAY, THURSDAY]


def test_the_api_takes_a_type_and_answers_per_day(training, api, clock):
    event, (wayan, *_rest) = training
    staff = api("staff")
    path = f"/api/v1/events/{event.id}/checkins"
    early_exit = staff.post(path, json={"code": wayan.ticket_code, "type": "exit"})
    entry = staff.post(path, json={"code": wayan.ticket_code, "gate": "A"})
    clock.move_to(TUESDAY_NINE + timedelta(hours=6))
    out = staff.post(path, json={"code": wayan.ticket_code, "type": "exit", "gate": "A"})
    clock.move_to(WEDNESDAY_NINE)
    day2 = staff.post(path, json={"code": wayan.ticket_code, "gate": "B"})
    bad = staff.post(path, json={"code": wayan.ticket_code, "type": "leave"})

    assert early_exit.status_code == 409
    assert early_exit.get_json()["error"]["code"] == "not_checked_in"
    assert (entry.status_code, entry.get_json()["day"]) == (201, "2026-07-21")
    assert out.status_code == 200
    assert out.get_json()["checked_out_at"].startswith("2026-07-21T15:00:00")
    assert (day2.status_code, day2.get_json()["day"], day2.get_json()["gate"]) == (
        201,
        "2026-07-22",
        "B",
    )
    assert bad.status_code == 422


def test_a_scan_at_a_sessions_door_records_the_session_and_the_day(training, api):
    from datetime import time

    from tracker.checkin.models import SessionAttendance
    from tracker.events.agenda import SessionInput, add_session

    event, (wayan, *_rest) = training
    tuesday = add_session(
        event, SessionInput("Etika", TUESDAY, time(10), time(12)), None, TUESDAY_NINE
    )
    thursday = add_session(
        event, SessionInput("Canva", THURSDAY, time(9), time(11)), None, TUESDAY_NINE
    )
    db.session.commit()
    path = f"/api/v1/events/{event.id}/checkins"
    staff = api("staff")

    first = staff.post(path, json={"code": wayan.ticket_code, "session_id": tuesday.id})
    again = staff.post(path, json={"code": wayan.ticket_code, "session_id": tuesday.id})
    other_day = staff.post(path, json={"code": wayan.ticket_code, "session_id": thursday.id})
    unknown = staff.post(path, json={"code": wayan.ticket_code, "session_id": 999999})
    exit_at_session = staff.post(
        path, json={"code": wayan.ticket_code, "session_id": tuesday.id, "type": "exit"}
    )

    assert first.status_code == 201 and again.status_code == 200
    assert again.json["status"] == "already_checked_in"
    assert again.json["checked_in_at"] == first.json["checked_in_at"]
    assert other_day.status_code == 422 and "session_id" in other_day.json["error"]["fields"]
    assert unknown.status_code == 422
    assert exit_at_session.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(SessionAttendance)) == 1
    assert set(day_attendance(event, TUESDAY)) == {wayan.id}  # the session's scan is the day's


def test_a_day_two_scan_and_an_exit_move_the_boards_version(training):
    from tracker.checkin.live_figures import figures_version

    event, (wayan, *_rest) = training
    scan(event, wayan, TUESDAY_NINE)
    before = figures_version(event.id)
    scan(event, wayan, WEDNESDAY_NINE)  # no change to checkins: only the day's row
    after_day_two = figures_version(event.id)
    scan(event, wayan, WEDNESDAY_NINE + timedelta(hours=5), kind=ScanKind.EXIT)
    assert before < after_day_two < figures_version(event.id)
