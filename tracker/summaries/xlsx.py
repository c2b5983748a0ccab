"""The event summary as an XLSX workbook, for the finance office and anyone who sorts data.

Sheets, in order: summary, participants (everyone registered, with the check-in's time,
method, gate and tumbler answer, and for an event of several days or with an agenda the same
columns per day and per session as the CSV: columns.presence_header), by agency, by day and
session, checklists, waste. openpyxl's write-only mode
streams each row to a temporary file instead of keeping every cell object, so 20,000
participants cost little memory. Text is written as it is, as a string cell: a name such as
``=HYPERLINK(...)`` is a string cell, which Excel and LibreOffice never run (the apostrophe that
makes a CSV cell inert would show in a spreadsheet as part of the name, ``'+62 Nyoman``);
control characters, which XML cannot carry, are dropped. Times are real spreadsheet
date-times in the event's zone (spreadsheets have no zones; the header names it). Pure: no Flask.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tracker import times
from tracker.contact import format_nip
from tracker.summaries.columns import (
    participant_columns,
    presence_cells,
    presence_header,
    report_columns,
)
from tracker.summaries.data import (
    NO_PRESENCE,
    AttendanceRow,
    Labels,
    PresenceColumns,
    Report,
    Sheet,
    SheetRow,
    Summary,
)

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_INVALID_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet(book: Workbook, title: str, widths: Sequence[int] = ()) -> WriteOnlyWorksheet:
    sheet = book.create_sheet(title.translate(_INVALID_TITLE)[:31])
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    return sheet


def _header(sheet: WriteOnlyWorksheet, names: Sequence[str]) -> list[WriteOnlyCell]:
    cells = []
    for name in names:
        cell = _string(sheet, _text(name))
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _string(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A cell that holds ``value`` as text even when it starts with "=" (openpyxl would
    otherwise write it as a formula). A fresh cell each time: a write-only sheet writes the
    rest of a row's plain values into the last cell object it was given."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _append(sheet: WriteOnlyWorksheet, row: Sequence[Any]) -> None:
    """``sheet.append``, with every text that openpyxl would take for a formula made a string
    cell. Only "=" starts a formula in openpyxl; "+", "-" and "@" are text already."""
    sheet.append(
        [_string(sheet, v) if isinstance(v, str) and v.startswith("=") else v for v in row]
    )


def _when(sheet: WriteOnlyWorksheet, value: datetime | None, tz: str) -> Any:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=times.local(value, tz).replace(tzinfo=None))
    cell.number_format = DATETIME_FORMAT
    return cell


class _Times:
    """One styled date-time cell, its value set row by row: a write-only sheet writes each row
    as it is appended, so the cell can serve the next row, and openpyxl styles one cell instead
    of one per checked-in person. For a column with one time per row only."""

    def __init__(self, sheet: WriteOnlyWorksheet, tz: str) -> None:
        self.cell = WriteOnlyCell(sheet)
        self.cell.number_format = DATETIME_FORMAT
        self.tz = ZoneInfo(tz)

    def __call__(self, value: datetime | None) -> Any:
        if value is None:
            return None
        self.cell.value = value.astimezone(self.tz).replace(tzinfo=None)
        return self.cell


def _text(value: Any) -> Any:
    """Text a spreadsheet can hold: control characters (U+0001 and the like, which the API
    accepts in a name and XML 1.0 cannot carry) removed. Numbers, dates and styled cells pass
    as they are. ``_append`` keeps a text that starts with "=" from being a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _safe(values: Iterable[Any]) -> list[Any]:
    return [_text(v) for v in values]


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_xlsx(
    summary: Summary,
    rows: Iterable[AttendanceRow],
    labels: Labels,
    extra: PresenceColumns = NO_PRESENCE,
) -> bytes:
    book = Workbook(write_only=True)
    _summary_sheet(book, summary, labels)
    _participants_sheet(book, summary, rows, labels, extra)
    _agency_sheet(book, summary, labels)
    _days_sheet(book, summary, labels)
    _checklists_sheet(book, summary, labels)
    _waste_sheet(book, summary, labels)
    return _save(book)


def _summary_sheet(book: Workbook, summary: Summary, labels: Labels) -> None:
    sheet = _sheet(book, labels["Summary"], (38, 60, 70))
    event, a, data = summary.event, summary.attendance, summary.sustainability
    tz, why = event.timezone, summary.assumptions
    t, score = data.tumbler, data.compliance
    rate = None if t.rate is None else round(100 * t.rate, 1)
    title = _string(sheet, _text(event.title))
    title.font = Font(bold=True, size=14)
    _append(sheet, [title])
    facts: list[tuple[str, Any, str]] = [
        (labels["Organiser"], event.organiser_unit, ""),
        (labels["Starts"], _when(sheet, event.starts_at, tz), event.zone_label),
        (labels["Ends"], _when(sheet, event.ends_at, tz), event.zone_label),
        (labels["Venue"], event.venue_label, event.venue_address),
        (labels["Agenda topics"], "; ".join(event.topics), ""),
        (labels["Speakers"], "; ".join(event.speakers), ""),
        (labels["Livestream"], event.livestream_url, ""),
        (labels["Expected participants"], event.expected_participants, ""),
        (labels["Registered"], a.registered, ""),
        (labels["Checked in"], a.checked_in, ""),
        (labels["Attendance rate"], _ratio(a.checked_in, a.registered), "%"),
        (labels["Walk-ins"], a.walk_ins, ""),
        (labels["Agencies reached"], summary.agencies_reached, ""),
        (labels["Tumbler: yes"], t.yes, ""),
        (labels["Tumbler: no"], t.no, ""),
        (labels["Tumbler: unknown"], t.unknown, ""),
        (labels["Tumbler rate"] + " (%)", rate, why["tumbler"]),
        (
            labels["Single-use bottles avoided (estimate)"],
            data.bottles_avoided.estimate,
            why["bottles_avoided"],
        ),
        (labels["Waste weighed"] + " (kg)", data.waste.total_kg, why["waste"]),
        *[(f"{labels['Waste']}: {labels.stream(k)} (kg)", v, "") for k, v in data.waste.kg.items()],
        (labels["Refill water"] + " (L)", data.refill_litres, why["refill_litres"]),
        (labels["Compliance score (all checklists)"], score.percent, why["compliance"]),
        (labels["Required items compliant"], score.compliant, ""),
        (labels["Required items not compliant"], score.non_compliant, ""),
        (labels["Required items open"], score.open, ""),
        (labels["Generated"], _when(sheet, summary.generated_at, tz), event.zone_label),
    ]
    for row in facts:
        _append(sheet, _safe(row))


def _ratio(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _participants_sheet(
    book: Workbook,
    summary: Summary,
    rows: Iterable[AttendanceRow],
    labels: Labels,
    extra: PresenceColumns,
) -> None:
    """The longest sheet, so the cheapest per row: the words are made safe once, repeated
    agencies, positions and gates once each, and an empty text is no cell at all (openpyxl
    writes nothing for None; a reader sees the same blank as for an empty string). A day's
    first entry is a date-time shown as hh:mm (the day is in the heading)."""
    sheet = _sheet(book, labels["Participants"], (7, 32, 40, 28, 14, 11, 19, 16, 14, 10))
    event = summary.event
    checked_in_at = _Times(sheet, event.timezone)
    header = participant_columns(event.zone_label, labels)
    _append(sheet, _header(sheet, header + presence_header(extra, event.zone_label, labels)))
    yes_no = _safe_words(lambda present: labels["Yes"] if present else labels["No"])
    zone = ZoneInfo(event.timezone)

    def clock(at: datetime) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=at.astimezone(zone).replace(tzinfo=None))
        cell.number_format = "hh:mm"
        return cell

    tumbler, category, method = (
        _safe_words(labels.tumbler),
        _safe_words(labels.category),
        _safe_words(labels.method),
    )
    repeated = cache(_text)
    for number, name, agency, position, category_, at, method_, gate, answer, pid in rows:
        present = at is not None
        _append(
            sheet,
            [
                number,
                _text(name) or None,
                repeated(agency) or None,
                repeated(position) or None,
                category(category_),
                yes_no(present),
                checked_in_at(at),
                method(method_),
                repeated(gate) or None,
                tumbler(answer) if present else None,
                *presence_cells(extra, pid, clock, yes_no(True), yes_no(False)),
            ],
        )


def _safe_words(word: Callable[[Any], str]) -> Callable[[Any], str | None]:
    """``word``, made safe once per key (a handful of keys, 20,000 rows); None when empty."""
    return cache(lambda key: _text(word(key)) or None)


def _agency_sheet(book: Workbook, summary: Summary, labels: Labels) -> None:
    sheet = _sheet(book, labels["By agency"], (50, 12, 12, 10))
    a = summary.attendance
    tables = (
        (labels["Agency"], a.by_agency, lambda key: key or labels["(no agency)"]),
        (labels["Category"], a.by_category, labels.category),
    )
    for first, table, name in tables:
        heading = [first, labels["Registered"], labels["Checked in"], "%"]
        _append(sheet, _header(sheet, heading))
        for key, split in table.items():
            ratio = _ratio(split.checked_in, split.registered)
            _append(sheet, _safe([name(key), split.registered, split.checked_in, ratio]))
        _append(sheet, [])


def _days_sheet(book: Workbook, summary: Summary, labels: Labels) -> None:
    """Per day (present, scanned out) and per session (attended), as the API's attendance."""
    sheet = _sheet(book, labels["By day and session"], (24, 44, 14, 14, 20, 8, 12))
    a, tz = summary.attendance, summary.event.timezone
    _append(sheet, _header(sheet, [labels["Day"], labels["Present"], labels["Checked out"]]))
    for day in a.by_day:
        _append(sheet, [day.day.isoformat(), day.present, day.checked_out])
    if not a.by_session:
        return
    _append(sheet, [])
    heading = [
        labels["Day"],
        labels["Session"],
        labels["Starts"],
        labels["Ends"],
        labels["Room"],
        "JP",
        labels["Attended"],
    ]
    _append(sheet, _header(sheet, heading))
    zone = ZoneInfo(tz)
    for s in a.by_session:
        starts, ends = (t.astimezone(zone).strftime("%H:%M") for t in (s.starts_at, s.ends_at))
        _append(sheet, _safe([s.day.isoformat(), s.title, starts, ends, s.room, s.jp, s.attended]))


def _checklists_sheet(book: Workbook, summary: Summary, labels: Labels) -> None:
    sheet = _sheet(book, labels["Checklists"], (40, 8, 6, 60, 10, 16, 14, 40, 8))
    tz, lang = summary.event.timezone, labels.lang
    _append(
        sheet,
        _header(
            sheet,
            [
                labels["Checklist"],
                labels["Version"],
                "No.",
                labels["Item"],
                labels["Required"],
                labels["Status"],
                labels["Value"],
                labels["Note"],
                labels["Photos"],
            ],
        ),
    )
    for c in summary.checklists:
        for item in c.items:
            required = labels["Yes"] if item.required else labels["No"]
            _append(
                sheet,
                _safe(
                    [
                        c.title_in(lang),
                        c.version,
                        item.position,
                        item.text_in(lang),
                        required,
                        labels.status(item.status),
                        labels.answer(item),
                        item.note,
                        len(item.photos),
                    ]
                ),
            )
    _append(sheet, [])
    _append(
        sheet,
        _header(
            sheet,
            [
                labels["Checklist"],
                labels["Version"],
                labels["Legal basis"],
                labels["Score"] + " (%)",
                labels["Required items compliant"],
                labels["Required items not compliant"],
                labels["Required items open"],
                labels["Signed off by"],
                labels["Signed off"],
            ],
        ),
    )
    for c in summary.checklists:
        signer = ", ".join(p for p in (c.signed_off_name, c.signed_off_position) if p)
        score = c.score
        _append(
            sheet,
            _safe(
                [
                    c.title_in(lang),
                    c.version,
                    c.basis_label,
                    score.percent,
                    score.compliant,
                    score.non_compliant,
                    score.open,
                    signer,
                    _when(sheet, c.signed_off_at, tz),
                ]
            ),
        )


def _waste_sheet(book: Workbook, summary: Summary, labels: Labels) -> None:
    sheet = _sheet(book, labels["Waste"], (20, 18, 10, 40, 30))
    tz, waste = summary.event.timezone, summary.sustainability.waste
    _append(sheet, _header(sheet, [labels["Stream"], "kg"]))
    for stream, kg in waste.kg.items():
        _append(sheet, _safe([labels.stream(stream), kg]))
    _append(sheet, _safe([labels["Total"], waste.total_kg]))
    _append(sheet, [])
    _append(
        sheet,
        _header(
            sheet,
            [
                f"{labels['Time']} ({summary.event.zone_label})",
                labels["Stream"],
                "kg",
                labels["Note"],
                labels["Recorded by"],
            ],
        ),
    )
    for e in summary.waste_entries:
        when = _when(sheet, e.recorded_at, tz)
        _append(sheet, _safe([when, labels.stream(e.stream), e.kg, e.note, e.recorded_by]))


# --- the report across events -------------------------------------------------------------


def report_xlsx(report: Report, labels: Labels) -> bytes:
    book = Workbook(write_only=True)
    sheet = _sheet(book, labels["Summary"], (36, 50))
    rate, change = report.tumbler_rate, labels["change from the first to the last event"]
    for label, value in (
        (labels["Organiser unit"], report.unit or labels["All units"]),
        (labels["From"], report.date_from.isoformat()),
        (labels["To"], report.date_to.isoformat()),
        (labels["Events held"], report.events),
        (labels["Registered"], report.registered),
        (labels["Checked in"], report.checked_in),
        (labels["Unique participants"], report.unique_participants),
        (labels["Agencies reached"], report.agencies_reached),
        (labels["Tumbler rate"], None if rate is None else round(100 * rate, 1)),
        (labels["Compliance score"], report.compliance_percent),
        (f"{labels['Tumbler rate']}: {change}", report.trend("tumbler_percent")),
        (f"{labels['Compliance score']}: {change}", report.trend("compliance_percent")),
    ):
        _append(sheet, _safe([label, value]))
    events = _sheet(book, labels["Events"], (12, 40, 36, 11, 11, 9, 9, 11, 11, 11))
    _append(events, _header(events, report_columns(labels)))
    for row in report.rows:
        day = times.local(row.starts_at, row.timezone).date()
        _append(
            events,
            _safe(
                [
                    day,
                    row.title,
                    row.organiser_unit,
                    row.registered,
                    row.checked_in,
                    row.walk_ins,
                    row.agencies,
                    row.tumbler_yes,
                    row.tumbler_percent,
                    row.compliance_percent,
                ]
            ),
        )
    return _save(book)


# --- the daftar hadir ----------------------------------------------------------------------

#: Column widths of the daftar hadir: No, Nama, NIP, Jabatan, Instansi, datang, pulang, ttd.
_SHEET_WIDTHS = (5, 32, 22, 24, 30, 11, 11, 22)
#: A signature drawn at check-in, in pixels on the sheet, and the row height that holds it.
_SIGNATURE_PX, _SIGNATURE_ROW = (150, 40), 33


def daftar_hadir_xlsx(sheet: Sheet) -> bytes:
    """The daftar hadir as one worksheet: the same heading, columns and closing block as the
    PDF; times as spreadsheet times (hh:mm in the event's zone), NIP as text (18 digits would
    lose their last three as a number), signatures as pictures in their cells."""
    book = Workbook()
    ws = book.active
    ws.title = sheet.words.sheet_name.translate(_INVALID_TITLE)[:31]
    for index, width in enumerate(_SHEET_WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    w, rows = sheet.words, _Rows(ws)
    for text, size in ((sheet.office.upper(), 13), (sheet.office_address, 9), (w.title, 12)):
        if text:
            line = rows.append([_text(text)])
            ws.cell(line, 1).font = Font(bold=size > 9, size=size)
    rows.append([])
    for label, value in ((w.event, sheet.event_title), (w.day, w.day_text), (w.place, sheet.place)):
        rows.append([None, _text(label), _text(value)])
    rows.append([])
    columns = _safe(w.columns)
    line = rows.append(columns)
    for column in range(1, len(columns) + 1):
        ws.cell(line, column).font = Font(bold=True)
    for number, row in enumerate(sheet.rows, start=1):
        _sheet_row(ws, rows, number, row, sheet.timezone)
    _closing_rows(rows, sheet)
    return _save(book)


class _Rows:
    """Rows written one under the other on a normal (not write-only) sheet, counted here:
    openpyxl's ``max_row`` looks at every cell, so asking it after each row made a list of n
    people cost n² (2,000 people took half a minute, 20,000 never finished). Every text is
    kept as text: a name that starts with "=" would otherwise be written as a formula (as
    ``_append`` does for the write-only sheets)."""

    def __init__(self, ws: Any) -> None:
        self.ws, self.line = ws, 0

    def append(self, values: Sequence[Any]) -> int:
        """Write ``values`` on the next row; returns its number."""
        self.line += 1
        for column, value in enumerate(values, start=1):
            if value is not None:
                cell = self.ws.cell(self.line, column, value)
                if isinstance(value, str):
                    cell.data_type = "s"
        return self.line


def _sheet_row(ws: Any, rows: _Rows, number: int, row: SheetRow, tz: str) -> None:
    times_ = [
        times.local(t, tz).time().replace(second=0, microsecond=0) if t else None
        for t in (row.arrived, row.left)
    ]
    line = rows.append([number, *_safe([row.name, row.nip, row.position, row.agency]), *times_])
    for column in ("F", "G"):
        ws[f"{column}{line}"].number_format = "hh:mm"
    if row.signature:
        picture = XLImage(io.BytesIO(row.signature))
        scale = min(_SIGNATURE_PX[0] / picture.width, _SIGNATURE_PX[1] / picture.height)
        picture.width, picture.height = picture.width * scale, picture.height * scale
        ws.add_image(picture, f"H{line}")
        ws.row_dimensions[line].height = _SIGNATURE_ROW


def _closing_rows(rows: _Rows, sheet: Sheet) -> None:
    w, official = sheet.words, sheet.official
    rows.append([])
    rows.append([None, _text(w.present)])
    lines = [w.dated, w.acknowledged, official.position, "", "", official.name]
    lines.append(f"{w.nip}. {format_nip(official.nip)}" if official.nip else f"{w.nip}.")
    for text in lines:
        rows.append([None, None, None, None, _text(text)])
