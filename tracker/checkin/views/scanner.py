"""The door staff's scanner page: camera, handheld scanner, name search, offline queue.

The page is a shell; static/js/scanner/ does the work against the check-in API
(/api/v1/events/<id>/checkins, /tickets, /checkin-search, /attendance). Everything the script
needs (API addresses, what shuts the door by the event's record and its check-in window, the
translated words) travels in one JSON data block, because the CSP forbids inline script. The
door rule is tracker.checkin.door_rule; the script only applies the clock to what it is sent.

A small service worker, served from /scanner-sw.js so that its scope may cover the scanner
page, keeps a copy of the page and its assets: a phone that lost the Wi-Fi can reopen it. The
QR decoder (jsQR, 130 KB minified) is not among what it fetches when installed: the page loads it
only on a browser without BarcodeDetector, and the worker keeps it once it has been fetched.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from tracker.auth.access import for_devices, public, requires
from tracker.auth.roles import Role
from tracker.checkin.door_rule import door_json, door_state
from tracker.db import utcnow
from tracker.events.agenda import agenda
from tracker.events.models import EVENT_STATUS_LABELS, PARTICIPANT_CATEGORY_LABELS, Event
from tracker.events.services import get_event
from tracker.i18n import current_language
from tracker.times import moment_from

bp = Blueprint("scanner", __name__)

#: The service worker's cache; a new name makes every device drop its old copies (v2: the
#: script in ES modules; v3: the decoder minified and fetched only where needed; v4: the
#: ticket list of digests; v5: the signature pad; v6: signatures kept with offline scans).
OFFLINE_CACHE = "tracker-scanner-v6"

#: The QR decoder for browsers without BarcodeDetector (static/vendor/README.md).
DECODER = "vendor/jsqr-1.4.0/jsQR.min.js"

#: Files the service worker fetches when it is installed, so the page opens without a network.
OFFLINE_ASSETS = (
    "css/app.css",
    "css/scanner.css",
    "js/scanner.js",
    "js/signature-pad.js",
    *(
        f"js/scanner/{part}.js"
        for part in (
            "api",
            "camera",
            "feedback",
            "flow",
            "judge",
            "signature",
            "store",
            "view",
            "words",
        )
    ),
)


def _strings() -> dict[str, str]:
    """Every word scanner.js shows, translated for the page's language."""
    return {
        "checked_in": _("Checked in"),
        "reentry": _("Welcome back: in again"),
        "already": _("Already checked in"),
        "already_at": _("Already checked in at %(time)s"),
        "already_at_gate": _("Already checked in at %(time)s at gate %(gate)s"),
        "invalid": _("Not valid"),
        "wrong_event": _("Ticket of another event"),
        "not_open": _("Event not open for check-in"),
        "offline_suffix": _("(offline)"),
        "unverified": _("Saved: it is checked when the network is back"),
        "error": _("Could not check in"),
        "checking": _("Checking…"),
        "ready": _("Ready to scan"),
        "online": _("Online"),
        "offline": _("Offline: scans are kept on this phone and sent later"),
        "queued": _("queued"),
        "synced": _("sent"),
        "failed": _("refused"),
        "queue_empty": _("Nothing waiting to be sent."),
        "history_empty": _("No scans yet."),
        "no_results": _("Nobody found."),
        "check_in": _("Check in"),
        "tumbler_yes": _("Brought a tumbler"),
        "tumbler_no": _("No tumbler"),
        "tumbler_unknown": _("Tumbler: not asked"),
        "camera_start": _("Start camera"),
        "camera_stop": _("Stop camera"),
        "camera_error": _("The camera could not be opened: %(reason)s"),
        "camera_unsupported": _("This browser cannot open the camera here (HTTPS is needed)."),
        "login_again": _("Your login has expired: log in again; scans are kept and sent then."),
        "list_age": _("Ticket list: %(n)d tickets, updated %(time)s"),
        "list_missing": _("The ticket list is not on this device yet: offline checks need it."),
        "window_draft": _("This event is a draft: check-in is not open."),
        "window_closed": _("This event is closed: check-in is not open."),
        "window_archived": _("This event is archived: check-in is not open."),
        "window_not_yet": _("Check-in opens at %(time)s."),
        "window_ended": _("Check-in closed at %(time)s."),
        "forget_confirm": _("Remove this event's ticket list and sent scans from this device?"),
        "forget_blocked": _("Some scans are still waiting to be sent; they are kept."),
        "forgotten": _("Removed from this device."),
        "gate_needed": _("Name this gate first (e.g. A, B, Lobby)."),
        "checked_out": _("Checked out"),
        "checked_out_at": _("Checked out at %(time)s"),
        "not_checked_in": _("No entry today: scan the entry first"),
        "signature_empty": _("Sign in the box first, or tap Skip."),
        "signature_failed": _("The signature was not saved: try again, or tap Skip."),
        "signature_waiting": _("signature waiting to be sent"),
        "signature_sent": _("signature sent"),
        "signature_refused": _("signature not kept"),
    }


def scanner_config(event: Event) -> dict[str, Any]:
    """What scanner.js needs: addresses, the door window and the words to show."""
    api = f"/api/v1/events/{event.id}"
    return {
        "event": door_json(event),
        "urls": {
            "checkins": f"{api}/checkins",
            "tickets": f"{api}/tickets",
            "search": f"{api}/checkin-search",
            "attendance": f"{api}/attendance",
            "token": url_for("scanner.token", event_id=event.id),
            "service_worker": url_for("scanner.service_worker"),
            "decoder": url_for("static", filename=DECODER),
        },
        "signature": {"ask": event.ask_signature, "url": f"{api}/signatures"},
        "offline_cache": OFFLINE_CACHE,
        "categories": {str(key): str(label) for key, label in PARTICIPANT_CATEGORY_LABELS.items()},
        "strings": _strings(),
    }


@bp.route("/events/<int:event_id>/scan")
@requires(Role.STAFF)
@for_devices
def page(event_id: int) -> Response:
    """Raises NotFound for an unknown event."""
    event = get_event(event_id)
    now = utcnow()
    opens, closes = event.checkin_window()
    # Between two days of the event, the door opens next on the next day's.
    opens = next((w.opens_at for w in event.day_windows() if w.opens_at > now), opens)
    html = render_template(
        "checkin/scanner.html",
        event=event,
        door=door_state(event, now),
        opens_text=moment_from(opens, now, event.timezone, current_language()),
        closes_text=moment_from(closes, now, event.timezone, current_language()),
        status_label=EVENT_STATUS_LABELS.get(event.status, event.status),
        config=scanner_config(event),
        sessions=agenda(event),
    )
    response = make_response(html)
    # The page carries a CSRF token and names: keep it out of shared caches.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/events/<int:event_id>/scan/token")
@requires(Role.STAFF)
@for_devices
def token(event_id: int) -> Response:
    """A fresh CSRF token: the page stays open all day, longer than a token lives."""
    get_event(event_id)
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/scanner-sw.js")
@public
def service_worker() -> Response:
    """The service worker script. Public: it holds only addresses of static files."""
    assets = [url_for("static", filename=name) for name in OFFLINE_ASSETS]
    script = render_template(
        "checkin/scanner-sw.js",
        assets=assets,
        kept=[*assets, url_for("static", filename=DECODER)],
        cache=OFFLINE_CACHE,
    )
    response = make_response(script)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response
