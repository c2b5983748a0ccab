"""The report across events as an A4 PDF: totals, the trend charts and one row per event.

Pure: a Report and the words in the reader's language in, bytes out. It names no person,
only counts, so it is not an export of personal data.
"""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from tracker import times
from tracker.summaries import numbers
from tracker.summaries.data import Labels, Report
from tracker.summaries.pdf.layout import FRAME_WIDTH, bar_chart, document, fit, para, styles, table


def _signed(value: int | None, labels: Labels) -> str:
    if value is None:
        return "–"
    return labels.format("%(n)s percentage points", n=f"{value:+d}")


def report_pdf(report: Report, labels: Labels) -> bytes:
    buffer = io.BytesIO()
    s, lang = styles(), labels.lang
    unit = report.unit or labels["All units"]
    period = f"{report.date_from:%d/%m/%Y} – {report.date_to:%d/%m/%Y}"
    stamp = times.date_time(report.generated_at, report.timezone)

    def footer(page: int) -> str:
        return f"{labels['Report across events']} · {unit} · {stamp} · {labels['Page']} {page}"

    doc, on_page = document(buffer, labels["Report across events"], footer)
    rate = report.tumbler_rate
    totals = [
        (labels["Events held"], numbers.number(report.events, lang)),
        (labels["Registered"], numbers.number(report.registered, lang)),
        (labels["Checked in"], numbers.number(report.checked_in, lang)),
        (labels["Unique participants"], numbers.number(report.unique_participants, lang)),
        (labels["Agencies reached"], numbers.number(report.agencies_reached, lang)),
        (labels["Tumbler rate"], numbers.percent_text(None if rate is None else 100 * rate)),
        (labels["Compliance score"], numbers.percent_text(report.compliance_percent)),
        (
            f"{labels['Tumbler rate']}: {labels['change from the first to the last event']}",
            _signed(report.trend("tumbler_percent"), labels),
        ),
        (
            f"{labels['Compliance score']}: {labels['change from the first to the last event']}",
            _signed(report.trend("compliance_percent"), labels),
        ),
    ]
    story: list[Flowable] = [
        para(labels["Report across events"], s.small),
        para(unit, s.title),
        para(f"{labels['Period']}: {period}", s.subtitle),
        table(
            [(para(k, s.cell_bold), v) for k, v in totals],
            [70 * mm, 40 * mm],
            False,
            numeric_from=1,
        ),
    ]
    story += _charts(report, labels)
    story += _events(report, labels)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _charts(report: Report, labels: Labels) -> list[Flowable]:
    if not report.rows:
        return [Spacer(1, 4 * mm), para(labels["No event was held in this period."])]
    names = [times.local(r.starts_at, r.timezone).strftime("%d/%m") for r in report.rows]
    every = max(1, len(names) // 20)
    height = 55 * mm
    return [
        para(labels["Trend"], styles().h2),
        bar_chart(
            [r.checked_in for r in report.rows],
            names,
            labels["Checked in per event"],
            height=height,
            every=every,
        ),
        bar_chart(
            [r.tumbler_percent or 0 for r in report.rows],
            names,
            labels["Tumbler rate per event"] + " (%)",
            height=height,
            value_max=100,
            every=every,
        ),
        bar_chart(
            [r.compliance_percent or 0 for r in report.rows],
            names,
            labels["Compliance score per event"] + " (%)",
            height=height,
            value_max=100,
            every=every,
        ),
    ]


def _events(report: Report, labels: Labels) -> list[Flowable]:
    if not report.rows:
        return []
    lang = labels.lang
    header = [
        labels["Date"],
        labels["Event"],
        labels["Registered"],
        labels["Checked in"],
        labels["Agencies"],
        labels["Tumbler rate"],
        labels["Compliance score"],
    ]
    widths = [18 * mm, FRAME_WIDTH - 118 * mm, 20 * mm, 20 * mm, 18 * mm, 21 * mm, 21 * mm]
    rows = [
        [
            times.local(r.starts_at, r.timezone).strftime("%d/%m/%Y"),
            fit(f"{r.title} ({r.organiser_unit})", widths[1]),
            numbers.number(r.registered, lang),
            numbers.number(r.checked_in, lang),
            numbers.number(r.agencies, lang),
            numbers.percent_text(r.tumbler_percent),
            numbers.percent_text(r.compliance_percent),
        ]
        for r in report.rows
    ]
    return [para(labels["Events"], styles().h2), table([header, *rows], widths, numeric_from=2)]
