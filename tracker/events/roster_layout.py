"""Where the participant list is in a sheet, and which of its rows are participants.

Pure module: no Flask app and no database. Offices put a list below title rows, its headings
sometimes over two rows (a merged "Kontak" above "No. HP (WA)" and "Email"), a row of column
numbers under them, section rows ("A. NARASUMBER") between groups of people, and a signature
block below ("Mengetahui,", "Tabanan, 22 Juli 2025", "Kepala Dinas ...", the official's NIP).
:func:`find_header` finds the heading row(s) and :class:`Table` reads the rows below into field
values, telling participants from everything else and noting what it skipped and why.

A national ID (NIK/KTP) column's cells are never looked at, not even to find where the list
ends: once a row names such a column, that column is hidden in every row below it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from flask_babel import gettext as _

from tracker.events.headings import (
    CATEGORY_VALUES,
    NATIONAL_ID,
    Assignment,
    Column,
    classify,
    heading_key,
    headings_key,
    is_heading_like,
    match_columns,
)
from tracker.events.sheets import HEADER_SEARCH_ROWS, Row, Sheet

#: Longest cell value quoted back in a message; longer values are cut with an ellipsis.
_MAX_QUOTED = 60

# Where the list ends: the signature block's first line, a date line, a totals row.
_MONTHS = (
    "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember"
    "|january|february|march|may|june|july|august|october|december"
)
_CLOSING_RE = re.compile(
    r"^(?:mengetahui|menyetujui|disetujui|diketahui|hormat kami|yang membuat|dibuat oleh"
    r"|a\.\s?n\.\s*(?:kepala|sekretaris|ketua|camat|bupati|wali|gubernur|direktur|pejabat)"
    r"|jumlah\b|total\b)",
    re.IGNORECASE,
)
_DATE_LINE_RE = re.compile(
    rf"^[^\W\d_][\w .'-]*,\s*[\d.…\s]*\s*(?:{_MONTHS})\s+\d{{4}}$", re.IGNORECASE
)
# An official's title on a line of its own, after a gap below the table.
_OFFICIAL_RE = re.compile(
    r"^(?:kepala|sekretaris|ketua|camat|bupati|wali ?kota|gubernur|plt\.?|plh\.?"
    r"|pejabat pembuat komitmen|ppk)\b",
    re.IGNORECASE,
)
# "NIP. 19850101 201001 1 001": a civil servant's number on a line of its own.
_NIP_LINE_RE = re.compile(r"^NIP\.?\s*[:.]?\s*\d[\d\s.]{7,}$", re.IGNORECASE)
_NIP_IN_NAME_RE = re.compile(r"\s*,?\s*NIP\.?\s*[:.]?\s*\d[\d\s.]{7,}$", re.IGNORECASE)
# Column numbers under the headings: "1", "(2)", "3.".
_COLUMN_NUMBER_RE = re.compile(r"^\(?(\d{1,2})\)?\.?$")
# A section's enumerator: "A. ", "II. ", "1) ".
_ENUMERATOR_RE = re.compile(r"^(?:[A-Za-z]{1,4}|\d{1,2})[.)]\s+")


@dataclass
class SheetLayout:
    """What was found on one sheet: its heading row(s), every column and what it is read as,
    and notes on rows that are not participants (column numbers, sections, the end)."""

    sheet: str
    header_rows: tuple[int, ...]
    columns: list[Column]
    #: The key of the heading row; assignments are kept under it.
    key: str
    notes: list[str] = field(default_factory=list)

    @property
    def has_name(self) -> bool:
        return any(column.field == "name" for column in self.columns)

    @property
    def assigned(self) -> bool:
        return any(column.assigned for column in self.columns)


# --- The heading ----------------------------------------------------------------------------


def own_texts(row: Row, hidden: AbstractSet[int] = frozenset()) -> dict[int, str]:
    """The row's own non-empty texts by column: not those copied in from merged cells, and
    never a national ID column's (``hidden``), whose cells are not even looked at."""
    texts = {}
    for index, value in enumerate(row.values):
        if index in hidden or index in row.filled:
            continue
        text = cell_text(value)
        if text:
            texts[index] = text
    return texts


def _is_column_numbers(texts: Sequence[str]) -> bool:
    """True for a row of column numbers under the headings: 1, 2, 3 ... or (1), (2) ..."""
    numbers = []
    for text in texts:
        match = _COLUMN_NUMBER_RE.match(text)
        if match is None:
            return False
        numbers.append(int(match.group(1)))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _is_subheading(top: dict[int, str], merged: frozenset[int], below: dict[int, str]) -> bool:
    """True when ``below`` is the second line of a two-row heading.

    ``top`` must hold at least two headings (a title has one), and each text of ``below`` must
    stand under nothing, under a merged cell (a group such as "Kontak" over two columns), or
    under an unrecognised heading followed by an empty cell (the same group saved as CSV).
    None of them is a number, and at least one is a heading by itself.
    """
    if len(top) < 2 or not below or _is_column_numbers(list(below.values())):
        return False
    for index, text in below.items():
        if _COLUMN_NUMBER_RE.match(text) or _is_number(text):
            return False
        heading = top.get(index, "")
        group = classify(heading)[0] is None and index + 1 in below and index + 1 not in top
        if heading and index not in merged and not group:
            return False
    return any(is_heading_like(text) for text in below.values())


def _as_list(texts: dict[int, str]) -> list[str]:
    width = max(texts, default=-1) + 1
    return [texts.get(index, "") for index in range(width)]


def _combined(top: Row, texts: dict[int, str], below: dict[int, str]) -> list[str]:
    """Two heading rows as one: "Kontak" (merged over two columns) above "No. HP" and "Email"
    reads "Kontak No. HP" and "Kontak Email". ``texts`` are the top row's own texts."""
    joined = dict(texts)
    for index, text in below.items():
        group = texts.get(index) or (cell_text(top.values[index]) if index in top.filled else "")
        joined[index] = f"{group} {text}".strip()
    return _as_list(joined)


@dataclass
class _Search:
    """The heading search over a sheet's first rows (see _find_header)."""

    sheet: str
    assignments: Mapping[str, Assignment]
    seen: list[Row] = field(default_factory=list)
    #: Each seen row's texts, read before its own national ID headings were known.
    texts: list[dict[int, str]] = field(default_factory=list)
    hidden: set[int] = field(default_factory=set)
    best: tuple[int, int, SheetLayout] | None = None

    def layout(self, rows: tuple[int, ...], headings: list[str]) -> SheetLayout:
        key = headings_key(headings)
        return SheetLayout(
            self.sheet, rows, match_columns(headings, self.assignments.get(key)), key
        )

    def readings(self, index: int, below: Row | None) -> Iterator[SheetLayout]:
        """Row ``index`` of ``seen`` read as the heading row: first with ``below`` (the next
        row, whose national ID cells are hidden already) as its second line."""
        top, texts = self.seen[index], self.texts[index]
        if below is not None:
            under = own_texts(below, self.hidden)
            if _is_subheading(texts, top.merged, under):
                yield self.layout((top.number, below.number), _combined(top, texts, under))
        yield self.layout((top.number,), _as_list(texts))

    def consider(self, index: int, below: Row | None) -> tuple[SheetLayout, int] | None:
        """The layout when row ``index`` of ``seen`` is the heading row, with the number of
        rows it takes; keeps the best reading without a name column as a fallback."""
        for layout in self.readings(index, below):
            used = index + len(layout.header_rows)
            if layout.has_name or layout.assigned:
                return layout, used
            known = sum(1 for column in layout.columns if column.field)
            if known >= 2 and (self.best is None or known > self.best[0]):
                self.best = (known, used, layout)
        return None


def _national_ids(texts: dict[int, str]) -> set[int]:
    return {index for index, text in texts.items() if classify(text)[1] == NATIONAL_ID}


def find_header(
    sheet: Sheet, assignments: Mapping[str, Assignment]
) -> tuple[SheetLayout | None, Iterator[Row], bool]:
    """Find the heading row among the first HEADER_SEARCH_ROWS non-blank rows: the first whose
    columns the organiser assigned or that holds a name column (its second line, if any, is
    the next row); else the one recognising the most columns (at least two), whose name column
    the organiser must then assign.

    Returns the layout (None when there is none), the rows below it, and whether the sheet had
    any text at all. Blank rows above the heading are dropped. Only one row below a heading
    with a name is looked at, and never a national ID column's cells.
    """
    search = _Search(sheet.name, assignments)
    rows = iter(sheet.rows)
    for row in rows:
        texts = own_texts(row, search.hidden)
        if not texts:
            continue
        search.hidden |= _national_ids(texts)  # before the row below is looked at
        search.seen.append(row)
        search.texts.append(texts)
        if len(search.seen) >= 2:
            found = search.consider(len(search.seen) - 2, row)
            if found is not None:
                return found[0], _chain(search.seen[found[1] :], rows), True
        if len(search.seen) > HEADER_SEARCH_ROWS:
            break
    if 0 < len(search.seen) <= HEADER_SEARCH_ROWS:
        found = search.consider(len(search.seen) - 1, None)
        if found is not None:
            return found[0], _chain(search.seen[found[1] :], rows), True
    if search.best is not None:
        return search.best[2], _chain(search.seen[search.best[1] :], rows), True
    return None, iter(()), bool(search.seen)


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest


# --- The rows below it ----------------------------------------------------------------------


class Table:
    """Reads the rows below the heading into field values, telling participants from what is
    not: blank rows, column numbers, section rows, and the end of the list."""

    def __init__(self, header: SheetLayout, sheet_category: str | None) -> None:
        self.header = header
        self.fields = {c.field: c.index for c in header.columns if c.field}
        #: National ID columns: their cells are never looked at, not even to find the end.
        self.hidden = {c.index for c in header.columns if c.kind == NATIONAL_ID}
        self.category = sheet_category
        self.ended = False
        self.first = True
        self.after_gap = False

    def read(self, row: Row) -> dict[str, str] | None:
        """The row's field values, or None when it is not a participant. Sets ``ended`` at the
        first line of the signature block or a totals row."""
        texts = own_texts(row, self.hidden)
        if not texts:
            self.after_gap = True
            return None
        first, self.first = self.first, False
        if self._ends(row, texts):
            return None
        self.after_gap = False
        if first and _is_column_numbers(list(texts.values())):
            self._note(_("Row %(row)d holds column numbers; it was not read.", row=row.number))
            return None
        if self._is_section(row, texts):
            return None
        values = {
            name: texts[index] if index in texts else _field_text(row, index)
            for name, index in self.fields.items()
        }
        own = [name for name, index in self.fields.items() if index in texts]
        if not own or all(_NIP_LINE_RE.match(values[name]) for name in own):
            return None  # nothing of its own (merged cells only), or a NIP below a name
        if "name" in values:
            values["name"] = _NIP_IN_NAME_RE.sub("", values["name"])
        if not values.get("category") and self.category:
            values["category"] = self.category
        return values

    def _ends(self, row: Row, texts: dict[int, str]) -> bool:
        """True at the signature block's first line ("Mengetahui,", a place and date such as
        "Tabanan, 22 Juli 2025", an official's title alone after a gap) or a totals row. A
        date in a participant's row (a birth date) has a name beside it and ends nothing."""
        first_text = texts[min(texts)]
        name_index = self.fields.get("name", -1)
        name = texts.get(name_index, "")
        # A place and date line has a comma ("Tabanan, 22 Juli 2025"); most cells have none.
        dated = any("," in text and _DATE_LINE_RE.match(text) for text in texts.values())
        if not (
            _CLOSING_RE.match(first_text)
            or (dated and (not name or _DATE_LINE_RE.match(name)))
            or (len(texts) == 1 and self.after_gap and _OFFICIAL_RE.match(first_text))
        ):
            return False
        self.ended = True
        self._note(
            _(
                'The list ends at row %(row)d ("%(text)s"); what is below it was not read.',
                row=row.number,
                text=quoted(first_text),
            )
        )
        return True

    def _is_section(self, row: Row, texts: dict[int, str]) -> bool:
        """A section row ("A. NARASUMBER", or one text merged across the table) is no
        participant; one that names a category sets it for the rows below."""
        if len(texts) != 1 or len(self.fields) < 2:
            return False
        text = next(iter(texts.values()))
        category = CATEGORY_VALUES.get(heading_key(_ENUMERATOR_RE.sub("", text)))
        across = bool(row.filled & set(self.fields.values()))
        if category is None and not across:
            return False
        self.category = category or self.category
        self._note(
            _('Row %(row)d ("%(text)s") is a section title.', row=row.number, text=quoted(text))
        )
        return True

    def _note(self, text: str) -> None:
        if len(self.header.notes) < 20:
            self.header.notes.append(text)


def _field_text(row: Row, index: int) -> str:
    return cell_text(row.values[index]) if index < len(row.values) else ""


# --- Cells ----------------------------------------------------------------------------------


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()


def cell_text(value: object) -> str:
    """Text of one cell, stripped, with inner whitespace runs (line breaks too) as one space.

    Whole-number floats lose their ".0" (Excel keeps phone numbers as numbers).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return " ".join(str(value).split())


def quoted(value: str) -> str:
    """The value as shown inside a message, cut to _MAX_QUOTED characters."""
    return value if len(value) <= _MAX_QUOTED else value[: _MAX_QUOTED - 1] + "…"
