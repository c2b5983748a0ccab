"""Door devices: the organiser pairs a phone by showing it a QR, and revokes it in one tap.

The QR carries a one-time code (``auth.devices``); the phone that opens it is given its own
secret in a cookie and lands on the scanner page of that one event.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth import devices
from tracker.auth.access import public, requires
from tracker.auth.roles import Role
from tracker.checkin.tickets import qr_data_uri
from tracker.db import utcnow
from tracker.errors import NotFound
from tracker.events.services import get_event
from tracker.extensions import db, limiter
from tracker.forms import ConfirmForm
from tracker.http import site_url

bp = Blueprint("devices", __name__)


@bp.route("/events/<int:event_id>/devices", methods=["POST"])
@requires(Role.ORGANISER)
def pair_new(event_id: int) -> str | Response:
    """A new device to pair: the page with its QR (shown once; a reload needs a new one)."""
    event = get_event(event_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("events.show", event_id=event.id))
    grace = timedelta(hours=current_app.config["CHECKIN_SYNC_GRACE_HOURS"])
    now = utcnow()
    label = request.form.get("label", "")
    device, code = devices.start_pairing(
        event.id, label, event.checkin_window()[1] + grace, current_user, now
    )
    db.session.commit()
    link = site_url(url_for("devices.pair", code=code))
    return render_template(
        "checkin/pair.html",
        event=event,
        device=device,
        qr=qr_data_uri(link),
        link=link,
        minutes=int(devices.PAIRING_TTL.total_seconds() // 60),
    )


@bp.route("/pair/<code>")
@public
@limiter.limit("20 per minute")
def pair(code: str) -> Response:
    """Opened by the door device's camera: the device is paired once, and sent to scan."""
    now = utcnow()
    paired = devices.pair(code, now)
    if paired is None:
        raise NotFound(_("This pairing code is used or expired: ask the organiser for a new one."))
    device, secret = paired
    db.session.commit()
    response = redirect(url_for("scanner.page", event_id=device.event_id))
    response.set_cookie(
        devices.DEVICE_COOKIE,
        secret,
        max_age=int((device.expires_at - now).total_seconds()),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/events/<int:event_id>/devices/<int:device_id>/revoke", methods=["POST"])
@requires(Role.ORGANISER)
def revoke(event_id: int, device_id: int) -> Response:
    device = devices.get_device(event_id, device_id)
    if device is None:
        raise NotFound(_("No such device."))
    if ConfirmForm().validate_on_submit():
        devices.revoke(device, current_user, utcnow())
        db.session.commit()
        flash(_("The device can no longer scan."), "success")
    return redirect(url_for("events.show", event_id=event_id) + "#devices")
