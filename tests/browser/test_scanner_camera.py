"""The scanner page reads a real ticket QR from a camera: Chromium's fake camera plays a video
of the QR of a participant's ticket URL, and the page decodes it (BarcodeDetector where the
browser has one, else the vendored jsQR: Debian's Chromium on Linux has none)."""

from __future__ import annotations

import urllib.request
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


def _logged_in_camera(camera: Any, live_server: str, users: Any) -> tuple[Any, Any, list[str]]:
    """A phone-sized page of ``camera`` (the camera allowed), logged in as staff."""
    context = camera.new_context(viewport=PHONE)
    set_browser_clock(context)
    context.grant_permissions(["camera"], origin=live_server)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = watch_errors(page)
    log_in_page(page, live_server, users.staff.email)
    return context, page, errors


def test_camera_reads_a_ticket_qr_and_checks_in(camera_browser, live_server, users, tmp_path):
    event, (wayan, luh, _made) = open_event()
    ticket_url = f"{live_server}/t/{luh.ticket_code}"  # what the printed ticket's QR holds
    video = write_y4m(tmp_path / "ticket.y4m", qr_frame(ticket_url))
    context, page, errors = _logged_in_camera(camera_browser(video), live_server, users)
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


def _wire_bytes(url: str) -> int:
    """The bytes a browser gets for ``url`` (gzip accepted): the body as sent and the headers."""
    with urllib.request.urlopen(
        urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    ) as response:
        return len(response.read()) + len(str(response.headers))


def _static_bytes(page: Any, into: dict[str, int]) -> None:
    """Record the bytes on the wire (headers and the body as sent) of every file the page gets.

    What the service worker fetched for the page is not seen here (Playwright reports the
    worker's own requests elsewhere): it is fetched again to count it, as the worker got it.
    """

    def finished(request: Any) -> None:
        response = request.response()
        if response is None:
            return
        if response.from_service_worker:
            into[request.url] = -1  # counted afterwards, or not at all on a reopening
            return
        sizes = request.sizes()
        into[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]

    page.on("requestfinished", finished)


def test_the_scanner_loads_on_3g_and_reopens_from_the_worker(
    camera_browser, live_server, users, tmp_path
):
    """First open with the camera (the decoder fetched, as on a browser without
    BarcodeDetector) under 100 KB on the wire; the next open takes its files from the worker."""
    event, (wayan, luh, _made) = open_event()
    video = write_y4m(tmp_path / "ticket.y4m", qr_frame(f"{live_server}/t/{luh.ticket_code}"))
    context, page, errors = _logged_in_camera(camera_browser(video), live_server, users)

    first: dict[str, int] = {}
    _static_bytes(page, first)
    open_scanner(page, live_server, event.id, gate="A")
    page.click("#camera-toggle")
    assert answer(page)["status"] == "checked_in"
    page.click("#camera-toggle")
    files = {
        url: size if size >= 0 else _wire_bytes(url)
        for url, size in first.items()
        if "/api/" not in url and "/static/" in url or url.endswith("/scan")
    }
    decoder = [url for url in files if url.endswith("/jsQR.min.js")]
    if page.evaluate("() => 'BarcodeDetector' in window"):
        assert decoder == []
    else:
        assert len(decoder) == 1 and files[decoder[0]] < 50_000  # gzipped
    assert any(url.endswith("/static/js/scanner/view.js") for url in files)
    assert sum(files.values()) < 100_000, files

    again: dict[str, int] = {}
    _static_bytes(page, again)
    page.reload()
    page.wait_for_selector("#scanner[data-ready='1'][data-list]", state="attached")
    page.click("#camera-toggle")
    page.wait_for_selector("#scanner[data-camera='on']", state="attached")
    page.click("#camera-toggle")
    # Scripts, styles and the decoder now come from the worker's cache (its background
    # refresh goes out from the worker itself, not from the page).
    assert [url for url, size in again.items() if "/static/" in url and size >= 0] == []
    assert any(url.endswith("/jsQR.min.js") for url in again) == bool(decoder)
    assert errors == []
    context.close()
