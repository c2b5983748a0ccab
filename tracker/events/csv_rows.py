"""Reading a CSV upload into rows: the encodings and separators Excel and people use.

UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode Text"), Windows-1252 ("ANSI",
which also reads Latin-1 text); ``;`` (Excel in the Indonesian locale), ``,`` and tab, or the
separator a ``sep=`` first line names. A file whose lines mix UTF-8 with Windows-1252 (two
agencies' lists pasted into one) is read line by line, each line in its own encoding, and the
returned note says which lines were Windows-1252.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from flask_babel import gettext as _

from tracker.events.headings import classify
from tracker.events.sheets import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    RosterFileError,
    Row,
    Sheet,
    Spreadsheet,
    not_a_spreadsheet,
    too_many_columns,
)

_DELIMITERS = (";", "\t", ",")
_SEP_LINE_RE = re.compile(r"^sep=(.)[ \t]*(?:\r\n|\r|\n|$)", re.IGNORECASE)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")


def read_csv(data: bytes) -> Spreadsheet:
    """The text as one sheet of rows (read as they are iterated), with a note when the file
    mixes encodings. Raises RosterFileError for binary data."""
    text, legacy_lines = _decode_text(data)
    book = Spreadsheet([Sheet("", _csv_rows(text))])
    if legacy_lines:
        book.notes.append(_mixed_encoding_note(legacy_lines))
    return book


def _decode_line(line: bytes) -> str:
    """A line in Windows-1252; Latin-1 where a byte has no Windows-1252 meaning."""
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def _decode_text(data: bytes) -> tuple[str, list[int]]:
    """Decode CSV bytes; returns the text and, when the file mixes UTF-8 with Windows-1252,
    the numbers of the lines read as Windows-1252.

    UTF-16 with BOM, else UTF-8 (BOM optional), else line by line: UTF-8 where a line is valid
    UTF-8, Windows-1252 where not. Raises RosterFileError when the result is clearly binary
    (NUL bytes or many control characters), e.g. a PDF or image renamed to .csv.
    """
    legacy: list[int] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise not_a_spreadsheet() from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text, legacy = _decode_lines(data.removeprefix(b"\xef\xbb\xbf"))
    sample = text[:4096]
    if "\x00" in text or len(_CONTROL_RE.findall(sample)) > len(sample) // 100:
        raise not_a_spreadsheet()
    return text, legacy


def _decode_lines(data: bytes) -> tuple[str, list[int]]:
    lines: list[str] = []
    legacy: list[int] = []
    saw_utf8 = False
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(line.decode("utf-8"))
            saw_utf8 = saw_utf8 or not line.isascii()
        except UnicodeDecodeError:
            lines.append(_decode_line(line))
            legacy.append(number)
    return "\n".join(lines), (legacy if saw_utf8 else [])


def _mixed_encoding_note(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:10]) + (" …" if len(lines) > 10 else "")
    return _(
        "This file mixes two text encodings: most of it is UTF-8, but %(count)d line(s) "
        "(%(lines)s) are in Windows-1252 (ANSI). Each line was read in its own encoding; check "
        "the names from those lines below, or save the file from Excel again as "
        '"CSV UTF-8" and upload it again.',
        count=len(lines),
        lines=shown,
    )


def _csv_rows(text: str) -> Iterator[Row]:
    """Rows of delimited text; a first line ``sep=;`` (which Excel honours and hides) fixes
    the separator, and row numbers then count from the line after it, as Excel shows them.

    Raises RosterFileError when the csv module rejects the text (a cell far too long), or a
    row has more than MAX_COLUMNS values.
    """
    delimiter = None
    sep_line = _SEP_LINE_RE.match(text)
    if sep_line:
        delimiter = sep_line.group(1)
        text = text[sep_line.end() :]
    try:
        if delimiter is None:
            delimiter = _sniff_delimiter(text)
        reader = csv.reader(
            io.StringIO(text, newline=None), delimiter=delimiter, skipinitialspace=True
        )
        for number, cells in enumerate(reader, start=1):
            if sum(1 for cell in cells if cell) > MAX_COLUMNS:
                raise too_many_columns()
            yield Row(number, list(cells))
    except csv.Error as exc:
        raise RosterFileError(
            _(
                "This CSV file could not be read (a cell may be far too long). Save it from Excel "
                "again and upload it again."
            )
        ) from exc


def _recognised(cells: list[str]) -> tuple[bool, int]:
    """Whether the cells, read as headings, hold a name column, and how many they recognise."""
    fields = [classify(cell.strip())[0] for cell in cells if cell.strip()]
    return "name" in fields, sum(1 for f in fields if f)


def _sniff_delimiter(text: str) -> str:
    """Return the separator that splits a header line into the most recognised columns.

    Looks at the first HEADER_SEARCH_ROWS non-blank lines and stops at the first one in which
    some separator yields a name column, so no line below the header (where NIK values may
    be) is looked at. On a tie ``;`` wins, then tab. Returns ``;`` when no line has a name
    column; reading then reports that. Raises csv.Error like the csv module.
    """
    seen = 0
    best: dict[str, int] = {}
    for line in io.StringIO(text, newline=None):
        for delimiter in _DELIMITERS:
            cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
            has_name, count = _recognised(cells)
            if has_name:
                best[delimiter] = count
        if best:
            return max(best, key=lambda delimiter: best[delimiter])
        if line.strip(" \t\r\n;,"):
            seen += 1
            if seen >= HEADER_SEARCH_ROWS:
                break
    return _DELIMITERS[0]
