"""The summary's and the report's files as HTTP responses, for the pages and the API alike.

Each personal-data export (the summary's PDF, XLSX and CSV name people) is written to the
audit log with who, what and how many rows, and committed before the file leaves (UU PDP:
a record of who exported personal data). The report across events holds only counts and is
not logged. The CSV streams while its rows are read in batches; the PDF and XLSX are built
first, so a failure answers an error rather than half a file.

The PDF and XLSX renderers (reportlab, openpyxl: about 25 MB) are imported by the functions
that use them: a worker that never builds one does not hold them (README, gunicorn settings).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import Response, current_app, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from tracker import audit
from tracker.auth.offices import visible_offices
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events.models import Event
from tracker.events.services import participant_counts
from tracker.http import send_bytes
from tracker.i18n import localtime
from tracker.memory import release_after
from tracker.storage import get_storage
from tracker.summaries import csv as csv_render
from tracker.summaries import reports
from tracker.summaries.daftar_hadir import build_sheet
from tracker.summaries.data import Report
from tracker.summaries.figures import (
    attendance_rows,
    build_summary,
    event_facts,
    presence_columns,
)
from tracker.summaries.labels import summary_labels

MIMETYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    # Flask adds "; charset=utf-8" to a text/ type itself: naming it here made it twice.
    "csv": "text/csv",
}


def separator() -> str:
    """``?sep=comma`` (default) or ``?sep=semicolon``. Raises ValidationFailed otherwise."""
    name = request.args.get("sep", "comma")
    if name not in csv_render.SEPARATORS:
        raise ValidationFailed(
            _("sep must be comma or semicolon."), {"sep": _("Unknown separator.")}
        )
    return csv_render.SEPARATORS[name]


def slug(value: str, limit: int = 40) -> str:
    """An ASCII file-name part: "Pelatihan Media Sosial" -> "pelatihan-media-sosial"."""
    ascii_ = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:limit].strip("-") or "event"


def _file(body: Any, fmt: str, filename: str) -> Response:
    # Names of people: never kept by a shared cache or the browser's (send_bytes' default).
    # Building one leaves freed memory in the worker: given back once sent (tracker.memory).
    return release_after(send_bytes(body, MIMETYPES[fmt], filename))


def _stored_file(key: str) -> bytes | None:
    try:
        return get_storage().open(key)
    except KeyError:
        current_app.logger.warning("summary: stored file %s is missing", key)
        return None


def _log_export(
    event: Event, fmt: str, actor: Any, rows: int, what: str = "summary", **more: Any
) -> None:
    audit.log_export(
        f"export.{what}_{fmt}",
        now=utcnow(),
        actor=actor,
        event_id=event.id,
        subject_type="event",
        subject_id=event.id,
        details={"format": fmt, **more, "rows": rows},
    )


def summary_file(event: Event, fmt: str, actor: Any) -> Response:
    """The summary as pdf, xlsx or csv, logged as an export of personal data."""
    name = f"summary-{event.id}-{slug(event.title)}.{fmt}"
    if fmt == "csv":
        return _csv_file(event, actor, name)
    summary, labels = build_summary(event), summary_labels()
    if fmt == "xlsx":
        from tracker.summaries.xlsx import summary_xlsx  # lazy: module doc

        body = summary_xlsx(summary, attendance_rows(event), labels, presence_columns(event))
        rows = summary.attendance.registered
    else:
        from tracker.summaries.pdf.summary import summary_pdf  # lazy: module doc

        present = attendance_rows(event, present_only=True)
        extra = presence_columns(event, days_only=True)
        body = summary_pdf(summary, present, labels, photo=_stored_file, extra=extra)
        rows = summary.attendance.checked_in
    _log_export(event, fmt, actor, rows)
    return _file(body, fmt, name)


def _csv_file(event: Event, actor: Any, name: str) -> Response:
    """The attendance list needs the event's facts and its rows, not the summary's figures
    (about a fifth of the CSV's time for 20,000 people): the audit entry counts with one
    query instead."""
    delimiter, facts = separator(), event_facts(event)
    _log_export(event, "csv", actor, participant_counts(event)["total"])
    rows, extra = attendance_rows(event), presence_columns(event)
    chunks = csv_render.attendance_csv(facts, rows, summary_labels(), delimiter, extra)
    return _file(stream_with_context(chunks), "csv", name)


def daftar_hadir_file(event: Event, day: int, category: str, fmt: str, actor: Any) -> Response:
    """The daftar hadir of day ``day`` and the role, as pdf or xlsx, logged as an export of
    personal data. Raises NotFound for a day or role the event does not have."""
    from tracker.summaries.pdf.daftar_hadir import daftar_hadir_pdf  # lazy: module doc
    from tracker.summaries.xlsx import daftar_hadir_xlsx

    sheet = build_sheet(event, day, category, _stored_file)
    body = daftar_hadir_pdf(sheet) if fmt == "pdf" else daftar_hadir_xlsx(sheet)
    _log_export(event, fmt, actor, len(sheet.rows), "daftar_hadir", day=day, role=category)
    name = f"daftar-hadir-{event.id}-day{day}-{category}-{slug(event.title)}.{fmt}"
    return _file(body, fmt, name)


def report_file(report: Report, fmt: str) -> Response:
    labels = summary_labels()
    name = f"report-{slug(report.unit or 'all')}-{report.date_from}-{report.date_to}.{fmt}"
    if fmt == "csv":
        return _file(csv_render.report_csv(report, labels, separator()), fmt, name)
    if fmt == "xlsx":
        from tracker.summaries.xlsx import report_xlsx  # lazy: module doc

        return _file(report_xlsx(report, labels), fmt, name)
    from tracker.summaries.pdf.report import report_pdf  # lazy: module doc

    return _file(report_pdf(report, labels), fmt, name)


def report_from_args() -> Report:
    """The report for ?unit=&from=&to=. Raises ValidationFailed for bad dates."""
    tz = current_app.config["TIMEZONE"]
    now = utcnow()
    today = localtime(now, tz).date()  # type: ignore[union-attr]
    start, end = reports.parse_range(request.args.get("from"), request.args.get("to"), today)
    offices = visible_offices(current_user, Role.ORGANISER)
    return reports.build_report(request.args.get("unit", ""), start, end, tz, now, offices)
