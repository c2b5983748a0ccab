"""The summary page of an event, its downloads, and the report across events (organisers)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.access import requires
from tracker.auth.roles import Role
from tracker.checkin.attendance import BUCKET_MINUTES
from tracker.compliance.models import STATUS_LABELS, STREAM_LABELS
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events.services import get_event
from tracker.i18n import current_language
from tracker.summaries import charts, reports
from tracker.summaries.data import Report, Summary
from tracker.summaries.downloads import report_file, report_from_args, summary_file
from tracker.summaries.figures import build_summary
from tracker.summaries.narrative import narratives
from tracker.summaries.text import clock, local, number

bp = Blueprint("summaries", __name__)


def arrivals_svg(summary: Summary, title: str) -> str:
    arrivals = summary.attendance.arrivals
    names = [clock(start, summary.event.timezone) for start, _ in arrivals]
    return charts.bar_chart([n for _, n in arrivals], names, title, "chart-arrivals")


def _number(value: float | int) -> str:
    """1.234,5 on Indonesian pages, 1,234.5 on English ones."""
    return number(value, current_language())


@bp.route("/events/<int:event_id>/summary")
@requires(Role.ORGANISER)
def show(event_id: int) -> str:
    event = get_event(event_id)
    summary = build_summary(event, utcnow())
    return render_template(
        "summaries/show.html",
        event=event,
        summary=summary,
        narrative=narratives(summary),
        arrivals_svg=arrivals_svg,
        ITEM_STATUS=STATUS_LABELS,
        STREAM_LABELS=STREAM_LABELS,
        num=_number,
        bucket_minutes=BUCKET_MINUTES,
    )


def _download(event_id: int, fmt: str) -> Response:
    return summary_file(get_event(event_id), fmt, current_user)


@bp.route("/events/<int:event_id>/summary.pdf")
@requires(Role.ORGANISER)
def pdf(event_id: int) -> Response:
    return _download(event_id, "pdf")


@bp.route("/events/<int:event_id>/summary.xlsx")
@requires(Role.ORGANISER)
def xlsx(event_id: int) -> Response:
    return _download(event_id, "xlsx")


@bp.route("/events/<int:event_id>/summary.csv")
@requires(Role.ORGANISER)
def csv(event_id: int) -> Response:
    return _download(event_id, "csv")


# --- the report across events -------------------------------------------------------------


def report_charts(report: Report, titles: dict[str, str]) -> dict[str, str]:
    names = [local(r.starts_at, r.timezone).strftime("%d/%m") for r in report.rows]
    rows = report.rows
    return {
        "attendance": charts.bar_chart(
            [r.checked_in for r in rows], names, titles["attendance"], "chart-attendance"
        ),
        "tumbler": charts.line_chart(
            [r.tumbler_percent for r in rows], names, titles["tumbler"], "chart-tumbler"
        ),
        "compliance": charts.line_chart(
            [r.compliance_percent for r in rows], names, titles["compliance"], "chart-compliance"
        ),
    }


@bp.route("/reports")
@requires(Role.ORGANISER)
def report() -> tuple[str, int]:
    report_: Report | None = None
    problem: ValidationFailed | None = None
    try:
        report_ = report_from_args()
    except ValidationFailed as exc:
        problem = exc
    page = render_template(
        "summaries/report.html",
        report=report_,
        problem=problem,
        units=reports.organiser_units(),
        args=request.args,
        report_charts=report_charts,
        num=_number,
    )
    return page, 422 if problem else 200


def _report_download(fmt: str) -> Response:
    return report_file(report_from_args(), fmt)


@bp.route("/reports.pdf")
@requires(Role.ORGANISER)
def report_pdf() -> Response:
    return _report_download("pdf")


@bp.route("/reports.xlsx")
@requires(Role.ORGANISER)
def report_xlsx() -> Response:
    return _report_download("xlsx")


@bp.route("/reports.csv")
@requires(Role.ORGANISER)
def report_csv() -> Response:
    return _report_download("csv")
