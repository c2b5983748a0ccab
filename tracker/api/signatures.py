"""Signatures drawn on the scanner after a check-in, for the daftar hadir.

``POST /api/v1/events/<id>/signatures`` with ``participant_id`` and ``image`` (a data URL,
``data:image/png;base64,...``): 201 with the day it counts for. Not an image, an empty pad, or
a picture too large: 422 with ``fields.signature``; a person not checked in: 409.

``nonce`` (optional; clients without it keep working) names the check-in scan the person
signed after: the scanner's offline queue sends the scan first, then its signature with the
scan's nonce. The signature then counts for that scan's day; sending it again is harmless
(201 again, one signature kept); a scan the server refused, or one it has not received yet: 409.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from pydantic import Field

from tracker.api import openapi
from tracker.api.common import json_body, parse
from tracker.api.schemas import Strict
from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.checkin.signatures import (
    MAX_DATA_URL,
    read_signature,
    save_scan_signature,
    save_signature,
)
from tracker.db import MAX_ID, utcnow
from tracker.events.registration import get_participant
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.i18n import iso

bp = Blueprint("signatures", __name__)


class SignatureIn(Strict):
    participant_id: int = Field(gt=0, le=MAX_ID)
    #: The pad's picture as a data URL: PNG, JPEG or WebP.
    image: str = Field(min_length=1, max_length=MAX_DATA_URL)
    #: The nonce of the check-in scan it goes with (the scanner's queue); None: today's check-in.
    nonce: str | None = Field(default=None, min_length=1, max_length=64)


@bp.post("/events/<int:event_id>/signatures")
@requires(Role.STAFF)
def sign(event_id: int) -> tuple[Response, int]:
    event = get_event(event_id)
    body = parse(SignatureIn, json_body())
    person = get_participant(event, body.participant_id)
    png = read_signature(body.image)
    if body.nonce is None:
        signature = save_signature(event, person.id, png, "scanner", utcnow())
    else:
        signature = save_scan_signature(event, body.nonce, person.id, png, "scanner")
    db.session.commit()
    return jsonify(
        participant_id=person.id,
        day=signature.day.isoformat(),
        signed_at=iso(signature.signed_at, event.timezone),
    ), 201


openapi.EXTRA_MODELS.append(SignatureIn)
openapi.EXTRA_PATHS.update(
    {
        "/api/v1/events/{event_id}/signatures": {
            "post": openapi.op(
                "Keep the signature a checked-in person drew (for today's daftar hadir)",
                {
                    "201": openapi.answer(
                        "Kept: participant_id, day, signed_at", {"type": "object"}
                    ),
                    **openapi.errors(400, 401, 403, 404, 409, 422),
                },
                body=openapi.json_body("SignatureIn"),
                params=[openapi.path_param("event_id")],
            ),
        },
    }
)
