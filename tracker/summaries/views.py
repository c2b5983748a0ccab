"""The summary page of an event, its downloads, and the report across events (organisers); the
sustainability page, where staff also enter what they weighed and measured."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker import charts
from tracker.auth.access import requires
from tracker.auth.offices import visible_offices
from tracker.auth.roles import Role
from tracker.checkin.attendance import BUCKET_MINUTES
from tracker.compliance import measurements
from tracker.compliance.forms import SettingsForm, WasteForm
from tracker.compliance.models import ITEM_STATUS_LABELS, STREAM_LABELS
from tracker.contact import format_nip
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events import officials
from tracker.events.days import event_dates
from tracker.events.models import PARTICIPANT_CATEGORY_LABELS, Event
from tracker.events.officials import set_daftar_hadir_official
from tracker.events.services import get_event, participant_counts
from tracker.extensions import db
from tracker.forms import ConfirmForm, form_errors
from tracker.i18n import current_language
from tracker.summaries import reports
from tracker.summaries.daftar_hadir import signer_of
from tracker.summaries.data import Report, Summary
from tracker.summaries.downloads import (
    daftar_hadir_file,
    report_file,
    report_from_args,
    summary_file,
)
from tracker.summaries.figures import build_summary
from tracker.summaries.forms import SignerForm
from tracker.summaries.labels import summary_labels
from tracker.summaries.narrative import narratives
from tracker.summaries.numbers import number
from tracker.summaries.sustainability import assumptions
from tracker.summaries.sustainability import sustainability as sustainability_figures
from tracker.times import local

bp = Blueprint("summaries", __name__)


def arrivals_svg(summary: Summary, title: str) -> str:
    return charts.arrivals_chart(summary.attendance.arrivals, summary.event.timezone, title)


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
        ITEM_STATUS_LABELS=ITEM_STATUS_LABELS,
        STREAM_LABELS=STREAM_LABELS,
        labels=summary_labels(),
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


# --- the daftar hadir ---------------------------------------------------------------------


@bp.route("/events/<int:event_id>/daftar-hadir")
@requires(Role.ORGANISER)
def daftar_hadir(event_id: int) -> str:
    event = get_event(event_id)
    form = SignerForm(
        position=event.daftar_hadir_signer_position,
        name=event.daftar_hadir_signer_name,
        nip=format_nip(event.daftar_hadir_signer_nip),
    )
    return _render_daftar_hadir(event, form)


@bp.route("/events/<int:event_id>/daftar-hadir/official", methods=["POST"])
@requires(Role.ORGANISER)
def daftar_hadir_signer(event_id: int) -> Any:
    event, form = get_event(event_id), SignerForm()
    if form.validate_on_submit():
        try:
            set_daftar_hadir_official(
                event,
                position=form.position.data or "",
                name=form.name.data or "",
                nip=form.nip.data or "",
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc, {officials.FIELDS: ""})
        else:
            db.session.commit()
            flash(_("The official who signs the attendance lists is saved."), "success")
            return redirect(url_for("summaries.daftar_hadir", event_id=event.id))
    return _render_daftar_hadir(event, form), 422


def _render_daftar_hadir(event: Event, form: SignerForm) -> str:
    return render_template(
        "summaries/daftar_hadir.html",
        event=event,
        days=[
            format_date(d, "full")
            for d in event_dates(event.starts_at, event.ends_at, event.timezone)
        ],
        counts=participant_counts(event),
        roles=PARTICIPANT_CATEGORY_LABELS,
        signer=signer_of(event),
        form=form,
    )


@bp.route("/events/<int:event_id>/daftar-hadir/<int:day>/<category>.pdf")
@requires(Role.ORGANISER)
def daftar_hadir_pdf(event_id: int, day: int, category: str) -> Response:
    return daftar_hadir_file(get_event(event_id), day, category, "pdf", current_user)


@bp.route("/events/<int:event_id>/daftar-hadir/<int:day>/<category>.xlsx")
@requires(Role.ORGANISER)
def daftar_hadir_xlsx(event_id: int, day: int, category: str) -> Response:
    return daftar_hadir_file(get_event(event_id), day, category, "xlsx", current_user)


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
        units=reports.organiser_units(visible_offices(current_user, Role.ORGANISER)),
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


# --- the sustainability page ------------------------------------------------------------


def _settings_form(event: Event) -> SettingsForm:
    form = SettingsForm()
    if request.method == "GET":
        row = measurements.settings_for(event)
        form.bottles_per_participant.data = f"{row.bottles_per_participant:g}"
        form.refill_litres.data = "" if row.refill_litres is None else f"{row.refill_litres:g}"
    return form


def _render_sustainability(
    event: Event, waste_form: WasteForm | None = None, settings_form: SettingsForm | None = None
) -> tuple[str, int]:
    data = sustainability_figures(event)
    failed = bool(
        (waste_form and (waste_form.errors or getattr(waste_form, "form_errors", None)))
        or (settings_form and (settings_form.errors or getattr(settings_form, "form_errors", None)))
    )
    page = render_template(
        "summaries/sustainability.html",
        event=event,
        data=data,
        why=assumptions(data),
        entries=measurements.list_waste(event),
        waste_form=waste_form or WasteForm(formdata=None),
        settings_form=settings_form or _settings_form(event),
        confirm=ConfirmForm(),
        STREAM_LABELS=STREAM_LABELS,
    )
    return page, 422 if failed else 200


@bp.route("/events/<int:event_id>/sustainability")
@requires(Role.STAFF)
def sustainability(event_id: int) -> tuple[str, int]:
    return _render_sustainability(get_event(event_id))


@bp.route("/events/<int:event_id>/sustainability/waste", methods=["POST"])
@requires(Role.STAFF)
def add_waste(event_id: int) -> Any:
    event = get_event(event_id)
    form = WasteForm()
    if form.validate_on_submit():
        try:
            measurements.record_waste(
                event, form.stream.data, form.kg.data, current_user, utcnow(), form.note.data or ""
            )
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Weight recorded."), "success")
            return redirect(url_for("summaries.sustainability", event_id=event.id))
    return _render_sustainability(event, waste_form=form)


@bp.route("/events/<int:event_id>/sustainability/waste/<int:entry_id>/delete", methods=["POST"])
@requires(Role.STAFF)
def delete_waste(event_id: int, entry_id: int) -> Response:
    event = get_event(event_id)
    if ConfirmForm().validate_on_submit():
        measurements.delete_waste(event, entry_id, current_user, utcnow())
        db.session.commit()
        flash(_("Entry removed."), "success")
    return redirect(url_for("summaries.sustainability", event_id=event.id))


@bp.route("/events/<int:event_id>/sustainability/settings", methods=["POST"])
@requires(Role.STAFF)
def sustainability_settings(event_id: int) -> Any:
    event = get_event(event_id)
    form = _settings_form(event)
    if form.validate_on_submit():
        try:
            measurements.update_settings(
                event,
                current_user,
                utcnow(),
                refill_litres=form.refill_litres.data,
                bottles_per_participant=form.bottles_per_participant.data,
            )
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Figures saved."), "success")
            return redirect(url_for("summaries.sustainability", event_id=event.id))
    return _render_sustainability(event, settings_form=form)
