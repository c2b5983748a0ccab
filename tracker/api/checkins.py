"""Check-in over the API: scans from the door's devices, undo, attendance, tickets, search.

Every answer of ``POST .../checkins`` carries ``status`` at the top (checked_in,
already_checked_in, invalid, wrong_event, not_open; for an exit checked_out or
not_checked_in) and, for a scan that counted, the event ``day`` it counted for (and
``"reentry": true`` for a checked_in back after the day's exit); error answers also carry
the usual ``error`` object, so clients that only read ``error`` keep working. A failed scan
is still a committed row of the scan log, which is why the view answers errors itself
instead of raising.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta
from typing import Any, Literal

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field, model_validator

from tracker import audit
from tracker.api import openapi
from tracker.api.common import json_body, parse
from tracker.api.schemas import Strict
from tracker.auth.access import for_devices, require_in_office, requires
from tracker.auth.loaders import note_late_token_use
from tracker.auth.roles import Role
from tracker.checkin import services
from tracker.checkin.attendance import (
    DIGEST_ALGORITHM,
    TicketRow,
    search_participants,
    ticket_digest,
    ticket_list,
)
from tracker.checkin.day_figures import entries_by_day
from tracker.checkin.door_rule import door_json
from tracker.checkin.live_figures import attendance_body, figures_version
from tracker.checkin.models import Method, ScanResult
from tracker.db import MAX_ID, utcnow, writes_late
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.i18n import iso

bp = Blueprint("checkins", __name__)


class CheckInIn(Strict):
    """A scan. Send ``code`` (a ticket code or a whole ticket URL) or ``participant_id``.

    ``scanned_at`` is the device's time for scans synced later; without an offset it is read in
    the event's zone, and a time in the future counts as now.
    """

    code: str | None = Field(default=None, min_length=1, max_length=500)
    participant_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    brought_tumbler: bool | None = None
    gate: str = Field(default="", max_length=50)
    device: str = Field(default="", max_length=64)
    method: Literal["scanner", "manual"] = "scanner"
    nonce: str | None = Field(default=None, min_length=1, max_length=64)
    scanned_at: datetime | None = None
    #: entry (the default: the day's first is checked_in) or exit (the day's last exit).
    type: Literal["entry", "exit"] = "entry"
    #: The agenda session at whose door the scanner stands (an entry): session attendance.
    session_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    #: An organiser's late manual check-in, outside the check-in window: why (audited).
    late_reason: str | None = Field(default=None, min_length=3, max_length=500)

    @model_validator(mode="after")
    def _one_of_code_or_id(self) -> CheckInIn:
        if (self.code is None) == (self.participant_id is None):
            raise ValueError("send either code or participant_id")
        if self.type == "exit" and self.session_id is not None:
            raise ValueError("an exit is from the event's door: send no session_id")
        return self


_MESSAGES = {
    ScanResult.INVALID: lambda: _("Unknown ticket."),
    ScanResult.WRONG_EVENT: lambda: _("This ticket is for another event."),
    ScanResult.NOT_OPEN: lambda: _("Check-in is not open for this event."),
    ScanResult.NOT_IN: lambda: _("No entry today to exit from: scan the entry first."),
}


def person_json(person: services.Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {
        "id": person.id,
        "name": person.name,
        "agency": person.agency,
        "category": person.category,
    }


def outcome_json(timezone: str, outcome: services.ScanOutcome) -> dict[str, Any]:
    body: dict[str, Any] = {"status": outcome.result.value}
    if outcome.person is not None:
        body["participant"] = person_json(outcome.person)
    if outcome.result in (ScanResult.CHECKED_IN, ScanResult.ALREADY):
        body["checked_in_at"] = iso(outcome.checked_in_at, timezone)
        body["gate"] = outcome.gate
        body["day"] = outcome.day.isoformat() if outcome.day else None
        if outcome.reentry:  # back in after an exit that day ("masuk kembali")
            body["reentry"] = True
    elif outcome.result == ScanResult.CHECKED_OUT:
        body["checked_out_at"] = iso(outcome.checked_in_at, timezone)
        body["gate"] = outcome.gate
        body["day"] = outcome.day.isoformat() if outcome.day else None
    else:
        body["error"] = {
            "code": outcome.result.value,
            "message": _MESSAGES[outcome.result](),
            "fields": {},
        }
        if outcome.ticket_event_id is not None:
            body["ticket_event_id"] = outcome.ticket_event_id
    return body


def _scan_input(body: CheckInIn) -> services.ScanInput:
    """The scan; with ``late_reason`` an organiser's late manual check-in (403 for others)."""
    late = body.late_reason is not None
    if late:
        require_in_office(Role.ORGANISER)
    return services.ScanInput(
        code=body.code,
        participant_id=body.participant_id,
        brought_tumbler=body.brought_tumbler,
        gate=body.gate,
        device=body.device,
        method=Method.MANUAL if late else Method(body.method),
        kind=services.ScanKind.LATE if late else services.ScanKind(body.type),
        reason=body.late_reason or "",
        nonce=body.nonce,
        scanned_at=body.scanned_at,  # without an offset: read in the event's zone
        sync_grace=timedelta(hours=current_app.config["CHECKIN_SYNC_GRACE_HOURS"]),
        session_id=body.session_id,
    )


@bp.post("/events/<int:event_id>/checkins")
@requires(Role.STAFF)
@for_devices
@writes_late
def check_in(event_id: int) -> tuple[Response, int]:
    body = parse(CheckInIn, json_body())
    now = utcnow()
    door, outcome = services.check_in_by_event_id(event_id, _scan_input(body), current_user, now)
    note_late_token_use(now)
    answer = outcome_json(door.timezone, outcome)
    db.session.commit()
    return jsonify(answer), outcome.http_status


@bp.delete("/events/<int:event_id>/checkins/<int:participant_id>")
@requires(Role.ORGANISER)
def undo_check_in(event_id: int, participant_id: int) -> Response:
    event = get_event(event_id)
    services.undo_check_in(event, participant_id, current_user, utcnow())
    db.session.commit()
    return jsonify(status="undone", participant_id=participant_id)


@bp.get("/events/<int:event_id>/attendance")
@requires(Role.STAFF)
@for_devices
def attendance(event_id: int) -> Response:
    """Cached under the event's version (tracker/checkin/live_figures.py): its ETag; a screen
    that sends it back is answered 304 until something changed. Unchanged figures are sent
    without loading the event (the access check before the view found it in the caller's
    office; an admin's poll of a deleted event: its deletion moved the version)."""
    version = figures_version(event_id)
    etag = f"figures-{event_id}-{version}"
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        body = attendance_body(event_id, version, lambda: get_event(event_id))
        response = Response(body, mimetype="application/json")
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def ticket_json(row: TicketRow, tz: str) -> dict[str, Any]:
    """What the door shows of a ticket: no code, no contact data."""
    return {
        "participant_id": row.participant_id,
        "name": row.name,
        "agency": row.agency,
        "category": row.category,
        "checked_in_at": iso(row.checked_in_at, tz),
    }


@bp.get("/events/<int:event_id>/tickets")
@requires(Role.STAFF)
@for_devices
def tickets(event_id: int) -> Response:
    """The offline list: per ticket its keyed digest and what the door shows; logged against
    the caller (``export.ticket_list``)."""
    event = get_event(event_id)
    key, rows = secrets.token_bytes(16), ticket_list(event)
    days = entries_by_day(event)
    tickets = [
        {
            "digest": ticket_digest(key, row.code),
            **ticket_json(row, event.timezone),
            # Who is in on which day: the scanner judges day 2's scans offline with it.
            "days": {
                day.isoformat(): iso(at, event.timezone)
                for day, at in days.get(row.participant_id, {}).items()
            },
        }
        for row in rows
    ]
    body = {
        "event": door_json(event),
        "digest": {"algorithm": DIGEST_ALGORITHM, "key": _b64(key)},
        "tickets": tickets,
    }
    audit.log_export(
        "export.ticket_list",
        now=utcnow(),
        actor=current_user,
        event_id=event_id,
        details={"tickets": len(tickets)},
    )
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _b64(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode()


@bp.get("/events/<int:event_id>/checkin-search")
@requires(Role.STAFF)
@for_devices
def search(event_id: int) -> Response:
    event = get_event(event_id)
    rows = search_participants(event, request.args.get("q", "")[:100])
    return jsonify(results=[ticket_json(row, event.timezone) for row in rows])


# --- the OpenAPI description ------------------------------------------------------------------

_STATUS = {"type": "string", "enum": [r.value for r in ScanResult]}
_SCAN_ANSWER = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": _STATUS,
        "participant": {"type": "object"},
        "checked_in_at": {"type": "string", "format": "date-time"},
        "gate": {"type": "string"},
        "error": {"type": "object"},
        "ticket_event_id": {"type": "integer"},
    },
}
_OBJ = {"type": "object"}
_EVENT = [openapi.path_param("event_id")]

openapi.EXTRA_MODELS.append(CheckInIn)
openapi.EXTRA_PATHS.update(
    {
        "/api/v1/events/{event_id}/checkins": {
            "post": openapi.op(
                "Check a participant in (a scan, or a manual check-in by participant_id)",
                {
                    "201": openapi.answer("checked_in", _SCAN_ANSWER),
                    "200": openapi.answer(
                        "already_checked_in, or a retry's first answer", _SCAN_ANSWER
                    ),
                    "404": openapi.answer(
                        "invalid: unknown ticket (or an unknown event: the usual error body)",
                        {"anyOf": [_SCAN_ANSWER, openapi.ref("Error")]},
                    ),
                    "409": openapi.answer("wrong_event or not_open", _SCAN_ANSWER),
                    **openapi.errors(400, 401, 403, 422),
                },
                body=openapi.json_body("CheckInIn"),
                params=_EVENT,
            )
        },
        "/api/v1/events/{event_id}/checkins/{participant_id}": {
            "delete": openapi.op(
                "Undo a check-in (kept in the audit log)",
                {"200": openapi.answer("undone", _OBJ), **openapi.errors(401, 403, 404)},
                params=[*_EVENT, openapi.path_param("participant_id")],
            )
        },
        "/api/v1/events/{event_id}/attendance": {
            "get": openapi.op(
                "Attendance figures: totals, by agency and category, tumblers, arrivals",
                {"200": openapi.answer("Figures", _OBJ), **openapi.errors(401, 403, 404)},
                params=_EVENT,
            )
        },
        "/api/v1/events/{event_id}/tickets": {
            "get": openapi.op(
                "Every ticket of the event, for scanning offline",
                {"200": openapi.answer("Tickets", _OBJ), **openapi.errors(401, 403, 404)},
                params=_EVENT,
            )
        },
        "/api/v1/events/{event_id}/checkin-search": {
            "get": openapi.op(
                "Find participants by name or agency for a manual check-in (at most 20)",
                {"200": openapi.answer("Results", _OBJ), **openapi.errors(401, 403, 404, 422)},
                params=[
                    *_EVENT,
                    openapi.query_param("q", {"type": "string", "minLength": 2}),
                ],
            )
        },
    }
)
