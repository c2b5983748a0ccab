"""The attendance list and the report's event table as CSV, produced piece by piece.

The file is a generator of byte chunks: the view streams it to the browser while the rows
are still being read from the database in batches, so 20,000 participants never sit in memory
at once. UTF-8 with a byte-order mark (Excel otherwise reads the accents as Latin-1), comma by
default, ``;`` for Excel in the Indonesian locale. Every text cell goes through ``safe_cell``.
Pure: no Flask.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tracker.exports import safe_cell
from tracker.summaries import text
from tracker.summaries.columns import participant_columns, report_columns
from tracker.summaries.data import AttendanceRow, Labels, Report, Summary

BOM = "\ufeff"
#: Rows written before a chunk is handed on.
CHUNK_ROWS = 500
SEPARATORS = {"comma": ",", "semicolon": ";"}


def _chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str
) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([safe_cell(cell) for cell in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def attendance_csv(
    summary: Summary, rows: Iterable[AttendanceRow], labels: Labels, delimiter: str = ","
) -> Iterator[bytes]:
    """Everyone registered, by name, with their check-in (empty when they did not come)."""
    tz = summary.event.timezone

    def cells(row: AttendanceRow) -> list[Any]:
        present = row.checked_in_at is not None
        return [
            row.number,
            row.name,
            row.agency,
            row.position,
            labels.category(row.category),
            labels["Yes"] if present else labels["No"],
            text.local(row.checked_in_at, tz).strftime("%Y-%m-%d %H:%M") if present else "",
            labels.method(row.method),
            row.gate,
            labels.tumbler(row.tumbler) if present else "",
        ]

    header = participant_columns(summary.event.zone_label, labels)
    return _chunks(header, (cells(row) for row in rows), delimiter)


def report_csv(report: Report, labels: Labels, delimiter: str = ",") -> Iterator[bytes]:
    rows = (
        [
            text.local(r.starts_at, r.timezone).date().isoformat(),
            r.title,
            r.organiser_unit,
            r.registered,
            r.checked_in,
            r.walk_ins,
            r.agencies,
            r.tumbler_yes,
            r.tumbler_percent,
            r.compliance_percent,
        ]
        for r in report.rows
    )
    return _chunks(report_columns(labels), rows, delimiter)
