"""Attendance per person over the API, and the settings it is measured by: the days' doors
and the event's completion rule."""

from __future__ import annotations

from datetime import date, time
from typing import Any, Literal

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field

from tracker.api import openapi
from tracker.api.common import json_body, parse
from tracker.api.schemas import Strict
from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.checkin.presence import EventPresence, Filter, PersonRow, attendance_list
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events.agenda import DayDoor, set_completion_rule, set_day_doors
from tracker.events.models import Event
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.i18n import iso

bp = Blueprint("presence", __name__)


class CompletionIn(Strict):
    rule: Literal["every_day", "jp_percent"]
    percent: int = Field(default=80, ge=1, le=100)


class DayDoorIn(Strict):
    day: date
    opens: time
    closes: time


class DayDoorsIn(Strict):
    doors: list[DayDoorIn] = Field(max_length=60)


def person_json(event: Event, row: PersonRow) -> dict[str, Any]:
    tz, person = event.timezone, row.presence
    return {
        "participant_id": row.participant_id,
        "name": row.name,
        "agency": row.agency,
        "category": row.category,
        "days_present": person.days_present,
        "days": {
            day.isoformat(): {
                "first_in_at": iso(first, tz),
                "last_out_at": iso(out, tz),
                "inside": [
                    {"from": iso(span.start, tz), "until": iso(span.end, tz)}
                    for span in person.inside.get(day, [])
                ],
                # Nobody scanned them out after their last entry: counted to the door's closing.
                "no_exit": day in person.no_exit_days,
            }
            for day, (first, out) in sorted(person.days.items())
        },
        "sessions": sorted(person.sessions),
        "hours_inside": person.hours_inside,
        "jp": person.jp,
        "completed": person.completed,
    }


def rule_json(measured: EventPresence) -> dict[str, Any]:
    return {
        "days": [day.isoformat() for day in measured.days],
        "total_jp": measured.total_jp,
        "rule": measured.rule,
        "percent": measured.percent,
        "needed_jp": measured.needed_jp(),
    }


def _wanted() -> tuple[Filter | None, date | None]:
    """The ``filter`` and ``day`` query parameters. Raises ValidationFailed for bad ones."""
    raw, raw_day = request.args.get("filter", ""), request.args.get("day", "")
    try:
        wanted = Filter(raw) if raw else None
        day = date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        raise ValidationFailed(
            _("filter is one of present, not_arrived, absent, incomplete; day is YYYY-MM-DD."),
            {"filter": _("Unknown filter or day.")},
        ) from None
    return wanted, day


@bp.get("/events/<int:event_id>/attendance/people")
@requires(Role.STAFF)
def people(event_id: int) -> Response:
    event = get_event(event_id)
    wanted, day = _wanted()
    measured, rows = attendance_list(event, wanted, day, utcnow())
    return jsonify(
        event_id=event.id,
        **rule_json(measured),
        people=[person_json(event, row) for row in rows],
    )


@bp.put("/events/<int:event_id>/completion")
@requires(Role.ORGANISER)
def completion(event_id: int) -> Response:
    event = get_event(event_id)
    body = parse(CompletionIn, json_body())
    set_completion_rule(event, body.rule, body.percent, current_user, utcnow())
    db.session.commit()
    return jsonify(rule=event.completion_rule, percent=event.completion_percent)


@bp.put("/events/<int:event_id>/days")
@requires(Role.ORGANISER)
def days(event_id: int) -> Response:
    event = get_event(event_id)
    body = parse(DayDoorsIn, json_body())
    doors = [DayDoor(d.day, d.opens, d.closes) for d in body.doors]
    set_day_doors(event, doors, current_user, utcnow())
    db.session.commit()
    return jsonify(
        days=[
            {
                "date": w.day.isoformat(),
                "opens_at": iso(w.opens_at, event.timezone),
                "closes_at": iso(w.closes_at, event.timezone),
            }
            for w in event.day_windows()
        ]
    )


_ID = [openapi.path_param("event_id")]
_OBJ = {"type": "object"}
openapi.EXTRA_MODELS.extend([CompletionIn, DayDoorIn, DayDoorsIn])
openapi.EXTRA_PATHS.update(
    {
        "/api/v1/events/{event_id}/attendance/people": {
            "get": openapi.op(
                "Attendance per person: days present, sessions, hours inside, JP, completed",
                {"200": openapi.answer("People", _OBJ), **openapi.errors(401, 403, 404, 422)},
                params=[
                    *_ID,
                    openapi.query_param(
                        "filter",
                        {
                            "type": "string",
                            "enum": ["present", "not_arrived", "absent", "incomplete"],
                        },
                    ),
                    openapi.query_param("day", {"type": "string", "format": "date"}),
                ],
            )
        },
        "/api/v1/events/{event_id}/completion": {
            "put": openapi.op(
                "Set the completion rule: every_day, or jp_percent with percent",
                {"200": openapi.answer("Set", _OBJ), **openapi.errors(400, 401, 403, 404, 422)},
                body=openapi.json_body("CompletionIn"),
                params=_ID,
            )
        },
        "/api/v1/events/{event_id}/days": {
            "put": openapi.op(
                "Set single days' door times (local HH:MM); the others keep the default",
                {
                    "200": openapi.answer("The days", _OBJ),
                    **openapi.errors(400, 401, 403, 404, 422),
                },
                body=openapi.json_body("DayDoorsIn"),
                params=_ID,
            )
        },
    }
)
