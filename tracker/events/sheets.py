"""What the participant import reads an upload into, and the limits on what it will read.

Pure module: no Flask app and no database; messages are user-facing (Flask-Babel returns the
English text outside a request). :mod:`tracker.events.csv_rows` and
:mod:`tracker.events.xlsx_rows` turn the bytes into :class:`Spreadsheet`; only a file that
cannot or must not be read raises :class:`RosterFileError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _

#: Most participant rows one file may hold (the roster counts them exactly).
MAX_ROWS = 50_000
#: Rows with values a sheet may hold beyond MAX_ROWS: titles, headings, a signature block.
ROW_ALLOWANCE = 200
#: Most cells with a value in one row.
MAX_COLUMNS = 256
#: Most cells with a value in the sheets read, and most shared strings.
MAX_CELLS = 1_000_000
#: Most parts in an XLSX archive (a real workbook has a few dozen).
MAX_PARTS = 2_000
#: Largest declared unpacked size of one part, and of all parts together.
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: Most sheets read from one workbook; more are listed as skipped.
MAX_SHEETS = 20
#: The header row must be among the first this many non-blank rows.
HEADER_SEARCH_ROWS = 10


class RosterFileError(ValueError):
    """The whole file cannot be read; ``str(exc)`` is the message to show the person."""


@dataclass(frozen=True, slots=True)
class Row:
    """One row as the spreadsheet numbers it, with its cell values (str, int, float, bool or
    None). ``filled`` holds the columns whose value was copied from a merged range's first cell;
    ``merged`` every column inside a merged range (the first cell too)."""

    number: int
    values: list[object]
    merged: frozenset[int] = frozenset()
    filled: frozenset[int] = frozenset()


@dataclass
class Sheet:
    name: str  # "" for CSV
    rows: Iterator[Row]


@dataclass
class Spreadsheet:
    sheets: list[Sheet]
    #: Sheets not read, with why (hidden, a chart, too many sheets).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: What the person should know about how the file was read (mixed encodings).
    notes: list[str] = field(default_factory=list)


def not_a_spreadsheet() -> RosterFileError:
    return RosterFileError(
        _(
            "This file is not a CSV or Excel (.xlsx) file. Upload the participant list as an "
            "Excel Workbook (.xlsx), or save it from Excel as CSV."
        )
    )


def xlsx_unreadable() -> RosterFileError:
    return RosterFileError(
        _(
            "This file could not be read as an Excel workbook (.xlsx). Open it in Excel, save it "
            "as an Excel Workbook (.xlsx) or as CSV, and upload it again."
        )
    )


def too_large_inside() -> RosterFileError:
    return RosterFileError(
        _(
            "This workbook unpacks to far more data than a participant list holds (more than "
            "%(mb)d MB), so it was not opened. Copy the participant list into a new workbook, "
            "save it, and upload that.",
            mb=MAX_UNPACKED_BYTES // (1024 * 1024),
        )
    )


def too_many_rows() -> RosterFileError:
    return RosterFileError(
        _(
            "The file has more than %(limit)d participants. Split it into files of at most "
            "%(limit)d participants each.",
            limit=MAX_ROWS,
        )
    )


def too_many_columns() -> RosterFileError:
    return RosterFileError(
        _(
            "A row of this file has more than %(limit)d filled columns; a participant list has "
            "a few. Delete the columns that are not part of the list and upload it again.",
            limit=MAX_COLUMNS,
        )
    )


def too_many_cells() -> RosterFileError:
    return RosterFileError(
        _(
            "This file has more than %(limit)d filled cells. Keep only the participant list "
            "(delete other sheets and columns), or split it, and upload it again.",
            limit=MAX_CELLS,
        )
    )


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, and encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def refuse_before_opening(data: bytes) -> None:
    """Refuse what no reader should open: an empty file, an old .xls, a workbook protected
    with a password (Excel wraps those in the .xls container)."""
    if data.strip() in (b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):  # nothing, or a BOM
        raise RosterFileError(_("The file is empty."))
    if data.startswith(_OLE_MAGIC) and _ENCRYPTED in data:
        raise RosterFileError(
            _(
                "This workbook is protected with a password, so it cannot be read. Open it in "
                "Excel, remove the password (File, Info, Protect Workbook), save it and upload "
                "it again."
            )
        )
    if data.startswith(_OLE_MAGIC):
        raise RosterFileError(
            _(
                "This is an old Excel 97-2003 (.xls) file. Open it in Excel, save it as an Excel "
                "Workbook (.xlsx) or as CSV, and upload it again."
            )
        )
