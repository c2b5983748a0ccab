"""Certificates over the API (organisers): issue to everyone who completed (idempotent), list
with the verification and PDF links, revoke with a reason, one certificate's PDF."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from flask_login import current_user
from pydantic import Field

from tracker.api import openapi
from tracker.api.common import json_body, parse
from tracker.api.schemas import Strict
from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.certificates import files, services
from tracker.certificates.jobs import SIGN
from tracker.certificates.models import Certificate
from tracker.certificates.views import pdf_response
from tracker.db import utcnow
from tracker.errors import Conflict
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.http import site_url
from tracker.i18n import iso
from tracker.jobs import enqueue

bp = Blueprint("certificates", __name__)


class Gone(Conflict):
    """A revoked certificate is not handed out again."""

    code = "revoked"
    status = 410


class RevokeIn(Strict):
    reason: str = Field(min_length=1, max_length=1000)


def certificate_json(cert: Certificate, tz: str) -> dict[str, Any]:
    base = f"/api/v1/events/{cert.event_id}/certificates/{cert.id}"
    return {
        "id": cert.id,
        "number": cert.number,
        "participant": {
            "id": cert.participant_id,
            "name": cert.name,
            "agency": cert.agency,
            "category": cert.category,
        },
        "jp": float(cert.jp),
        "status": "valid" if cert.is_valid else "revoked",
        "issued_at": iso(cert.issued_at, tz),
        "revoked_at": iso(cert.revoked_at, tz),
        "revoked_reason": cert.revoked_reason or None,
        "override_reason": cert.override_reason or None,
        "verify_url": site_url(files.verify_path(cert.code)),
        "pdf_url": site_url(f"{base}.pdf"),
    }


def _list(event: Any) -> list[dict[str, Any]]:
    return [certificate_json(c, event.timezone) for c in services.event_certificates(event)]


@bp.post("/events/<int:event_id>/certificates")
@requires(Role.ORGANISER)
def issue(event_id: int) -> tuple[Response, int]:
    event = get_event(event_id)
    count = services.issue_all(event, current_user, utcnow())
    db.session.commit()
    if count and services.register_for(event, utcnow()).signing_p12:
        enqueue(SIGN, event.id, site_url(""))
    return jsonify(issued=count, certificates=_list(event)), 201 if count else 200


@bp.get("/events/<int:event_id>/certificates")
@requires(Role.ORGANISER)
def index(event_id: int) -> Response:
    event = get_event(event_id)
    response = jsonify(certificates=_list(event))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.delete("/events/<int:event_id>/certificates/<int:certificate_id>")
@requires(Role.ORGANISER)
def revoke(event_id: int, certificate_id: int) -> Response:
    event = get_event(event_id)
    cert = services.get_certificate(event, certificate_id)
    body = parse(RevokeIn, json_body())
    services.revoke(cert, current_user, utcnow(), body.reason)
    db.session.commit()
    return jsonify(status="revoked", certificate=certificate_json(cert, event.timezone))


@bp.get("/events/<int:event_id>/certificates/<int:certificate_id>.pdf")
@requires(Role.ORGANISER)
def one_pdf(event_id: int, certificate_id: int) -> Response:
    event = get_event(event_id)
    cert = services.get_certificate(event, certificate_id)
    if not cert.is_valid:
        raise Gone(f"certificate {cert.number} was revoked and can no longer be downloaded")
    data = files.render_one(cert, site_url(""))
    db.session.commit()
    return pdf_response(data, f"certificate-{cert.id}.pdf")


_CERT_ID = [openapi.path_param("event_id"), openapi.path_param("certificate_id")]
_LIST = {"type": "object", "properties": {"certificates": {"type": "array"}}}
openapi.EXTRA_MODELS.append(RevokeIn)
openapi.EXTRA_PATHS.update(
    {
        "/api/v1/events/{event_id}/certificates": {
            "post": openapi.op(
                "Issue a certificate to everyone who completed the event and has none (idempotent)",
                {
                    "201": openapi.answer("Issued: issued, certificates", _LIST),
                    "200": openapi.answer("Nothing new to issue", _LIST),
                    **openapi.errors(401, 403, 404, 409),
                },
                params=[openapi.path_param("event_id")],
            ),
            "get": openapi.op(
                "The event's certificates: number, participant, status, verify_url, pdf_url",
                {"200": openapi.answer("Certificates", _LIST), **openapi.errors(401, 403, 404)},
                params=[openapi.path_param("event_id")],
            ),
        },
        "/api/v1/events/{event_id}/certificates/{certificate_id}": {
            "delete": openapi.op(
                "Revoke a certificate, with a reason",
                {
                    "200": openapi.answer("Revoked", {"type": "object"}),
                    **openapi.errors(400, 401, 403, 404, 409, 422),
                },
                body=openapi.json_body("RevokeIn"),
                params=_CERT_ID,
            ),
        },
        "/api/v1/events/{event_id}/certificates/{certificate_id}.pdf": {
            "get": openapi.op(
                "One certificate's PDF (signed when the office signs)",
                {
                    "200": {"description": "The PDF", "content": {"application/pdf": {}}},
                    "410": openapi.answer("Revoked", openapi.ref("Error")),
                    **openapi.errors(401, 403, 404),
                },
                params=_CERT_ID,
            ),
        },
    }
)
