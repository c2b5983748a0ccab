"""The signature pad in a real, phone-sized Chromium: on the door page (the person's phone) and
on the scanner after a green scan (the staff's phone), then on the daftar hadir."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from tests.browser.conftest import PHONE, log_in_page
from tests.browser.scanner_support import (
    answer,
    checkins_of,
    open_scanner,
    type_code,
    watch_errors,
)
from tests.browser.test_door_browser import fill_walk_in
from tests.factories import open_event
from tracker.checkin import door_codes as door
from tracker.checkin.models import CheckIn, Signature
from tracker.db import utcnow
from tracker.events.models import Participant
from tracker.events.registration import reissue_ticket
from tracker.extensions import db


def _signing_event():
    event, people = open_event()
    event.ask_signature = True
    db.session.commit()
    return event, people


def _sign(page, canvas: str) -> None:
    """A finger's zigzag across the pad (pointer events, as a touch screen sends them)."""
    page.locator(canvas).scroll_into_view_if_needed()  # a finger signs what it sees
    box = page.locator(canvas).bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + 0.1 * w, y + 0.7 * h)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(x + (0.1 + 0.1 * step) * w, y + (0.3 if step % 2 else 0.7) * h, steps=4)
    page.mouse.up()


def _signatures() -> list[Signature]:
    db.session.rollback()  # the server wrote in another thread
    rows = list(db.session.scalars(select(Signature)))
    db.session.rollback()
    return rows


def _signed_boxes(new_page, base, users, event) -> int:
    """The pictures on day 1's daftar hadir (PDF) as the organiser downloads it."""
    organiser = new_page()
    log_in_page(organiser, base, users.organiser.email)
    pdf = organiser.request.get(f"{base}/events/{event.id}/daftar-hadir/1/participant.pdf")
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf.body())).pages)


def _door(page, base, event) -> None:
    page.goto(f"{base}/door/{door.poster_code('test-secret', event.id)}")
    form = page.locator("form[data-form=checkin]")
    form.locator("input[name=who]").fill("0812-3000-4000")
    form.locator("input[name=tumbler][value=yes]").check()


def test_a_participant_signs_on_their_phone_at_the_door(new_page, live_server, app, users):
    event, (wayan, _luh, _made) = _signing_event()
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=3)
    errors = watch_errors(page)
    _door(page, live_server, event)
    pad = page.locator("#signature-pad")
    assert pad.is_visible()
    box = pad.bounding_box()
    assert box["width"] >= PHONE["width"] * 0.7  # wide enough to sign with a finger
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.locator("form[data-form=checkin] button[type=submit]").click()  # forgot to sign
    page.locator("#signature-error").wait_for()
    assert "Tanda tangani" in page.locator("#signature-error").inner_text()
    db.session.rollback()
    assert db.session.query(CheckIn).count() == 0

    _sign(page, "#signature-pad")
    page.locator("form[data-form=checkin] button[type=submit]").click()
    page.locator("[data-status=checked_in]").wait_for()
    page.wait_for_load_state("networkidle")
    (signature,) = _signatures()
    assert (signature.participant_id, signature.method) == (wayan.id, "door")
    assert len(signature.png) > 200
    assert [e for e in errors if "status of 422" not in e] == []  # the refused empty pad

    assert _signed_boxes(new_page, live_server, users, event) == 1  # Wayan's signature


def test_the_door_staff_hand_the_phone_over_after_a_green_scan(new_page, live_server, users):
    event, (wayan, luh, _made) = _signing_event()
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    errors = watch_errors(page)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id, gate="A")

    type_code(page, wayan.ticket_code)
    assert answer(page)["status"] == "checked_in"
    dialog = page.locator("#signature-dialog")
    dialog.wait_for(state="visible")
    assert page.locator("#signature-name").inner_text() == "I Wayan Sudarsana"
    page.click("#signature-save")  # nothing drawn yet
    assert "Lewati" in page.locator("#signature-message").inner_text()
    _sign(page, "#scanner-signature-pad")
    page.click("#signature-save")
    dialog.wait_for(state="hidden")
    (signature,) = _signatures()
    assert (signature.participant_id, signature.method) == (wayan.id, "scanner")

    # The next person skips: their box stays blank for a wet signature.
    first = page.locator("#scan-answer").get_attribute("data-nonce")
    assert page.evaluate("() => document.activeElement.id") == "scan-code"  # back for the next
    page.locator("#scan-code").fill(luh.ticket_code)  # (typing into it after the dialog is
    page.keyboard.press("Enter")  # lost in Playwright's mobile emulation; fill is not)
    assert answer(page, first)["status"] == "checked_in"
    dialog.wait_for(state="visible")
    page.click("#signature-skip")
    dialog.wait_for(state="hidden")
    assert len(_signatures()) == 1
    # The handheld scanner's field has the focus again for the next ticket.
    page.wait_for_function("() => document.activeElement.id === 'scan-code'")
    assert errors == []


def test_an_offline_scanner_keeps_the_signature_with_the_scan_and_sends_it_after(
    new_page, live_server, users
):
    """The venue's Wi-Fi is down: the person signs on the staff's phone all the same; the
    signature waits in the phone's queue with the scan and reaches the daftar hadir once the
    network is back, after the check-in it belongs to."""
    event, (wayan, luh, _made) = _signing_event()
    luh_old_code = luh.ticket_code
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    errors = watch_errors(page)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id, gate="A")
    page.context.set_offline(True)
    page.wait_for_selector("#net-state[data-online='0']")

    type_code(page, wayan.ticket_code)
    scanned = answer(page)
    assert (scanned["status"], scanned["offline"]) == ("checked_in", "1")
    dialog = page.locator("#signature-dialog")
    dialog.wait_for(state="visible")
    assert page.locator("#signature-name").inner_text() == "I Wayan Sudarsana"
    _sign(page, "#scanner-signature-pad")
    page.click("#signature-save")
    dialog.wait_for(state="hidden")
    line = page.locator(f"#history-list li[data-nonce='{scanned['nonce']}']")
    assert line.get_attribute("data-signature") == "pending"
    assert "tanda tangan menunggu" in line.inner_text()
    # Kept on the device (IndexedDB), with the scan: a PNG data URL like the online one.
    kept = page.evaluate(
        """(nonce) => new Promise((resolve) => {
            const open = indexedDB.open("tracker-scanner");
            open.onsuccess = () => {
                const get = open.result.transaction("scans").objectStore("scans").get(nonce);
                get.onsuccess = () => resolve(get.result.signature);
            };
        })""",
        scanned["nonce"],
    )
    assert kept["state"] == "pending" and kept["image"].startswith("data:image/png;base64,")
    assert checkins_of(wayan.id) == [] and _signatures() == []

    # Luh shows a ticket the organiser has re-issued since the list came down (a forwarded
    # old one): green on the offline phone, she signs; the server will refuse that scan.
    reissue_ticket(db.session.get(Participant, luh.id), utcnow())
    db.session.commit()
    page.locator("#scan-code").fill(luh_old_code)
    page.keyboard.press("Enter")
    refused = answer(page, scanned["nonce"])
    assert (refused["status"], refused["offline"]) == ("checked_in", "1")
    dialog.wait_for(state="visible")
    _sign(page, "#scanner-signature-pad")
    page.click("#signature-save")
    dialog.wait_for(state="hidden")

    page.context.set_offline(False)
    page.wait_for_selector("#scan-queue[data-count='0']", timeout=20_000)
    page.wait_for_selector(
        f"#history-list li[data-nonce='{scanned['nonce']}'][data-signature='sent']",
        timeout=20_000,
    )
    page.wait_for_selector(
        f"#history-list li[data-nonce='{refused['nonce']}'][data-signature='refused']",
        timeout=20_000,
    )
    assert checkins_of(luh.id) == []
    (checkin,) = checkins_of(wayan.id)
    (signature,) = _signatures()  # only Wayan's: Luh's went with a refused scan
    assert (signature.participant_id, signature.method) == (wayan.id, "scanner")
    assert signature.signed_at == checkin.checked_in_at  # drawn at the scan, not at the sync
    assert [e for e in errors if "status of 404" not in e] == []  # the refused (unknown) code

    assert _signed_boxes(new_page, live_server, users, event) == 1  # Wayan's signature


def test_a_walk_in_signs_when_registering_at_the_door(new_page, live_server, users):
    """Komang from the Dinas Pariwisata is not on the list: she registers on her phone at the
    door and signs in the same form, and her signature is on the day's list."""
    event, _people = _signing_event()
    event.allow_walk_ins = True
    db.session.commit()
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=3)
    errors = watch_errors(page)
    page.goto(f"{live_server}/door/{door.poster_code('test-secret', event.id)}")
    form = fill_walk_in(page, tumbler="yes")
    pad = page.locator("#w-signature-pad")
    assert pad.is_visible() and pad.bounding_box()["width"] >= PHONE["width"] * 0.7
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    form.locator("button[type=submit]").click()  # forgot to sign
    page.locator("#w-signature-error").wait_for()
    assert "Tanda tangani" in page.locator("#w-signature-error").inner_text()
    assert _signatures() == []

    form = page.locator("form[data-form=walk-in]")  # the page again, her details kept
    assert form.locator("input[name=w-name]").input_value() == "Komang Ayu Lestari"
    form.locator("input[name=w-tumbler][value=yes]").check()
    form.locator("input[name=w-consent]").check()
    _sign(page, "#w-signature-pad")
    form.locator("button[type=submit]").click()
    page.locator("[data-status=checked_in]").wait_for()
    page.wait_for_load_state("networkidle")
    (signature,) = _signatures()
    komang = db.session.get(Participant, signature.participant_id)
    assert (komang.name, komang.source) == ("Komang Ayu Lestari", "walk_in")
    db.session.rollback()
    assert signature.method == "door" and len(signature.png) > 200
    assert [e for e in errors if "status of 422" not in e] == []

    assert _signed_boxes(new_page, live_server, users, event) == 1  # her signature
