"""The certificate design's live preview in a real browser: typing changes the picture."""

from __future__ import annotations

from tests.browser.conftest import log_in_page
from tests.factories import make_event


def test_the_preview_follows_the_typing(page, live_server, users):
    event = make_event()
    log_in_page(page, live_server, users.organiser.email)
    page.goto(f"{live_server}/events/{event.id}/certificates/design")
    preview = page.locator("#certificate-preview")
    page.wait_for_function(
        "() => document.getElementById('certificate-preview').src.startsWith('blob:')"
    )
    first = preview.get_attribute("src")
    page.fill("#title", "PIAGAM PENGHARGAAN")
    # The new src is set before the browser has decoded it: wait for the new picture itself.
    page.wait_for_function(
        "(first) => { const img = document.getElementById('certificate-preview');"
        " return img.src !== first && img.complete && img.naturalWidth > 0; }",
        arg=first,
    )
    width = page.evaluate("() => document.getElementById('certificate-preview').naturalWidth")
    height = page.evaluate("() => document.getElementById('certificate-preview').naturalHeight")
    assert width > height > 0  # A4 landscape, drawn by the server from the real PDF
