"""The scanner page: who may open it, what it hands the script, the door banner, the worker."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from tests.factories import make_event
from tracker.checkin.door_rule import door_state
from tracker.db import utcnow
from tracker.events.models import Event
from tracker.events.services import set_archived
from tracker.extensions import db


def _event(status: str = "open", starts_in: timedelta = timedelta(hours=1)) -> Event:
    return make_event(starts_at=utcnow() + starts_in, hours=7, status=status, venue=None)


def _config(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="scanner-config">(.*?)</script>', html)
    assert match, "the page carries its configuration as a JSON data block"
    return json.loads(match.group(1))


def test_anonymous_is_sent_to_log_in(client, users):
    event = _event()
    response = client.get(f"/events/{event.id}/scan")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_event_is_404(as_role):
    assert as_role("staff").get("/events/999999/scan").status_code == 404


def test_staff_gets_the_page_with_its_configuration(as_role):
    event = _event()
    response = as_role("staff").get(f"/events/{event.id}/scan")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="csrf-token"' in html
    assert 'id="scan-code"' in html and "autofocus" in html
    assert "js/scanner.js" in html
    # The decoder is not on the page: the script loads it only without BarcodeDetector.
    assert "jsQR" not in html.split('id="scanner-config"')[0]
    config = _config(html)
    assert config["urls"]["decoder"] == "/static/vendor/jsqr-1.4.0/jsQR.min.js"
    assert config["event"]["id"] == event.id
    assert config["event"]["timezone"] == "Asia/Makassar"
    assert config["event"]["checkin_opens_at"].endswith("+08:00")
    assert config["urls"]["checkins"] == f"/api/v1/events/{event.id}/checkins"
    assert config["urls"]["tickets"] == f"/api/v1/events/{event.id}/tickets"
    assert set(config["categories"]) == {"participant", "speaker", "committee", "press"}
    # No inline script may run under the CSP: every <script> is a file or a JSON data block.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag
    assert not re.search(r"<[^>]+\son\w+=", html)  # no onclick= and the like
    assert "private" in response.headers["Cache-Control"]


def test_open_event_has_no_banner(as_role):
    event = _event()
    html = as_role("staff").get(f"/events/{event.id}/scan").get_data(as_text=True)
    assert 'data-door="open"' in html
    assert re.search(r'id="door-banner" role="alert" hidden', html)


def test_draft_event_shows_the_not_open_banner(as_role):
    event = _event(status="draft")
    html = as_role("staff").get(f"/events/{event.id}/scan").get_data(as_text=True)
    assert 'data-door="draft"' in html
    assert not re.search(r'id="door-banner" role="alert" hidden', html)


def test_door_state_follows_status_and_window(app):
    now = utcnow()
    assert door_state(_event(), now) == "open"
    assert door_state(_event(status="closed"), now) == "closed"
    assert door_state(_event(starts_in=timedelta(days=2)), now) == "not_yet"
    assert door_state(_event(starts_in=-timedelta(days=2)), now) == "ended"


def test_token_gives_a_fresh_csrf_token(as_role):
    event = _event()
    response = as_role("staff").get(f"/events/{event.id}/scan/token")
    assert response.status_code == 200
    assert response.get_json()["csrf_token"]
    assert response.headers["Cache-Control"] == "no-store"


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/scanner-sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    assert '"/static/js/scanner.js"' in body
    # Installing the worker does not fetch the decoder; it is kept once the page loaded it.
    assets = json.loads(re.search(r"const ASSETS = (.*);", body).group(1))
    kept = json.loads(re.search(r"const KEPT = (.*);", body).group(1))
    assert "/static/vendor/jsqr-1.4.0/jsQR.min.js" not in assets
    assert "/static/vendor/jsqr-1.4.0/jsQR.min.js" in kept
    assert set(assets) < set(kept)


def test_vendored_decoder_is_minified_beside_its_licence(app):
    from pathlib import Path

    vendor = Path(app.static_folder) / "vendor" / "jsqr-1.4.0"
    decoder = (vendor / "jsQR.min.js").read_text()
    assert 100_000 < len(decoder) < 140_000  # the original is 257 KB
    assert decoder.startswith("/*! jsQR 1.4.0, Apache-2.0")
    assert "Apache License" in (vendor / "LICENSE").read_text()


def test_an_archived_event_shows_its_banner_and_tells_the_script(as_role):
    """The server decides what shuts the door by the record; the script applies the window."""
    event = _event()
    set_archived(event, True, utcnow())
    db.session.commit()
    staff = as_role("staff")
    html = staff.get(f"/events/{event.id}/scan").get_data(as_text=True)
    assert 'data-door="archived"' in html
    assert not re.search(r'id="door-banner" role="alert" hidden', html)
    assert _config(html)["event"]["closed"] == "archived"
    listed = staff.get(f"/api/v1/events/{event.id}/tickets").get_json()
    assert listed["event"]["closed"] == "archived"
    assert door_state(event, utcnow()) == "archived"


def test_an_open_event_is_shut_by_nothing_in_its_record(as_role):
    event = _event()
    html = as_role("staff").get(f"/events/{event.id}/scan").get_data(as_text=True)
    assert _config(html)["event"]["closed"] is None


def test_the_worker_keeps_every_module_the_script_imports(client, app):
    """The scanner is ES modules with no build step: a part the worker does not keep would
    break a reopening without network."""
    import os
    from pathlib import Path

    static = Path(app.static_folder)
    kept = set(json.loads(re.search(r"const ASSETS = (\[.*?\]);", _worker(client)).group(1)))
    pending, seen = ["js/scanner.js"], set()
    while pending:
        name = pending.pop()
        seen.add(name)
        source = (static / name).read_text()
        for part in re.findall(r'^import .* from "(\.\.?/[\w/.-]+)";$', source, re.M):
            target = os.path.normpath(Path(name).parent / part)
            if target not in seen:
                pending.append(target)
    assert len(seen) > 5
    assert {f"/static/{name}" for name in seen} <= kept


def _worker(client) -> str:
    return client.get("/scanner-sw.js").get_data(as_text=True)


def test_the_banner_names_the_day_of_a_door_that_opens_another_day(as_role):
    """Tuesday 09:00 by the suite's clock: Wednesday's event opens "Rabu, 22 Jul 2026 07.00
    WITA", not "07.00", which would read as this morning."""
    event = _event(starts_in=timedelta(days=1))
    html = as_role("staff").get(f"/events/{event.id}/scan").get_data(as_text=True)
    assert "Check-in dibuka pada Rabu, 22 Jul 2026 07.00 WITA." in html
