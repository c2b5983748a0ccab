"""A door phone paired by the QR on the organiser's screen, in Chromium: no login, it scans
its event's tickets, and stops at once when the organiser revokes it."""

from __future__ import annotations

from tests.browser.conftest import PHONE, log_in_page
from tests.browser.scanner_support import answer, checkins_of, open_scanner, type_code, watch_errors
from tests.factories import open_event


def test_a_paired_phone_scans_until_revoked(new_page, live_server, users):
    event, (wayan, luh, _made) = open_event()
    desk = new_page()
    log_in_page(desk, live_server, users.organiser.email)
    desk.goto(f"{live_server}/events/{event.id}")
    desk.fill("#device-label", "HP Wayan")
    desk.click("#devices button[type=submit]")
    link = desk.locator("code").inner_text()
    assert "/pair/" in link and desk.locator("#pairing-qr").is_visible()

    phone = new_page(viewport=PHONE)
    errors = watch_errors(phone)
    phone.goto(link)
    phone.wait_for_url(f"{live_server}/events/{event.id}/scan")
    open_scanner(phone, live_server, event.id, gate="A")
    type_code(phone, wayan.ticket_code)
    first = answer(phone)
    assert (first["status"], first["offline"]) == ("checked_in", "0")
    assert len(checkins_of(wayan.id)) == 1

    desk.goto(f"{live_server}/events/{event.id}")
    assert "HP Wayan" in desk.locator("#devices").inner_text()
    desk.click("#devices tr[data-device] button")
    type_code(phone, luh.ticket_code)
    phone.wait_for_selector("#login-banner:not([hidden])")
    assert checkins_of(luh.id) == []
    assert all("401" in e for e in errors), errors  # only the refused scan
