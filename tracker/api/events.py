"""Events and participants over the API."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from tracker.api.common import json_body, parse, query_int
from tracker.api.schemas import EventIn, EventPatch, ParticipantIn, SignerIn
from tracker.auth.access import requires
from tracker.auth.offices import visible_offices
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events import registration, roster_import, services
from tracker.events.headings import FIELDS, Column, column_index
from tracker.events.models import Event, Participant, Venue
from tracker.events.officials import set_daftar_hadir_official
from tracker.events.roster_file import RosterProblem
from tracker.extensions import db
from tracker.http import site_url
from tracker.i18n import iso

bp = Blueprint("events", __name__)

#: Fields of an event that PATCH may change but not empty.
_REQUIRED = frozenset(
    {
        "title",
        "organiser_unit",
        "description",
        "starts_at",
        "ends_at",
        "timezone",
        "topics",
        "speakers",
        "livestream_url",
        "allow_walk_ins",
        "ask_signature",
        "status",
        "privacy_contact",
        "archived",
    }
)
#: The largest page of participants one call returns.
MAX_PAGE = 5000


def venue_json(venue: Venue | None) -> dict[str, Any] | None:
    if venue is None:
        return None
    return {
        "id": venue.id,
        "name": venue.name,
        "address": venue.address,
        "room": venue.room,
        "capacity": venue.capacity,
    }


def event_json(event: Event) -> dict[str, Any]:
    tz = event.timezone
    opens, closes = event.checkin_window()
    return {
        "id": event.id,
        "title": event.title,
        "organiser_unit": event.organiser_unit,
        "office": {"id": event.office_id, "name": event.office.name},
        "description": event.description,
        "starts_at": iso(event.starts_at, tz),
        "ends_at": iso(event.ends_at, tz),
        "timezone": tz,
        "venue": venue_json(event.venue),
        "topics": event.topics or [],
        "speakers": event.speakers or [],
        "livestream_url": event.livestream_url,
        "expected_participants": event.expected_participants,
        "allow_walk_ins": event.allow_walk_ins,
        "ask_signature": event.ask_signature,
        "status": event.status,
        "checkin_opens_at": iso(opens, tz),
        "checkin_closes_at": iso(closes, tz),
        "archived": event.is_archived,
        "retention_days": event.retention_days,
        "privacy_contact": event.privacy_contact,
        # The event's own; all empty: the daftar hadir is signed by the certificates' official.
        "daftar_hadir_official": {
            "position": event.daftar_hadir_signer_position,
            "name": event.daftar_hadir_signer_name,
            "nip": event.daftar_hadir_signer_nip,
        },
    }


def participant_json(person: Participant) -> dict[str, Any]:
    return {
        "id": person.id,
        "event_id": person.event_id,
        "name": person.name,
        "agency": person.agency,
        "position": person.position,
        "nip": person.nip,
        "category": person.category,
        "email": person.email,
        "phone": person.phone,
        "legal_basis": person.legal_basis,
        "ticket_code": person.ticket_code,
        "ticket_url": site_url(f"/t/{person.ticket_code}"),
    }


def _event_input(body: EventIn) -> services.EventInput:
    values = body.model_dump(exclude={"venue"})
    venue = services.VenueInput(**body.venue.model_dump()) if body.venue else None
    return services.EventInput(**values, venue=venue)


@bp.post("/events")
@requires(Role.ORGANISER)
def create_event() -> tuple[Response, int]:
    body = parse(EventIn, json_body())
    event = services.create_event(_event_input(body), current_user, now=utcnow())
    db.session.commit()
    return jsonify(event_json(event)), 201


@bp.get("/events")
@requires(Role.STAFF)
def list_events() -> Response:
    scope = request.args.get("scope", "all")
    if scope not in ("all", "upcoming", "past", "archived"):
        raise ValidationFailed(
            _("scope must be all, upcoming, past or archived."), {"scope": _("Unknown.")}
        )
    events = services.list_events(scope, utcnow(), visible_offices(current_user))
    return jsonify(events=[event_json(e) for e in events])


@bp.get("/events/<int:event_id>")
@requires(Role.STAFF)
def get_event(event_id: int) -> Response:
    return jsonify(event_json(services.get_event(event_id)))


@bp.patch("/events/<int:event_id>")
@requires(Role.ORGANISER)
def patch_event(event_id: int) -> Response:
    event = services.get_event(event_id)
    body = parse(EventPatch, json_body())
    nulls = {
        k: _("Cannot be null.")
        for k in body.model_fields_set & _REQUIRED
        if getattr(body, k) is None
    }
    if nulls:
        raise ValidationFailed(_("The request has errors."), nulls)
    own = ("venue", "archived", "daftar_hadir_official")
    changes = {k: getattr(body, k) for k in body.model_fields_set if k not in own}
    data = services.event_input(event, **changes)
    if "venue" in body.model_fields_set:
        data.venue = services.VenueInput(**body.venue.model_dump()) if body.venue else None
        data.venue_id = None
    services.update_event(event, data)
    if body.archived is not None:
        services.set_archived(event, body.archived, utcnow())
    if "daftar_hadir_official" in body.model_fields_set:
        official = body.daftar_hadir_official or SignerIn()
        set_daftar_hadir_official(event, **official.model_dump(), actor=current_user, now=utcnow())
    db.session.commit()
    return jsonify(event_json(event))


@bp.post("/events/<int:event_id>/participants")
@requires(Role.ORGANISER)
def add_participants(event_id: int) -> tuple[Response, int]:
    event = services.get_event(event_id)
    payload = json_body()
    entries = parse(list[ParticipantIn], payload if isinstance(payload, list) else [payload])
    if not entries:
        raise ValidationFailed(_("Send at least one participant."))
    inputs = [registration.ParticipantInput(**e.model_dump()) for e in entries]
    created = registration.register_participants(event, inputs, utcnow(), source="api")
    db.session.commit()
    return jsonify(participants=[participant_json(p) for p in created]), 201


@bp.get("/events/<int:event_id>/participants")
@requires(Role.ORGANISER)
def list_participants(event_id: int) -> Response:
    event = services.get_event(event_id)
    people = registration.list_participants(event, request.args.get("q", "")[:100])
    offset = query_int("offset", 0, 0, 10_000_000)
    limit = query_int("limit", 1000, 1, MAX_PAGE)
    page = people[offset : offset + limit]
    return jsonify(
        count=len(people), offset=offset, participants=[participant_json(p) for p in page]
    )


def _flag(name: str) -> bool:
    raw = request.form.get(name, request.args.get(name, ""))
    return raw.strip().lower() in ("1", "true", "yes", "on")


@bp.post("/events/<int:event_id>/participants/import")
@requires(Role.ORGANISER)
def import_participants(event_id: int) -> Response:
    event = services.get_event(event_id)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed(
            _("Send the spreadsheet as the multipart field 'file'."), {"file": _("Required.")}
        )
    plan = roster_import.read_plan(
        event, upload.filename or "upload", upload.read(), current_user, columns=_columns_field()
    )
    created = (
        len(plan.to_create)
        if _flag("dry_run")
        else registration.apply_import(event, plan, utcnow())
    )
    db.session.commit()
    return jsonify(
        created=created,
        duplicates=len(plan.duplicates),
        dry_run=_flag("dry_run"),
        errors=[_problem_json(p) for p in plan.errors],
        duplicate_rows=[_problem_json(p) for p in plan.duplicates],
        ignored_columns=plan.ignored_columns,
        unknown_columns=plan.unknown_columns,
        columns=[_column_json(layout.sheet, c) for layout in plan.sheets for c in layout.columns],
        heading_rows=roster_import.heading_rows(plan),
        skipped_sheets=[{"sheet": name, "reason": reason} for name, reason in plan.skipped_sheets],
        notes=plan.notes + [note for layout in plan.sheets for note in layout.notes],
    )


def _columns_field() -> dict[str, dict[int, str]]:
    """The optional form field ``columns``: JSON ``{"<heading row key>": {"A": "name", "C":
    "agency", "D": ""}}``, the fields to read each column of that heading row into ("" or a
    column left out: not read). Raises ValidationFailed when it is not that shape."""
    raw = request.form.get("columns", "")
    if not raw.strip():
        return {}
    problem = _(
        'The field "columns" must be JSON like {"<key>": {"A": "name", "B": "agency"}}, with '
        "each heading row's key from heading_rows and a field among: %(fields)s.",
        fields=", ".join(FIELDS),
    )
    try:
        given = json.loads(raw)
    except ValueError:
        raise ValidationFailed(problem, {"columns": problem}) from None
    if not isinstance(given, dict) or not all(isinstance(v, dict) for v in given.values()):
        raise ValidationFailed(problem, {"columns": problem})
    chosen: dict[str, dict[int, str]] = {}
    for key, fields in given.items():
        chosen[str(key)[:64]] = {}
        for letter, field in fields.items():
            index = column_index(str(letter))
            if index is None or not (field == "" or field in FIELDS):
                raise ValidationFailed(problem, {"columns": problem})
            chosen[str(key)[:64]][index] = field
    return chosen


def _problem_json(problem: RosterProblem) -> dict[str, Any]:
    return {"row": problem.row, "sheet": problem.sheet, "message": problem.message}


def _column_json(sheet: str, column: Column) -> dict[str, Any]:
    """A column of the file: ``field`` is what it is read as (null: not read), ``status`` why:
    read, national_id, nip, number, timestamp, signature, unknown, repeated, skipped."""
    return {
        "sheet": sheet,
        "column": column.letter,
        "heading": column.heading,
        "field": column.field,
        "status": column.kind or "read",
        "assigned": column.assigned,
    }
