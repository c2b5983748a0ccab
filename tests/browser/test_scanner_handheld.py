"""The scanner page with a handheld scanner (a keyboard that types the code and Enter), the
tumbler toggle, the name search, and an event whose door is not open."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.browser.conftest import PHONE, log_in_page
from tests.browser.scanner_support import (
    answer,
    checkins_of,
    open_scanner,
    type_code,
    watch_errors,
)
from tests.clock import TUESDAY_NINE, WEDNESDAY_NINE
from tests.factories import open_event


def test_handheld_green_then_amber_then_red(new_page, live_server, users):
    event, (wayan, luh, made) = open_event()
    page = new_page(viewport=PHONE)
    errors = watch_errors(page)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id, gate="B")

    # The field keeps the focus: after clicking elsewhere, the scanner's typing still lands.
    page.click("h2#history-heading")
    assert page.evaluate("() => document.activeElement.id") == "scan-code"

    page.click("#tumbler button[data-tumbler='true']")  # one tap: "brought a tumbler"
    assert page.evaluate("() => document.activeElement.id") == "scan-code"
    type_code(page, wayan.ticket_code)
    first = answer(page)
    assert first["status"] == "checked_in"
    assert first["offline"] == "0"
    assert first["name"] == "I Wayan Sudarsana"
    assert "Dinas Kesehatan Kabupaten Tabanan" in first["detail"]
    # The tumbler answer went with that scan; the next person is asked afresh.
    pressed = page.locator("#tumbler button[aria-pressed='true']")
    assert pressed.get_attribute("data-tumbler") == "null"

    rows = checkins_of(wayan.id)
    assert len(rows) == 1
    assert rows[0].brought_tumbler is True
    assert rows[0].gate == "B"
    assert rows[0].method == "scanner"
    assert rows[0].device.startswith("device-")

    # The whole ticket URL, as a QR holds it, works too; the same ticket again is amber.
    type_code(page, f"{live_server}/t/{wayan.ticket_code}")
    second = answer(page, first["nonce"])
    assert second["status"] == "already_checked_in"
    assert second["name"] == "I Wayan Sudarsana"
    first_time = rows[0].checked_in_at.astimezone(ZoneInfo(event.timezone))
    assert first_time.strftime("%H:%M") in second["title"]
    assert "B" in second["title"]  # at gate B
    assert len(checkins_of(wayan.id)) == 1

    type_code(page, "not-a-ticket-at-all")
    third = answer(page, second["nonce"])
    assert third["status"] == "invalid"
    assert page.locator("#scan-answer").get_attribute("data-colour") == "bad"

    _other, (stranger, *_others) = open_event()  # a ticket of another event
    type_code(page, stranger.ticket_code)
    wrong = answer(page, third["nonce"])
    assert wrong["status"] == "wrong_event"
    assert checkins_of(stranger.id) == []

    # "No tumbler" is recorded as false; a person nobody asked stays null.
    page.click("#tumbler button[data-tumbler='false']")
    type_code(page, luh.ticket_code)
    fourth = answer(page, wrong["nonce"])
    assert fourth["status"] == "checked_in"
    type_code(page, made.ticket_code)
    answer(page, fourth["nonce"])
    assert checkins_of(luh.id)[0].brought_tumbler is False
    assert checkins_of(made.id)[0].brought_tumbler is None

    history = page.locator("#history-list li[data-nonce]")
    assert history.count() == 6
    assert page.locator("#scan-queue").get_attribute("data-count") == "0"
    # The API's 404 and 409 for the bad tickets are answers; nothing else went wrong.
    assert [e for e in errors if "404" not in e and "409" not in e] == []


def test_name_search_then_manual_check_in(new_page, live_server, users):
    event, (_, luh, _made) = open_event()
    page = new_page(viewport=PHONE)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id, gate="Lobby")
    # The page stays open longer than a CSRF token lives: a refused token is renewed and the
    # check-in sent again, without the staff member noticing.
    page.evaluate("() => document.querySelector('meta[name=csrf-token]').content = 'expired'")

    page.fill("#search-q", "arian")
    result = page.locator(f"#search-results li[data-participant-id='{luh.id}']")
    result.wait_for()
    assert "Ni Luh Ariani" in result.inner_text()
    assert page.locator("#search-results li[data-participant-id]").count() == 1
    result.locator("button").click()

    got = answer(page)
    assert got["status"] == "checked_in"
    assert got["name"] == "Ni Luh Ariani"
    rows = checkins_of(luh.id)
    assert len(rows) == 1
    assert rows[0].method == "manual"
    assert rows[0].gate == "Lobby"
    # Back to scanning: the results are gone and the code field has the focus.
    assert page.locator("#search-results li").count() == 0
    assert page.evaluate("() => document.activeElement.id") == "scan-code"
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    assert token and token != "expired"


def test_event_not_open_shows_a_banner_and_refuses(new_page, live_server, users):
    event, (wayan, *_rest) = open_event(status="draft")
    page = new_page(viewport=PHONE)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id)
    banner = page.locator("#door-banner")
    assert banner.is_visible()
    assert page.locator("#scanner").get_attribute("data-door") == "draft"

    type_code(page, wayan.ticket_code)
    got = answer(page)
    assert got["status"] == "not_open"
    assert checkins_of(wayan.id) == []


def test_the_not_open_banner_names_the_day_when_it_is_not_today(new_page, live_server, users):
    """Tuesday at the suite's clock: "opens at 08:00" would be read as today's eight o'clock;
    tomorrow's event says Wednesday. Today's says only the time (doors open 2 h early)."""
    tomorrow, _people = open_event(starts_at=WEDNESDAY_NINE)
    later_today, _others = open_event(starts_at=TUESDAY_NINE + timedelta(hours=5))
    page = new_page(viewport=PHONE)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, tomorrow.id)
    banner = page.locator("#door-banner")
    assert page.locator("#scanner").get_attribute("data-door") == "not_yet"
    assert "Rabu" in banner.inner_text() and "22" in banner.inner_text()
    open_scanner(page, live_server, later_today.id)
    assert "Selasa" not in banner.inner_text() and "12:00" in banner.inner_text()  # 2 h early
