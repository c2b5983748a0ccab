"""The public side of certificates: the verification page behind the QR code (/v/<code>), and
a participant's own certificate beside their ticket (/t/<code>/certificate.pdf).

The verification page shows the name, the event, its dates, the JP, the issuer, and whether the
certificate is valid or revoked: nothing else (no agency, no contact, no ticket, no number to
guess others by). Its code is 128 random bits, so pages cannot be found by counting.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.auth.access import public
from tracker.certificates import files, services, texts
from tracker.certificates.models import Certificate
from tracker.certificates.views import pdf_response, revoked_page
from tracker.checkin.services import ticket_code_from
from tracker.errors import NotFound
from tracker.events.models import Participant
from tracker.extensions import db
from tracker.http import site_url

bp = Blueprint("verify", __name__)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/v/<code>")
@public
def verify(code: str) -> tuple[Response, int]:
    cert = services.by_code(code)
    if cert is None:
        html = render_template("certificates/verify.html", cert=None)
        return _private(Response(html, mimetype="text/html")), 404
    event = cert.event
    language = services.design_for(event).language
    facts = {
        "name": cert.name,
        "event": event.title,
        "dates": files.event_dates(event, language),
        "jp": texts.jp_text(cert.jp, language),
        "issuer": event.organiser_unit,
    }
    html = render_template("certificates/verify.html", cert=cert, facts=facts)
    return _private(Response(html, mimetype="text/html")), 200


def _participant(code: str) -> Participant:
    clean = ticket_code_from(code)
    query = select(Participant).where(Participant.ticket_code == clean)
    person = db.session.scalar(query) if clean else None
    if person is None:
        raise NotFound(_("Unknown ticket."))
    return person


@bp.route("/t/<code>/certificate.pdf")
@public
def participant_pdf(code: str) -> Response | tuple[str, int]:
    person = _participant(code)
    cert = services.latest_certificate_of(person)
    if cert is None:
        raise NotFound(_("There is no certificate for this ticket (yet)."))
    if not cert.is_valid:
        return revoked_page(cert)
    data = files.render_one(cert, site_url(""))
    db.session.commit()
    return _private(pdf_response(data, f"sertifikat-{cert.id}.pdf", inline=False))


@bp.app_context_processor
def _certificate_of() -> dict[str, Any]:
    """For the ticket page: the person's latest certificate, to offer it for download."""

    def certificate_of(person: Participant) -> Certificate | None:
        return services.latest_certificate_of(person)

    return {"certificate_of": certificate_of}
