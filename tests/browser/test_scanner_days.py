"""The scanner on the second day of a three-day training, and in its exit mode (issue 14):
day 2's first scan is green although the person came on day 1, a second one amber with day 2's
time and gate; an exit scan records the day's last exit, and an entry after it is green again
("masuk kembali"); an exit of someone not in today is refused; offline, the page judges day 2,
exits and re-entries from the ticket list's days and its own scans the same way, and a scan
while inside after a re-entry is amber with the time they came back in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.browser.conftest import PHONE, log_in_page
from tests.browser.scanner_support import answer, open_scanner, type_code, watch_errors
from tests.clock import TUESDAY_NINE, wita
from tests.factories import PEOPLE, make_event, register
from tracker.checkin import services
from tracker.checkin.models import CheckInDay
from tracker.extensions import db


def _three_days():
    """Monday 08:00 to Wednesday 16:00 WITA; the suite's clock (Tuesday 09:00) is day 2."""
    event = make_event(starts_at=wita(2026, 7, 20, 8), hours=24 * 2 + 8)
    people = register(event, PEOPLE)
    monday = wita(2026, 7, 20, 8, 40)
    services.check_in(event, services.ScanInput(code=people[0].ticket_code, gate="A"), None, monday)
    db.session.commit()
    return event, people


def _clock(page) -> str:
    """The page's clock (the device's: an offline scan's time) as HH:MM in WITA."""
    now = datetime.fromtimestamp(page.evaluate("Date.now()") / 1000, UTC)
    return now.astimezone(ZoneInfo("Asia/Makassar")).strftime("%H:%M")


def _days(participant_id: int) -> list[CheckInDay]:
    db.session.rollback()  # never read a stale snapshot, never hold SQLite's lock
    query = select(CheckInDay).where(CheckInDay.participant_id == participant_id)
    rows = list(db.session.scalars(query.order_by(CheckInDay.day)))
    db.session.rollback()
    return rows


def test_day_two_scan_is_green_then_amber_then_an_exit(new_page, live_server, users):
    event, (wayan, luh, _made) = _three_days()
    page = new_page(viewport=PHONE)
    errors = watch_errors(page)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id, gate="B")

    type_code(page, wayan.ticket_code)
    first = answer(page)
    assert (first["status"], first["offline"]) == ("checked_in", "0")  # came Monday, new today
    type_code(page, wayan.ticket_code)
    second = answer(page, first["nonce"])
    assert second["status"] == "already_checked_in"
    day2 = _days(wayan.id)[1].first_in_at.astimezone(ZoneInfo(event.timezone))
    assert day2.strftime("%H:%M") in second["title"] and "B" in second["title"]
    assert day2.date().isoformat() == "2026-07-21"

    page.select_option("#scan-mode", "exit")
    assert page.locator("#scanner").get_attribute("data-mode") == "exit"
    type_code(page, luh.ticket_code)  # not in today: refused
    refused = answer(page, second["nonce"])
    assert refused["status"] == "not_checked_in"
    assert page.locator("#scan-answer").get_attribute("data-colour") == "bad"
    type_code(page, wayan.ticket_code)
    out = answer(page, refused["nonce"])
    assert (out["status"], out["name"]) == ("checked_out", "I Wayan Sudarsana")
    days = _days(wayan.id)
    assert [d.last_out_at is not None for d in days] == [False, True]
    assert days[1].out_gate == "B"
    # Back from lunch: the entry after the exit is green, "welcome back", and a second amber.
    page.select_option("#scan-mode", "entry")
    type_code(page, wayan.ticket_code)
    back = answer(page, out["nonce"])
    assert (back["status"], back["title"]) == (
        "checked_in",
        "Selamat datang kembali: masuk kembali",
    )
    assert page.locator("#scan-answer").get_attribute("data-colour") == "ok"
    type_code(page, wayan.ticket_code)
    assert answer(page, back["nonce"])["status"] == "already_checked_in"
    assert _days(wayan.id)[1].last_in_at is not None
    page.select_option("#scan-mode", "exit")
    # The mode is the device's: it is still "exit" after a reload.
    page.reload()
    page.wait_for_selector("#scanner[data-ready='1']", state="attached")
    assert page.locator("#scan-mode").input_value() == "exit"
    assert [e for e in errors if "409" not in e] == []


def test_offline_the_page_judges_day_two_and_exits_from_the_list(new_page, live_server, users):
    event, (wayan, luh, _made) = _three_days()
    page = new_page(viewport=PHONE)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id, gate="C")
    page.context.set_offline(True)

    type_code(page, wayan.ticket_code)
    first = answer(page)
    assert (first["status"], first["offline"]) == ("checked_in", "1")  # Monday's is not today's
    morning = _clock(page)
    page.clock.fast_forward("30:00")  # out at lunch half an hour later
    page.select_option("#scan-mode", "exit")
    type_code(page, luh.ticket_code)
    refused = answer(page, first["nonce"])
    assert refused["status"] == "not_checked_in"
    type_code(page, wayan.ticket_code)
    out = answer(page, refused["nonce"])
    assert (out["status"], out["offline"]) == ("checked_out", "1")
    page.select_option("#scan-mode", "entry")
    type_code(page, wayan.ticket_code)  # back in: this device saw the exit
    back = answer(page, out["nonce"])
    assert (back["status"], back["offline"]) == ("checked_in", "1")
    assert back["title"].startswith("Selamat datang kembali")
    came_back = {_clock(page)}
    type_code(page, wayan.ticket_code)  # inside again: amber says when they came back in
    amber = answer(page, back["nonce"])
    came_back.add(_clock(page))  # (the minute may turn between the two scans)
    assert (amber["status"], amber["offline"]) == ("already_checked_in", "1")
    assert any(t in amber["title"] for t in came_back) and morning not in amber["title"]

    assert page.locator("#scan-queue").get_attribute("data-count") == "4"  # not the refusal
    page.context.set_offline(False)
    page.wait_for_selector("#scan-queue[data-count='0']", timeout=20_000)
    days = _days(wayan.id)
    assert len(days) == 2 and days[1].gate == "C" and days[1].last_out_at is not None
    assert days[1].first_in_at <= TUESDAY_NINE + timedelta(minutes=5)
