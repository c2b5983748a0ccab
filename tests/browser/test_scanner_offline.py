"""The Wi-Fi drops at the door: the scanner judges tickets against its downloaded list, queues
the check-ins, and sends them when the network is back, each exactly once."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from tests.browser.conftest import PHONE, log_in_page
from tests.browser.scanner_support import (
    answer,
    checkins_of,
    open_scanner,
    type_code,
    watch_errors,
)
from tests.factories import open_event
from tracker.db import utcnow
from tracker.events.services import set_archived
from tracker.extensions import db


def _queue(page):
    return page.locator("#scan-queue").get_attribute("data-count")


def test_offline_scans_are_queued_and_synced_once(new_page, live_server, users, api):
    event, (wayan, luh, made) = open_event()
    page = new_page(viewport=PHONE)
    errors = watch_errors(page)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id, gate="A")
    assert page.locator("#scanner").get_attribute("data-list") == "3"

    page.context.set_offline(True)
    page.wait_for_selector("#net-state[data-online='0']")

    def other_device_checks_in(person):
        """Another device, online at gate C, checks a person in: this page cannot know."""
        response = api("staff").post(
            f"/api/v1/events/{event.id}/checkins",
            json={
                "code": person.ticket_code,
                "gate": "C",
                "device": "tablet-C",
                "nonce": str(uuid.uuid4()),
                "method": "scanner",
                "brought_tumbler": None,
            },
        )
        assert response.status_code in (200, 201), response.get_json()

    other_device_checks_in(luh)  # before this page scans Luh
    luh_first = checkins_of(luh.id)[0].checked_in_at

    before = datetime.now(UTC)
    page.click("#tumbler button[data-tumbler='true']")
    type_code(page, wayan.ticket_code)
    first = answer(page)
    assert (first["status"], first["offline"]) == ("checked_in", "1")
    assert first["name"] == "I Wayan Sudarsana"

    type_code(page, luh.ticket_code)
    second = answer(page, first["nonce"])
    assert (second["status"], second["offline"]) == ("checked_in", "1")  # the list's guess

    type_code(page, "garbage-code-123")
    third = answer(page, second["nonce"])
    assert (third["status"], third["offline"]) == ("invalid", "1")

    # Wayan again, still offline: amber from this device's own memory, and queued too.
    type_code(page, wayan.ticket_code)
    fourth = answer(page, third["nonce"])
    assert (fourth["status"], fourth["offline"]) == ("already_checked_in", "1")
    assert "A" in fourth["title"]

    type_code(page, made.ticket_code)
    fifth = answer(page, fourth["nonce"])
    assert (fifth["status"], fifth["offline"]) == ("checked_in", "1")
    after = datetime.now(UTC)
    # The other device checks Made in later: clearly later, since the server counts scans
    # within two seconds of each other as one moment (no take-over between clocks that differ).
    time.sleep(2.5)
    other_device_checks_in(made)

    assert _queue(page) == "4"  # three check-ins and the repeat; never the unknown code
    queued = page.locator("#queue-list li[data-nonce]")
    assert queued.count() == 4
    assert "I Wayan Sudarsana" in queued.nth(0).inner_text()
    assert checkins_of(wayan.id) == []  # nothing reached the server

    time.sleep(1.5)  # the sync happens clearly later than the scans
    synced_from = datetime.now(UTC)
    page.context.set_offline(False)
    page.wait_for_selector("#scan-queue[data-count='0']", timeout=20_000)
    page.wait_for_selector("#net-state[data-online='1']")

    # One check-in per person, at the offline scan's time, not at the sync's.
    wayan_rows = checkins_of(wayan.id)
    assert len(wayan_rows) == 1
    assert before - timedelta(seconds=1) <= wayan_rows[0].checked_in_at <= after
    assert wayan_rows[0].checked_in_at < synced_from
    assert wayan_rows[0].gate == "A"
    assert wayan_rows[0].brought_tumbler is True
    luh_rows = checkins_of(luh.id)
    assert len(luh_rows) == 1
    assert luh_rows[0].checked_in_at == luh_first  # the other device was first
    assert luh_rows[0].gate == "C"
    made_rows = checkins_of(made.id)  # the earliest scan wins, even when it arrives last
    assert len(made_rows) == 1
    assert before <= made_rows[0].checked_in_at <= after
    assert made_rows[0].gate == "A"

    # The server's answers replace the local guesses in the history.
    luh_line = page.locator(f"#history-list li[data-nonce='{second['nonce']}']")
    assert luh_line.get_attribute("data-status") == "already_checked_in"
    assert luh_line.get_attribute("data-state") == "sent"
    assert "C" in luh_line.inner_text()
    wayan_line = page.locator(f"#history-list li[data-nonce='{first['nonce']}']")
    assert wayan_line.get_attribute("data-status") == "checked_in"
    assert wayan_line.get_attribute("data-state") == "sent"
    made_line = page.locator(f"#history-list li[data-nonce='{fifth['nonce']}']")
    assert made_line.get_attribute("data-status") == "checked_in"

    # A sync sent twice (the answer lost on the way) never doubles: same nonce, same answer.
    replay = page.evaluate(
        """async ({nonce, code, url}) => {
            const meta = document.querySelector('meta[name="csrf-token"]').content;
            const body = {code, brought_tumbler: true, gate: "A", device: "x",
                          nonce, scanned_at: new Date().toISOString(), method: "scanner"};
            const r = await fetch(url, {method: "POST",
                credentials: "same-origin", body: JSON.stringify(body),
                headers: {"Content-Type": "application/json", "X-CSRFToken": meta}});
            return [r.status, await r.json()];
        }""",
        {
            "nonce": first["nonce"],
            "code": wayan.ticket_code,
            "url": f"/api/v1/events/{event.id}/checkins",
        },
    )
    assert replay[0] == 201 and replay[1]["status"] == "checked_in"
    assert len(checkins_of(wayan.id)) == 1
    assert checkins_of(wayan.id)[0].checked_in_at == wayan_rows[0].checked_in_at
    assert errors == []


def test_queue_survives_a_reload_and_the_page_opens_offline(new_page, live_server, users):
    event, (wayan, *_rest) = open_event()
    page = new_page(viewport=PHONE)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id, gate="B")
    # The service worker has taken the page and its files in, at the first visit.
    page.wait_for_selector("#scanner[data-offline-ready='1']", state="attached")

    page.context.set_offline(True)
    page.reload()  # no network: the service worker serves the last copy
    page.wait_for_selector("#scanner[data-ready='1'][data-list='3']", state="attached")
    assert page.locator("#net-state").get_attribute("data-online") == "0"
    page.locator("#scan-code").focus()
    type_code(page, wayan.ticket_code)
    got = answer(page)
    assert (got["status"], got["offline"]) == ("checked_in", "1")
    assert _queue(page) == "1"

    page.reload()  # still offline: the queue is in IndexedDB, not in the page
    page.wait_for_selector("#scanner[data-ready='1']", state="attached")
    assert _queue(page) == "1"

    page.context.set_offline(False)
    page.wait_for_selector("#scan-queue[data-count='0']", timeout=20_000)
    rows = checkins_of(wayan.id)
    assert len(rows) == 1 and rows[0].gate == "B"

    # After the event: the names leave the device; a scan still waiting to be sent would stay.
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#gate-chip")
    page.click("#forget-data")
    page.wait_for_selector("#scanner:not([data-list])", state="attached")
    stored = page.evaluate(
        """(eventId) => new Promise((resolve, reject) => {
            const open = indexedDB.open("tracker-scanner");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const tx = open.result.transaction(["lists", "scans"]);
                const list = tx.objectStore("lists").get(eventId);
                const scans = tx.objectStore("scans").getAll();
                tx.oncomplete = () => resolve([list.result || null, scans.result.length]);
            };
        })""",
        event.id,
    )
    assert stored == [None, 0]


def test_an_archived_event_refuses_offline_scans_too(new_page, live_server, users):
    """The server says what shuts the door by the record; offline, the page still obeys it."""
    event, (wayan, *_rest) = open_event()
    set_archived(event, True, utcnow())
    db.session.commit()
    page = new_page(viewport=PHONE)
    errors = watch_errors(page)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id, gate="A")
    assert page.locator("#scanner").get_attribute("data-door") == "archived"
    assert page.locator("#door-banner").is_visible()

    page.context.set_offline(True)
    page.wait_for_selector("#net-state[data-online='0']")
    type_code(page, wayan.ticket_code)
    got = answer(page)
    assert (got["status"], got["offline"]) == ("not_open", "1")
    assert _queue(page) == "0"  # refused at the door, not queued for later
    assert checkins_of(wayan.id) == []
    assert errors == []
