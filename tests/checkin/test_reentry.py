"""Out at lunch and back (issue 14): an entry after the day's exit is a re-entry, green, and
the day's time inside is the sum of its inside intervals; a day nobody scanned the person out
of counts until its door closes, marked "no exit". Both databases, like the whole suite."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from tests.checkin import test_days
from tests.checkin.test_days import TUESDAY, WEDNESDAY, scan
from tests.checkin.test_race import _race
from tests.checkin.test_scan_path import _scanner, statements
from tests.checkin.test_services import DOOR, NINE, found
from tests.clock import TUESDAY_NINE, WEDNESDAY_NINE, wita
from tests.factories import open_event
from tracker.checkin import services
from tracker.checkin.day_figures import day_attendance
from tracker.checkin.models import CheckInDay, Scan, ScanResult
from tracker.checkin.presence import presence
from tracker.checkin.services import ScanInput, ScanKind, decide
from tracker.extensions import db

EXIT = ScanKind.EXIT
LUNCH, BACK = TUESDAY_NINE + timedelta(hours=3), TUESDAY_NINE + timedelta(hours=4)
#: Tuesday 08:00 to Thursday 16:00 WITA, each day's door 06:00-16:00 (tests/checkin/test_days.py).
training = test_days.training


# --- the rule, without a database -------------------------------------------------------------


def test_an_entry_after_the_days_exit_is_a_reentry_and_one_while_inside_is_not():
    out = replace(found(checked_in_at=NINE), day_out_at=NINE + timedelta(hours=3))
    entry = ScanInput(code="x")

    back = decide(DOOR, entry, out, NINE + timedelta(hours=4))
    back_in = replace(out, day_back_at=NINE + timedelta(hours=4))
    inside = decide(DOOR, entry, back_in, NINE + timedelta(hours=5))
    before_exit = decide(DOOR, entry, out, NINE + timedelta(hours=2))  # an old offline scan

    assert (back.result, back.reentry) == (ScanResult.CHECKED_IN, True)
    assert inside.result == before_exit.result == ScanResult.ALREADY


# --- against the database ---------------------------------------------------------------------


def test_out_at_lunch_and_back_is_green_and_lunch_is_not_inside(training):
    event, (wayan, *_rest) = training
    scan(event, wayan, TUESDAY_NINE)
    scan(event, wayan, LUNCH, kind=EXIT)
    back = scan(event, wayan, BACK, gate="B")
    again = scan(event, wayan, BACK + timedelta(minutes=10))
    scan(event, wayan, TUESDAY_NINE + timedelta(hours=6), kind=EXIT, gate="Out")

    assert (back.result, back.reentry, back.checked_in_at, back.gate) == (
        ScanResult.CHECKED_IN,
        True,
        BACK,
        "B",
    )
    assert (again.result, again.reentry, again.checked_in_at, again.gate) == (
        ScanResult.ALREADY,
        False,
        BACK,  # inside since they came back in, not since the morning
        "B",
    )
    person = presence(event).of(wayan.id)
    assert person.hours_inside == 5.0  # 09:00-12:00 and 13:00-15:00, not the lunch hour
    assert [(s.start, s.end) for s in person.inside[TUESDAY]] == [
        (TUESDAY_NINE, LUNCH),
        (BACK, TUESDAY_NINE + timedelta(hours=6)),
    ]
    assert person.no_exit_days == []
    day = day_attendance(event, TUESDAY)[wayan.id]  # the daftar hadir's Jam datang / pulang
    assert (day.first_in_at, day.last_out_at) == (TUESDAY_NINE, TUESDAY_NINE + timedelta(hours=6))


def test_a_retry_of_a_reentry_gets_its_answer_back(training):
    event, (wayan, *_rest) = training
    scan(event, wayan, TUESDAY_NINE)
    scan(event, wayan, LUNCH, kind=EXIT)
    first = scan(event, wayan, BACK, nonce="back-1")
    retry = scan(event, wayan, BACK, nonce="back-1")
    assert (retry.replayed, retry.result, retry.reentry) == (True, ScanResult.CHECKED_IN, True)
    assert retry.checked_in_at == first.checked_in_at == BACK


def test_offline_scans_synced_out_of_order_give_the_same_time_inside(training):
    event, (wayan, luh, _made) = training
    moves = [
        (TUESDAY_NINE, ScanKind.ENTRY),
        (LUNCH, EXIT),
        (BACK, ScanKind.ENTRY),
        (TUESDAY_NINE + timedelta(hours=7), EXIT),
    ]
    for at, kind in moves:  # Luh: heard in order
        scan(event, luh, at, kind=kind)
    for at, kind in [moves[0], moves[2], moves[1], moves[3]]:  # Wayan: the re-entry first
        scan(event, wayan, at, kind=kind)

    measured = presence(event)
    assert measured.of(luh.id).hours_inside == measured.of(wayan.id).hours_inside == 6.0


def test_a_check_in_undone_and_made_again_starts_afresh(training):
    event, (wayan, *_rest) = training
    scan(event, wayan, TUESDAY_NINE)
    scan(event, wayan, LUNCH, kind=EXIT)
    services.undo_check_in(event, wayan.id, None, BACK)
    db.session.commit()
    scan(event, wayan, BACK)
    scan(event, wayan, BACK + timedelta(hours=1), kind=EXIT)
    assert presence(event).of(wayan.id).hours_inside == 1.0


def test_a_day_without_an_exit_counts_until_its_door_closes_and_says_so(training, api, clock):
    event, (wayan, *_rest) = training
    scan(event, wayan, TUESDAY_NINE)  # never scanned out on Tuesday (its door closes at 16:00)
    scan(event, wayan, WEDNESDAY_NINE)
    scan(event, wayan, WEDNESDAY_NINE + timedelta(hours=2), kind=EXIT)
    scan(event, wayan, WEDNESDAY_NINE + timedelta(hours=3))  # back, then not scanned out

    person = presence(event).of(wayan.id)
    assert person.no_exit_days == [TUESDAY, WEDNESDAY]
    assert person.hours_inside == 7 + 2 + 4  # Tuesday 09-16, Wednesday 09-11 and 12-16
    clock.move_to(wita(2026, 7, 23, 20))  # the API and the page count as of now: after it all
    body = api("staff").get(f"/api/v1/events/{event.id}/attendance/people").json
    [row] = [p for p in body["people"] if p["participant_id"] == wayan.id]
    tuesday, wednesday = row["days"]["2026-07-21"], row["days"]["2026-07-22"]
    assert tuesday["no_exit"] is True and tuesday["last_out_at"] is None
    assert tuesday["inside"] == [
        {"from": "2026-07-21T09:00:00+08:00", "until": "2026-07-21T16:00:00+08:00"}
    ]
    assert wednesday["no_exit"] is True
    assert [span["from"][11:16] for span in wednesday["inside"]] == ["09:00", "12:00"]
    assert wednesday["last_out_at"].startswith("2026-07-22T11:00")  # the daftar hadir's


def test_the_attendance_page_marks_a_day_without_an_exit(training, as_role, clock):
    event, (wayan, luh, _made) = training
    scan(event, wayan, TUESDAY_NINE)
    scan(event, luh, TUESDAY_NINE)
    scan(event, luh, LUNCH, kind=EXIT)
    clock.move_to(wita(2026, 7, 21, 18))  # Tuesday evening: the door closed at 16:00
    page = as_role("staff").get(f"/events/{event.id}/attendance").get_data(as_text=True)
    rows = {line for line in page.split("<tr") if "data-participant" in line}
    [wayan_row] = [r for r in rows if f'data-participant="{wayan.id}"' in r]
    [luh_row] = [r for r in rows if f'data-participant="{luh.id}"' in r]
    assert "tanpa scan keluar" in wayan_row and "16.00" in wayan_row  # its door closed
    assert "tanpa scan keluar" not in luh_row


def test_while_the_door_is_open_an_open_day_counts_until_now(training):
    event, (wayan, *_rest) = training
    scan(event, wayan, TUESDAY_NINE)
    eleven = TUESDAY_NINE + timedelta(hours=2)
    live = presence(event, now=eleven).of(wayan.id)
    assert (live.hours_inside, live.no_exit_days) == (2.0, [TUESDAY])
    assert presence(event, now=wita(2026, 7, 21, 18)).of(wayan.id).hours_inside == 7.0
    assert presence(event, now=TUESDAY_NINE - timedelta(hours=1)).of(wayan.id).hours_inside == 0


# --- two gates, and the scan path's cost ------------------------------------------------------


def test_two_gates_letting_one_person_back_in_at_once_give_one_green(app, users, clock):
    event, (wayan, *_rest) = open_event()
    scanner = _scanner(app, users.staff)
    path = f"/api/v1/events/{event.id}/checkins"
    assert scanner.post(path, json={"code": wayan.ticket_code}).status_code == 201
    clock.shift(timedelta(minutes=30))
    assert scanner.post(path, json={"code": wayan.ticket_code, "type": "exit"}).status_code == 200
    clock.shift(timedelta(minutes=30))

    answers = _race(app, users.staff, path, [{"code": wayan.ticket_code}] * 4)

    statuses = sorted((body["status"], body.get("reentry", False)) for _code, body in answers)
    assert statuses == [("already_checked_in", False)] * 3 + [("checked_in", True)]
    day = db.session.scalar(select(CheckInDay).where(CheckInDay.participant_id == wayan.id))
    db.session.refresh(day)
    assert day.last_in_at is not None


def test_only_an_entry_after_an_exit_pays_a_statement_more(app, users, clock):
    event, (wayan, luh, _made) = open_event()
    scanner = _scanner(app, users.staff)
    path = f"/api/v1/events/{event.id}/checkins"
    for person in (wayan, luh):
        assert scanner.post(path, json={"code": person.ticket_code}).status_code == 201
    clock.shift(timedelta(minutes=30))
    scanner.post(path, json={"code": wayan.ticket_code, "type": "exit"})
    clock.shift(timedelta(minutes=30))
    assert scanner.post(path, json={"code": _made.ticket_code}).status_code == 201  # token noted

    with statements() as second:  # Luh: inside, no exit today
        assert scanner.post(path, json={"code": luh.ticket_code}).status_code == 200
    with statements() as back:  # Wayan: scanned out, now back
        answer = scanner.post(path, json={"code": wayan.ticket_code})

    assert (answer.status_code, answer.json["reentry"]) == (201, True)
    assert [s for s in second if s.startswith(("INSERT", "UPDATE"))] == ["INSERT scans"]
    # The one more: the conditional UPDATE of the day's row that judges the re-entry.
    assert [s for s in back if s.startswith(("INSERT", "UPDATE"))] == ["INSERT scans", "UPDATE"]
    assert len(back) == len(second) + 1


def test_a_late_synced_exit_keeps_the_reentry_open_until_the_next_exit(training):
    event, (wayan, *_rest) = training
    scan(event, wayan, TUESDAY_NINE)
    scan(event, wayan, LUNCH, kind=EXIT)
    scan(event, wayan, BACK)
    # An offline device's exit made before the re-entry, heard now: Jam pulang stays 12:30.
    scan(event, wayan, LUNCH + timedelta(minutes=30), kind=EXIT)
    day = day_attendance(event, TUESDAY)[wayan.id]
    assert day.last_out_at == LUNCH + timedelta(minutes=30)
    person = presence(event).of(wayan.id)
    assert person.no_exit_days == [TUESDAY]  # in since 13:00, never scanned out
    assert person.hours_inside == 3 + 3  # 09-12 (the 12:30 exit closes nothing) and 13-16
    assert wita(2026, 7, 21, 16) == person.inside[TUESDAY][-1].end


def _heard(event, person, at, now, kind=ScanKind.ENTRY, gate="A"):
    """A scan made at ``at`` on a door phone, heard by the server at ``now``."""
    outcome = services.check_in(
        event, ScanInput(code=person.ticket_code, gate=gate, kind=kind, scanned_at=at), None, now
    )
    db.session.commit()
    return outcome


def _log_results(person) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Scan.kind, Scan.result).where(Scan.participant_id == person.id).order_by(Scan.id)
    )
    return [tuple(row) for row in rows]


def test_an_exit_heard_before_its_offline_entry_counts_once_the_entry_arrives(training):
    """Gate A's phone is offline from 09:00; Wayan leaves at noon through gate B, online: the
    exit is refused (no entry yet); when A syncs at 12:30, the exit counts."""
    event, (wayan, *_rest) = training
    early = _heard(event, wayan, LUNCH, LUNCH, kind=EXIT, gate="B")
    assert early.result == ScanResult.NOT_IN

    synced = _heard(event, wayan, TUESDAY_NINE, LUNCH + timedelta(minutes=30))

    assert synced.result == ScanResult.CHECKED_IN
    assert _log_results(wayan) == [("exit", "checked_out"), ("entry", "checked_in")]
    day = day_attendance(event, TUESDAY)[wayan.id]
    assert (day.first_in_at, day.last_out_at) == (TUESDAY_NINE, LUNCH)
    person = presence(event).of(wayan.id)
    assert person.hours_inside == 3.0 and person.no_exit_days == []
    # Back after lunch through B: a re-entry, green, as if the scans had been heard in order.
    assert _heard(event, wayan, BACK, BACK, gate="B").reentry


def test_an_earlier_offline_entry_turns_a_refused_exit_and_a_later_entry_into_a_lunch(training):
    """09:00 in at A (offline), 12:00 out at B and 13:00 in at B (online: the exit refused,
    the entry the day's first); A syncs at 14:00: in 09-12, out at lunch, back at 13:00."""
    event, (wayan, *_rest) = training
    assert _heard(event, wayan, LUNCH, LUNCH, kind=EXIT, gate="B").result == ScanResult.NOT_IN
    assert _heard(event, wayan, BACK, BACK, gate="B").result == ScanResult.CHECKED_IN

    _heard(event, wayan, TUESDAY_NINE, BACK + timedelta(hours=1))

    day = db.session.scalars(select(CheckInDay).where(CheckInDay.participant_id == wayan.id)).one()
    assert (day.first_in_at, day.last_out_at, day.last_in_at) == (TUESDAY_NINE, LUNCH, BACK)
    assert (day.gate, day.last_in_gate) == ("A", "B")
    person = presence(event).of(wayan.id)
    assert person.hours_inside == 3 + 3  # 09-12 and 13-16 (no exit after: to the door's close)
    assert person.no_exit_days == [TUESDAY]
    # Inside since 13:00: another entry is amber, an exit closes the afternoon.
    assert _heard(event, wayan, BACK + timedelta(hours=2), BACK + timedelta(hours=2)).result == (
        ScanResult.ALREADY
    )
    _heard(event, wayan, BACK + timedelta(hours=2), BACK + timedelta(hours=2), kind=EXIT)
    assert presence(event).of(wayan.id).hours_inside == 3 + 2


def test_an_exit_before_the_late_entry_stays_refused(training):
    event, (wayan, *_rest) = training
    _heard(event, wayan, TUESDAY_NINE - timedelta(hours=1), TUESDAY_NINE, kind=EXIT)
    _heard(event, wayan, TUESDAY_NINE, LUNCH)  # made after that exit: nothing to count
    assert _log_results(wayan) == [("exit", "not_checked_in"), ("entry", "checked_in")]
    assert day_attendance(event, TUESDAY)[wayan.id].last_out_at is None


# --- amber after a re-entry: the latest entry's time ----------------------------------------


def test_amber_after_a_reentry_says_when_they_came_back_in_over_the_api(app, users, clock):
    """Entry 09:00 at gate A, exit, back in at gate B: a second entry scan is amber with the
    re-entry's time and gate, as is a retry of that scan; before any exit, amber keeps the
    first entry's."""
    event, (wayan, luh, _made) = open_event()
    scanner = _scanner(app, users.staff)
    path = f"/api/v1/events/{event.id}/checkins"
    first = scanner.post(path, json={"code": wayan.ticket_code, "gate": "A"}).json
    luh_in = scanner.post(path, json={"code": luh.ticket_code, "gate": "A"}).json
    clock.shift(timedelta(minutes=30))
    inside = scanner.post(path, json={"code": luh.ticket_code, "gate": "C"}).json  # never out
    assert (inside["status"], inside["checked_in_at"], inside["gate"]) == (
        "already_checked_in",
        luh_in["checked_in_at"],
        "A",
    )
    out = scanner.post(path, json={"code": wayan.ticket_code, "type": "exit", "gate": "A"})
    assert out.json["status"] == "checked_out"
    clock.shift(timedelta(minutes=40))
    back = scanner.post(path, json={"code": wayan.ticket_code, "gate": "B"})
    assert (back.status_code, back.json["reentry"]) == (201, True)
    clock.shift(timedelta(minutes=5))
    again = {"code": wayan.ticket_code, "gate": "C", "nonce": "amber-after-reentry"}
    amber = scanner.post(path, json=again)
    assert amber.status_code == 200 and amber.json["status"] == "already_checked_in"
    assert amber.json["checked_in_at"] == back.json["checked_in_at"] != first["checked_in_at"]
    assert amber.json["gate"] == "B"
    retry = scanner.post(path, json=again)  # the same nonce: the same answer
    assert (retry.json["checked_in_at"], retry.json["gate"]) == (
        back.json["checked_in_at"],
        "B",
    )
