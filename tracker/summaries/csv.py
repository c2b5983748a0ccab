"""The attendance list and the report's event table as CSV, produced piece by piece.

The file is a generator of byte chunks: the view streams it to the browser while the rows
are still being read from the database in batches, so 20,000 participants never sit in memory
at once. UTF-8 with a byte-order mark (Excel otherwise reads the accents as Latin-1), comma by
default, ``;`` for Excel in the Indonesian locale. Every text cell goes through ``safe_cell``.
The columns per day and per session of a multi-day event, or of one with an agenda, read a
small record per person who came (tracker.checkin.presence), held while the file is written.
Pure: no Flask.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from functools import cache
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from tracker import times
from tracker.exports import safe_cell
from tracker.summaries.columns import (
    participant_columns,
    presence_cells,
    presence_header,
    report_columns,
)
from tracker.summaries.data import (
    NO_PRESENCE,
    AttendanceRow,
    EventFacts,
    Labels,
    PresenceColumns,
    Report,
)

BOM = "\ufeff"
#: Rows written before a chunk is handed on.
CHUNK_ROWS = 500
SEPARATORS = {"comma": ",", "semicolon": ";"}


def _chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str
) -> Iterator[bytes]:
    """The file in pieces of CHUNK_ROWS rows (the last may be short or empty), written a
    piece at a time. The rows' cells must be safe already."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(_safe(header))
    rows = iter(rows)
    while True:
        batch = list(islice(rows, CHUNK_ROWS))
        writer.writerows(batch)
        yield buffer.getvalue().encode("utf-8")
        if len(batch) < CHUNK_ROWS:
            return
        buffer.seek(0)
        buffer.truncate()


def _safe(row: Iterable[Any]) -> list[Any]:
    return ["" if cell is None else safe_cell(cell) for cell in row]


def _safe_words(word: Callable[[Any], str]) -> Callable[[Any], str]:
    """``word``, its answers made safe once per key (a handful of keys, 20,000 rows)."""
    return cache(lambda key: safe_cell(word(key)))


def attendance_csv(
    event: EventFacts,
    rows: Iterable[AttendanceRow],
    labels: Labels,
    delimiter: str = ",",
    extra: PresenceColumns = NO_PRESENCE,
) -> Iterator[bytes]:
    """Everyone registered, by name, with their check-in (empty when they did not come),
    and for an event of several days or with an agenda ``extra``'s columns: each day's first
    entry ("08:30", empty when absent that day), the days present, each session ("Ya" or
    empty), sessions attended, JP, completed (columns.presence_header).

    Only the event's facts, not a whole Summary: the list needs none of its figures, and the
    view is spared computing them before the first byte.

    The words (category, method, yes/no) are made safe once, not in each of 20,000 rows; in
    a row only the participant's own text goes through ``safe_cell``.
    """
    tz = ZoneInfo(event.timezone)
    yes_no = _safe_words(lambda present: labels["Yes"] if present else labels["No"])
    tumbler = _safe_words(labels.tumbler)
    category = _safe_words(labels.category)
    method = _safe_words(labels.method)

    # Agencies, positions and gates repeat: each is made safe once. Names are all different.
    repeated = cache(safe_cell)

    def clock(at: datetime) -> str:
        return at.astimezone(tz).isoformat(timespec="minutes")[11:16]

    def presence(participant_id: int) -> list[Any]:
        cells = presence_cells(extra, participant_id, clock, yes_no(True), yes_no(False))
        return ["" if cell is None else cell for cell in cells]

    def cells(row: AttendanceRow) -> list[Any]:
        number, name, agency, position, category_, at, method_, gate, answer, pid = row
        present = at is not None
        return [
            number,
            safe_cell(name),
            repeated(agency),
            repeated(position),
            category(category_),
            yes_no(present),
            # "2025-07-22 09:12": isoformat is several times cheaper than strftime.
            at.astimezone(tz).isoformat(" ", "minutes")[:16] if present else "",
            method(method_),
            repeated(gate),
            tumbler(answer) if present else "",
            *(presence(pid) if extra else ()),
        ]

    header = participant_columns(event.zone_label, labels)
    header += presence_header(extra, event.zone_label, labels)
    return _chunks(header, map(cells, rows), delimiter)


def report_csv(report: Report, labels: Labels, delimiter: str = ",") -> Iterator[bytes]:
    rows = (
        _safe(
            [
                times.local(r.starts_at, r.timezone).date().isoformat(),
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
        )
        for r in report.rows
    )
    return _chunks(report_columns(labels), rows, delimiter)
