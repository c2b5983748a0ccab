"""A participant's ticket: the page behind the link they receive, and its QR as PNG and SVG.

Public (the ticket code is the secret) and made to be shown at the door from a phone with no
signal: the QR is inside the page as a data: URI, the page needs only its own CSS, and the
browser may keep it for a day.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from sqlalchemy import select

from tracker.auth.access import public
from tracker.checkin import tickets
from tracker.checkin.services import ticket_code_from
from tracker.events.agenda import agenda
from tracker.events.models import Participant, category_label
from tracker.extensions import db
from tracker.http import send_bytes, site_url
from tracker.i18n import localised_event_when

bp = Blueprint("tickets", __name__)

#: Long enough to open the ticket again at the door without a signal; a re-issued ticket has
#: a new URL, so a kept old page shows a code the scanner refuses (staff then search by name).
TICKET_CACHE = "private, max-age=86400"


def ticket_path(code: str) -> str:
    """The ticket page's path: a message written on the worker adds the site's address."""
    return f"/t/{code}"


def ticket_url(code: str) -> str:
    return site_url(ticket_path(code))


def _participant(code: str) -> Participant:
    clean = ticket_code_from(code)
    person = (
        db.session.scalar(select(Participant).where(Participant.ticket_code == clean))
        if clean
        else None
    )
    if person is None:
        abort(404)
    return person


def _private(body: bytes | str, mimetype: str) -> Response:
    response = send_bytes(body, mimetype, cache=TICKET_CACHE)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/t/<code>")
@public
def show(code: str) -> Response:
    person = _participant(code)
    event = person.event
    url = ticket_url(person.ticket_code)
    html = render_template(
        "tickets/ticket.html",
        person=person,
        event=event,
        category=category_label(person.category),
        when=localised_event_when(event.starts_at, event.ends_at, event.timezone),
        where=event.where(),
        qr=tickets.qr_data_uri(url),
        url=url,
        sessions=agenda(event),
    )
    return _private(html, "text/html")


@bp.route("/t/<code>/qr.png")
@public
def qr_png(code: str) -> Response:
    person = _participant(code)
    png = tickets.qr_png(ticket_url(person.ticket_code))
    return _private(png, "image/png")


@bp.route("/t/<code>/qr.svg")
@public
def qr_svg(code: str) -> Response:
    person = _participant(code)
    svg = tickets.qr_svg(ticket_url(person.ticket_code))
    return _private(svg, "image/svg+xml")
