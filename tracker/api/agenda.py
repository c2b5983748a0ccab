"""The agenda over the API: ``/api/v1/events/<id>/sessions`` (list, add, change, remove,
reorder). Reading is for staff (the scanner chooses a session's door); writing for organisers."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from flask import Blueprint, Response, jsonify
from flask_login import current_user
from pydantic import Field

from tracker.api import openapi
from tracker.api.common import json_body, parse
from tracker.api.schemas import Strict
from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.db import MAX_ID, utcnow
from tracker.events import agenda as agenda_services
from tracker.events.agenda import SessionInput
from tracker.events.models import AgendaSession, Event
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.i18n import iso

bp = Blueprint("agenda", __name__)


class SessionIn(Strict):
    """A session: ``day`` is one of the event's days (YYYY-MM-DD), ``starts`` and ``ends`` the
    local clock (HH:MM; before 06:00 the night after). ``speakers``: participant ids of the
    event's narasumber, or names (a name nobody has is registered as a speaker)."""

    title: str = Field(min_length=1, max_length=300)
    day: date
    starts: time
    ends: time
    room: str = Field(default="", max_length=200)
    jp: int = Field(default=0, ge=0, le=40)
    speakers: list[int | str] = Field(default_factory=list, max_length=10)


class OrderIn(Strict):
    ids: list[int] = Field(max_length=500)


def session_json(event: Event, session: AgendaSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "title": session.title,
        "day": session.day.isoformat(),
        "starts_at": iso(session.starts_at, event.timezone),
        "ends_at": iso(session.ends_at, event.timezone),
        "room": session.room,
        "jp": session.jp,
        "position": session.position,
        "speakers": [
            {"id": s.participant.id, "name": s.participant.name, "agency": s.participant.agency}
            for s in session.speakers
        ],
    }


def _input(body: SessionIn) -> SessionInput:
    return SessionInput(
        body.title, body.day, body.starts, body.ends, body.room, body.jp, list(body.speakers)
    )


def _listing(event: Event) -> Response:
    sessions = agenda_services.agenda(event)
    return jsonify(
        event_id=event.id,
        total_jp=sum(s.jp for s in sessions),
        sessions=[session_json(event, s) for s in sessions],
    )


@bp.get("/events/<int:event_id>/sessions")
@requires(Role.STAFF)
def sessions(event_id: int) -> Response:
    return _listing(get_event(event_id))


@bp.post("/events/<int:event_id>/sessions")
@requires(Role.ORGANISER)
def add(event_id: int) -> tuple[Response, int]:
    event = get_event(event_id)
    body = parse(SessionIn, json_body())
    session = agenda_services.add_session(event, _input(body), current_user, utcnow())
    answer = session_json(event, session)
    db.session.commit()
    return jsonify(answer), 201


@bp.put("/events/<int:event_id>/sessions/<int:session_id>")
@requires(Role.ORGANISER)
def edit(event_id: int, session_id: int) -> Response:
    event = get_event(event_id)
    session = agenda_services.get_session(event, session_id)
    body = parse(SessionIn, json_body())
    agenda_services.edit_session(event, session, _input(body), current_user, utcnow())
    answer = session_json(event, session)
    db.session.commit()
    return jsonify(answer)


@bp.delete("/events/<int:event_id>/sessions/<int:session_id>")
@requires(Role.ORGANISER)
def remove(event_id: int, session_id: int) -> Response:
    event = get_event(event_id)
    session = agenda_services.get_session(event, session_id)
    agenda_services.remove_session(event, session, current_user, utcnow())
    db.session.commit()
    return jsonify(status="removed", id=session_id)


@bp.post("/events/<int:event_id>/sessions/order")
@requires(Role.ORGANISER)
def reorder(event_id: int) -> Response:
    event = get_event(event_id)
    body = parse(OrderIn, json_body())
    ids = [i for i in body.ids if 0 < i <= MAX_ID]
    agenda_services.reorder_sessions(event, ids, current_user, utcnow())
    db.session.commit()
    return _listing(event)


_IDS = [openapi.path_param("event_id"), openapi.path_param("session_id")]
_ONE = {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}}
_LIST = {"type": "object", "properties": {"sessions": {"type": "array"}}}
openapi.EXTRA_MODELS.extend([SessionIn, OrderIn])
openapi.EXTRA_PATHS.update(
    {
        "/api/v1/events/{event_id}/sessions": {
            "get": openapi.op(
                "The agenda: sessions by day and order, with speakers, JP and total_jp",
                {"200": openapi.answer("Sessions", _LIST), **openapi.errors(401, 403, 404)},
                params=[openapi.path_param("event_id")],
            ),
            "post": openapi.op(
                "Add a session (refused with 422 outside the event's days)",
                {"201": openapi.answer("Added", _ONE), **openapi.errors(400, 401, 403, 404, 422)},
                body=openapi.json_body("SessionIn"),
                params=[openapi.path_param("event_id")],
            ),
        },
        "/api/v1/events/{event_id}/sessions/{session_id}": {
            "put": openapi.op(
                "Change a session",
                {"200": openapi.answer("Changed", _ONE), **openapi.errors(400, 401, 403, 404, 422)},
                body=openapi.json_body("SessionIn"),
                params=_IDS,
            ),
            "delete": openapi.op(
                "Remove a session (with its attendance)",
                {
                    "200": openapi.answer("Removed", {"type": "object"}),
                    **openapi.errors(401, 403, 404),
                },
                params=_IDS,
            ),
        },
        "/api/v1/events/{event_id}/sessions/order": {
            "post": openapi.op(
                "Reorder the agenda: ids, every session once",
                {
                    "200": openapi.answer("The agenda", _LIST),
                    **openapi.errors(400, 401, 403, 404, 422),
                },
                body=openapi.json_body("OrderIn"),
                params=[openapi.path_param("event_id")],
            ),
        },
    }
)
