"""Post-event summaries and the report across events over the API (organisers).

``GET .../summary`` is the summary's figures as JSON: the same attendance object as
``GET .../attendance``, the same sustainability object as ``GET .../sustainability`` (built by
the same functions, so they always agree), the checklists, the waste weighings and the news
paragraph in both languages. The ``.csv``, ``.xlsx`` and ``.pdf`` files name participants and
are logged in the audit log as exports of personal data.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from flask_login import current_user

from tracker.api import openapi
from tracker.api.compliance import score_json, sustainability_json
from tracker.api.events import event_json
from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.checkin.attendance import attendance_json
from tracker.db import utcnow
from tracker.events.services import get_event
from tracker.http import site_url
from tracker.i18n import current_language, iso
from tracker.summaries.data import ChecklistFacts, Report, Summary
from tracker.summaries.downloads import report_file, report_from_args, summary_file
from tracker.summaries.figures import build_summary
from tracker.summaries.narrative import narratives

bp = Blueprint("summaries", __name__)


def checklist_facts_json(c: ChecklistFacts, tz: str) -> dict[str, Any]:
    lang = current_language()
    return {
        "id": c.id,
        "template_key": c.template_key,
        "title": c.title_in(lang),
        "version": c.version,
        "basis": c.basis_label,
        "basis_url": c.basis_url,
        "signed_off_at": iso(c.signed_off_at, tz),
        "signed_off_by": (
            {"name": c.signed_off_name, "position": c.signed_off_position}
            if c.signed_off_at
            else None
        ),
        "score": score_json(c.score),
        "items": [
            {
                "id": i.id,
                "position": i.position,
                "text": i.text_in(lang),
                "required": i.required,
                "status": i.status,
                "value": i.value,
                "unit": i.unit,
                "note": i.note,
                "photos": len(i.photos),
            }
            for i in c.items
        ],
    }


def summary_json(event: Any, summary: Summary) -> dict[str, Any]:
    tz = summary.event.timezone
    base = f"/api/v1/events/{event.id}/summary"
    return {
        "event": event_json(event),
        "attendance": attendance_json(event, summary.attendance),
        "agencies_reached": summary.agencies_reached,
        "sustainability": sustainability_json(summary.sustainability),
        "checklists": [checklist_facts_json(c, tz) for c in summary.checklists],
        "waste_entries": [
            {
                "recorded_at": iso(w.recorded_at, tz),
                "stream": w.stream,
                "kg": w.kg,
                "note": w.note,
                "recorded_by": w.recorded_by,
            }
            for w in summary.waste_entries
        ],
        "narrative": narratives(summary),
        "generated_at": iso(summary.generated_at, tz),
        "downloads": {fmt: site_url(f"{base}.{fmt}") for fmt in ("pdf", "xlsx", "csv")},
    }


@bp.get("/events/<int:event_id>/summary")
@requires(Role.ORGANISER)
def summary(event_id: int) -> Response:
    event = get_event(event_id)
    response = jsonify(summary_json(event, build_summary(event, utcnow())))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/events/<int:event_id>/summary.csv")
@requires(Role.ORGANISER)
def summary_csv(event_id: int) -> Response:
    return summary_file(get_event(event_id), "csv", current_user)


@bp.get("/events/<int:event_id>/summary.xlsx")
@requires(Role.ORGANISER)
def summary_xlsx(event_id: int) -> Response:
    return summary_file(get_event(event_id), "xlsx", current_user)


@bp.get("/events/<int:event_id>/summary.pdf")
@requires(Role.ORGANISER)
def summary_pdf(event_id: int) -> Response:
    return summary_file(get_event(event_id), "pdf", current_user)


def report_json(report: Report) -> dict[str, Any]:
    rate = report.tumbler_rate
    return {
        "unit": report.unit or None,
        "from": report.date_from.isoformat(),
        "to": report.date_to.isoformat(),
        "timezone": report.timezone,
        "totals": {
            "events": report.events,
            "registered": report.registered,
            "checked_in": report.checked_in,
            "unique_participants": report.unique_participants,
            "agencies_reached": report.agencies_reached,
            "tumbler_yes": report.tumbler_yes,
            "tumbler_rate": None if rate is None else round(rate, 4),
            "compliance_percent": report.compliance_percent,
        },
        "trend": {
            "tumbler_percent_points": report.trend("tumbler_percent"),
            "compliance_percent_points": report.trend("compliance_percent"),
        },
        "events": [
            {
                "event_id": r.event_id,
                "title": r.title,
                "organiser_unit": r.organiser_unit,
                "starts_at": iso(r.starts_at, r.timezone),
                "registered": r.registered,
                "checked_in": r.checked_in,
                "walk_ins": r.walk_ins,
                "agencies": r.agencies,
                "tumbler_yes": r.tumbler_yes,
                "tumbler_rate": None if r.tumbler_rate is None else round(r.tumbler_rate, 4),
                "compliance": {
                    "compliant": r.compliant,
                    "applicable": r.applicable,
                    "percent": r.compliance_percent,
                },
            }
            for r in report.rows
        ],
    }


@bp.get("/reports")
@requires(Role.ORGANISER)
def reports() -> Response:
    return jsonify(report_json(report_from_args()))


@bp.get("/reports.csv")
@requires(Role.ORGANISER)
def reports_csv() -> Response:
    return report_file(report_from_args(), "csv")


@bp.get("/reports.xlsx")
@requires(Role.ORGANISER)
def reports_xlsx() -> Response:
    return report_file(report_from_args(), "xlsx")


@bp.get("/reports.pdf")
@requires(Role.ORGANISER)
def reports_pdf() -> Response:
    return report_file(report_from_args(), "pdf")


# --- the OpenAPI description --------------------------------------------------------------

_E = [openapi.path_param("event_id")]
_OBJ = {"type": "object"}
_RANGE = [
    openapi.query_param("unit", {"type": "string"}),
    openapi.query_param("from", {"type": "string", "format": "date"}),
    openapi.query_param("to", {"type": "string", "format": "date"}),
]
_SEP = openapi.query_param("sep", {"enum": ["comma", "semicolon"]})


def _file(media: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": {"type": "string"}}}}


_CSV = _file("text/csv", "CSV, UTF-8 with BOM")
_XLSX = _file("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
_PDF = _file("application/pdf", "PDF, A4")
_SUMMARY_ERRORS = openapi.errors(401, 403, 404)
_REPORT_ERRORS = openapi.errors(401, 403, 422)

openapi.EXTRA_PATHS.update(
    {
        "/api/v1/events/{event_id}/summary": {
            "get": openapi.op(
                "The post-event summary's figures: attendance, sustainability, checklists, "
                'waste and the news paragraph as {"id": ..., "en": ...}',
                {"200": openapi.answer("The summary", _OBJ), **_SUMMARY_ERRORS},
                params=_E,
            )
        },
        "/api/v1/events/{event_id}/summary.csv": {
            "get": openapi.op(
                "Everyone registered with their check-in (personal data; audited)",
                {"200": _CSV, **openapi.errors(401, 403, 404, 422)},
                params=[*_E, _SEP],
            )
        },
        "/api/v1/events/{event_id}/summary.xlsx": {
            "get": openapi.op(
                "Summary workbook: summary, participants, by agency, checklists, waste "
                "(personal data; audited)",
                {"200": _XLSX, **_SUMMARY_ERRORS},
                params=_E,
            )
        },
        "/api/v1/events/{event_id}/summary.pdf": {
            "get": openapi.op(
                "Printable A4 summary with the attendance list (personal data; audited)",
                {"200": _PDF, **_SUMMARY_ERRORS},
                params=_E,
            )
        },
        "/api/v1/reports": {
            "get": openapi.op(
                "Report across events of a unit (all units when empty) from..to (YYYY-MM-DD; "
                "default: this year to today)",
                {"200": openapi.answer("The report", _OBJ), **_REPORT_ERRORS},
                params=_RANGE,
            )
        },
        "/api/v1/reports.csv": {
            "get": openapi.op(
                "The report's events as CSV",
                {"200": _CSV, **_REPORT_ERRORS},
                params=[*_RANGE, _SEP],
            )
        },
        "/api/v1/reports.xlsx": {
            "get": openapi.op("The report as XLSX", {"200": _XLSX, **_REPORT_ERRORS}, params=_RANGE)
        },
        "/api/v1/reports.pdf": {
            "get": openapi.op("The report as PDF", {"200": _PDF, **_REPORT_ERRORS}, params=_RANGE)
        },
    }
)
