"""What every CSV export shares: cells that a spreadsheet cannot mistake for a formula.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading one of those) is run as a formula when the file is opened in
Excel or LibreOffice: a participant named ``=HYPERLINK(...)`` would run in the organiser's
spreadsheet. Such cells get a leading apostrophe, as OWASP recommends ("CSV injection").
Pure functions, no Flask: summaries and other exports reuse them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula made inert.

    Numbers, booleans and None pass through unchanged (a number is never a formula).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str = ",") -> bytes:
    """A CSV file as bytes: UTF-8 with a BOM (so Excel reads the accents), every cell safe.

    ``delimiter=";"`` suits Excel in the Indonesian locale, which expects semicolons.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
