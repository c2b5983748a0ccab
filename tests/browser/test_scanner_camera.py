"""The scanner page reads a real ticket QR from a camera: Chromium's fake camera plays a video
of the QR of a participant's ticket URL, and the page decodes it (BarcodeDetector where the
browser has one, else the vendored jsQR: Debian's Chromium on Linux has none)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    CHROMIUM_ARGS,
    PHONE,
    chromium_path,
    log_in_page,
    set_browser_clock,
)
from tests.browser.scanner_support import (
    answer,
    checkins_of,
    open_scanner,
    qr_frame,
    watch_errors,
    write_y4m,
)
from tests.factories import open_event


@pytest.fixture
def camera_browser(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """``launch(video)``: a second Chromium whose camera plays ``video`` (a .y4m file).

    It is launched through the suite's Playwright (one per thread is all Playwright allows).
    """
    launched: list[Any] = []

    def launch(video: Path) -> Any:
        args = [
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
        camera = browser.browser_type.launch(executable_path=chromium_path(), args=args)
        launched.append(camera)
        return camera

    yield launch
    for camera in launched:
        camera.close()


def test_camera_reads_a_ticket_qr_and_checks_in(camera_browser, live_server, users, tmp_path):
    event, (wayan, luh, _made) = open_event()
    ticket_url = f"{live_server}/t/{luh.ticket_code}"  # what the printed ticket's QR holds
    video = write_y4m(tmp_path / "ticket.y4m", qr_frame(ticket_url))

    camera = camera_browser(video)
    context = camera.new_context(viewport=PHONE)
    set_browser_clock(context)
    context.grant_permissions(["camera"], origin=live_server)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = watch_errors(page)
    log_in_page(page, live_server, users.staff.email)
    open_scanner(page, live_server, event.id, gate="A")

    page.click("#camera-toggle")
    got = answer(page)
    assert got["status"] == "checked_in", got
    assert got["name"] == "Ni Luh Ariani"
    assert page.locator("#scanner").get_attribute("data-camera") == "on"
    # Debian's Chromium on Linux has no BarcodeDetector: this is the vendored jsQR at work.
    expected = "barcode-detector" if page.evaluate("() => 'BarcodeDetector' in window") else "jsqr"
    assert page.locator("#scanner").get_attribute("data-decoder") == expected

    rows = checkins_of(luh.id)
    assert len(rows) == 1
    assert rows[0].method == "scanner"
    assert rows[0].gate == "A"
    assert checkins_of(wayan.id) == []

    # The camera keeps seeing the same ticket, held up to the lens: it is read once, not
    # green and then amber every few seconds.
    page.wait_for_timeout(5000)
    assert page.locator("#history-list li[data-nonce]").count() == 1
    assert page.locator("#scan-answer").get_attribute("data-nonce") == got["nonce"]
    assert len(checkins_of(luh.id)) == 1

    page.click("#camera-toggle")
    assert page.locator("#scanner").get_attribute("data-camera") == "off"
    assert errors == []
    context.close()
