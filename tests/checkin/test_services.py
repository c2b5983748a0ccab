"""Check-in's decision rules, tested as services: plain inputs in, an outcome out, no HTTP.

The rules first, as the pure function the scan path decides with (``decide``: no database at
all), then ``check_in`` itself against the database, as the API, the door page and the
scanner's sync call it. How many statements a scan sends is tests/checkin/test_scan_path.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.clock import TUESDAY_NINE, WITA
from tests.factories import open_event
from tracker.checkin import services
from tracker.checkin.door_rule import door_state, is_open
from tracker.checkin.models import CheckIn, Method, Scan, ScanResult
from tracker.checkin.services import (
    Door,
    Found,
    Person,
    ScanInput,
    ScanKind,
    decide,
    effective_time,
)
from tracker.db import utcnow
from tracker.events.services import set_archived
from tracker.extensions import db

NINE = TUESDAY_NINE
#: The event of the brief: 09:00 to 16:00 WITA; the door opens two hours before.
DOOR = Door(
    id=1,
    timezone="Asia/Makassar",
    status="open",
    starts_at=NINE,
    ends_at=NINE + timedelta(hours=7),
    checkin_opens_at=None,
    checkin_closes_at=None,
    archived_at=None,
)
WAYAN = Person(11, "I Wayan Sudarsana", "Dinas Kesehatan Kabupaten Tabanan", "participant")


def found(
    event_id: int = 1, checked_in_at: datetime | None = None, day_in_at: datetime | None = None
) -> Found:
    """What the read finds; a check-in today unless ``day_in_at`` says another time (or the
    check-in was on another day: ``day_in_at=None`` with ``checked_in_at`` set)."""
    checkin_id = None if checked_in_at is None else 5
    day_in = checked_in_at if day_in_at is None else day_in_at
    return Found(
        WAYAN,
        event_id,
        checkin_id,
        checked_in_at,
        "A" if checkin_id else "",
        None,
        day_id=None if day_in is None else 7,
        day_in_at=day_in,
    )


# --- the door -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "at", "state"),
    [
        ({}, NINE, "open"),
        ({}, NINE - timedelta(hours=2), "open"),  # the default window opens two hours before
        ({}, NINE - timedelta(hours=2, seconds=1), "not_yet"),
        ({}, NINE + timedelta(hours=7, seconds=1), "ended"),
        ({"status": "draft"}, NINE, "draft"),
        ({"status": "closed"}, NINE, "closed"),
        ({"archived_at": NINE - timedelta(days=1)}, NINE, "archived"),
        ({"archived_at": NINE, "status": "draft"}, NINE, "archived"),
        ({"checkin_closes_at": NINE + timedelta(hours=1)}, NINE + timedelta(hours=2), "ended"),
    ],
)
def test_the_door_is_shut_by_the_record_or_by_the_clock(changes, at, state):
    door = replace(DOOR, **changes)
    assert door_state(door, at) == state
    assert is_open(door, at) is (state == "open")


@pytest.mark.parametrize(
    ("changes", "result"),
    [({"status": "draft"}, "not_open"), ({"archived_at": NINE}, "not_open"), ({}, "checked_in")],
)
def test_a_scan_at_a_shut_door_is_refused_whoever_it_names(changes, result):
    outcome = decide(replace(DOOR, **changes), ScanInput(code="x"), found(), NINE)
    assert outcome.result == result


# --- what a scan names -----------------------------------------------------------------------


def test_a_new_ticket_of_this_event_checks_in():
    outcome = decide(DOOR, ScanInput(code="x", gate="A"), found(), NINE)
    assert (outcome.result, outcome.person, outcome.checked_in_at, outcome.gate) == (
        ScanResult.CHECKED_IN,
        WAYAN,
        NINE,
        "A",
    )


def test_a_ticket_checked_in_already_is_a_second_scan():
    outcome = decide(DOOR, ScanInput(code="x"), found(checked_in_at=NINE), NINE)
    assert outcome.result == ScanResult.ALREADY


def test_nothing_found_is_an_invalid_ticket():
    assert decide(DOOR, ScanInput(code="nope"), None, NINE).result == ScanResult.INVALID


def test_a_ticket_of_another_event_names_that_event():
    outcome = decide(DOOR, ScanInput(code="x"), found(event_id=2), NINE)
    assert (outcome.result, outcome.ticket_event_id, outcome.person) == ("wrong_event", 2, WAYAN)


def test_a_participant_id_of_another_event_is_just_unknown_here():
    # Staff picked a name from a list: another event's person is not "a ticket of another event".
    outcome = decide(DOOR, ScanInput(participant_id=11), found(event_id=2), NINE)
    assert (outcome.result, outcome.person) == (ScanResult.INVALID, None)


# --- when a scan happened -----------------------------------------------------------------


def test_an_offline_scan_keeps_its_own_time():
    earlier = NINE - timedelta(minutes=20)
    assert effective_time(earlier, NINE, DOOR) == earlier


def test_a_device_clock_running_fast_counts_as_now():
    assert effective_time(NINE + timedelta(minutes=5), NINE, DOOR) == NINE


def test_a_time_without_a_zone_is_the_events_local_time():
    local = datetime(2026, 7, 21, 8, 45)  # 08:45 WITA
    assert effective_time(local, NINE, DOOR) == datetime(2026, 7, 21, 8, 45, tzinfo=WITA)


def test_a_phone_reset_to_1970_keeps_its_time_and_is_refused():
    """Time cannot be rewritten: the server's time does not stand in for a broken clock."""
    reset = datetime(1970, 1, 1, tzinfo=UTC)
    logged = effective_time(reset, NINE, DOOR)
    assert logged == DOOR.checkin_window()[0] - timedelta(days=1)
    outcome = decide(DOOR, ScanInput(code="x", scanned_at=reset), found(), logged, NINE)
    assert outcome.result == ScanResult.NOT_OPEN


END = NINE + timedelta(hours=7)  # DOOR's window closes when the event ends


@pytest.mark.parametrize(
    ("scanned", "arrives", "expected"),
    [
        (NINE, END + timedelta(hours=23, minutes=59), ScanResult.CHECKED_IN),  # within grace
        (NINE, END + timedelta(hours=24, seconds=1), ScanResult.NOT_OPEN),  # synced too late
        (END + timedelta(seconds=1), END + timedelta(minutes=1), ScanResult.NOT_OPEN),
        (NINE - timedelta(hours=2, seconds=1), NINE, ScanResult.NOT_OPEN),  # before the window
    ],
)
def test_a_device_scan_must_be_made_in_the_window_and_sent_within_the_grace(
    scanned, arrives, expected
):
    scan = ScanInput(code="x", scanned_at=scanned)
    assert decide(DOOR, scan, found(), scanned, arrives).result == expected


def test_the_grace_is_the_scans_own():
    scan = ScanInput(code="x", scanned_at=NINE, sync_grace=timedelta(hours=1))
    late = END + timedelta(hours=1, seconds=1)
    assert decide(DOOR, scan, found(), NINE, late).result == ScanResult.NOT_OPEN


def test_a_live_scan_after_the_window_is_refused_and_a_late_record_is_not():
    after = END + timedelta(days=3)
    assert decide(DOOR, ScanInput(participant_id=1), found(), after).result == "not_open"
    late = ScanInput(participant_id=1, kind=ScanKind.LATE, reason="HP rusak")
    assert decide(DOOR, late, found(), after).result == ScanResult.CHECKED_IN
    draft = replace(DOOR, status="draft")
    assert decide(draft, late, found(), after).result == ScanResult.NOT_OPEN


# --- check_in against the database ------------------------------------------------------------


@pytest.fixture
def event(app, users):
    return open_event()


def _check_in(event, **scan):
    outcome = services.check_in(event, ScanInput(**scan), None, utcnow())
    db.session.commit()
    return outcome


def test_check_in_writes_the_check_in_and_logs_the_scan(event, users):
    training, (wayan, *_rest) = event
    staff = users.staff
    outcome = services.check_in(
        training, ScanInput(code=wayan.ticket_code, gate="A", brought_tumbler=True), staff, NINE
    )
    db.session.commit()
    assert outcome.result == ScanResult.CHECKED_IN and outcome.person.id == wayan.id
    row = db.session.scalar(select(CheckIn))
    assert (row.participant_id, row.gate, row.staff_id, row.brought_tumbler) == (
        wayan.id,
        "A",
        staff.id,
        True,
    )
    assert db.session.scalars(select(Scan.result)).all() == ["checked_in"]


def test_a_second_scan_says_when_and_where_the_first_was(event):
    training, (wayan, *_rest) = event
    first = _check_in(training, code=wayan.ticket_code, gate="A")
    second = _check_in(training, code=wayan.ticket_code, gate="B")
    assert second.result == ScanResult.ALREADY
    assert (second.checked_in_at, second.gate) == (first.checked_in_at, "A")


def test_a_later_scan_fills_in_a_tumbler_answer_nobody_gave(event):
    training, (wayan, *_rest) = event
    _check_in(training, code=wayan.ticket_code)
    _check_in(training, code=wayan.ticket_code, brought_tumbler=False)
    assert db.session.scalar(select(CheckIn.brought_tumbler)) is False


def test_an_earlier_offline_scan_takes_the_check_in_over(event, clock):
    training, (wayan, *_rest) = event
    _check_in(training, code=wayan.ticket_code, gate="A")
    synced = _check_in(
        training, code=wayan.ticket_code, gate="B", scanned_at=utcnow() - timedelta(minutes=10)
    )
    assert (synced.result, synced.gate) == (ScanResult.CHECKED_IN, "B")
    assert db.session.scalar(select(CheckIn.gate)) == "B"


def test_a_retry_with_the_same_nonce_gets_the_first_answer_and_writes_nothing(event):
    training, (wayan, *_rest) = event
    first = _check_in(training, code=wayan.ticket_code, gate="A", nonce="hp-a-1")
    retry = _check_in(training, code=wayan.ticket_code, gate="A", nonce="hp-a-1")
    assert retry.replayed and (retry.result, retry.checked_in_at) == (
        first.result,
        first.checked_in_at,
    )
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1


def test_an_archived_event_refuses_every_scan(event):
    training, (wayan, *_rest) = event
    set_archived(training, True, utcnow())
    db.session.commit()
    outcome = _check_in(training, code=wayan.ticket_code)
    assert outcome.result == ScanResult.NOT_OPEN
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0
    assert db.session.scalars(select(Scan.result)).all() == ["not_open"]  # still logged


def test_a_scan_kind_and_method_are_typed(event):
    training, (wayan, *_rest) = event
    scan = ScanInput(code=wayan.ticket_code, method=Method.MANUAL)
    assert scan.kind == services.ScanKind.ENTRY
    assert _check_in(training, **vars(scan)).result == ScanResult.CHECKED_IN
    assert db.session.scalar(select(CheckIn.method)) == "manual"
