"""Reading the participant list an organiser uploads (CSV or XLSX) into checked rows.

Pure module: no Flask app and no database. It reads the files offices really make: the list
below title rows, headings matched by their words (:mod:`tracker.events.headings`) and perhaps
over two rows, a row of column numbers, a ``No`` column, empty rows, cells merged down over
several rows, section rows, a signature block below the list
(:mod:`tracker.events.roster_layout`), several sheets, numbers typed as numbers
(``81234567890`` that lost its 0), CSV in the encodings Excel writes
(:mod:`tracker.events.csv_rows`), and workbooks checked before they are parsed
(:mod:`tracker.events.xlsx_rows`).

A column that holds national ID numbers (NIK / KTP) is never read: its cells are not even
looked at, and no assignment can make it read. Every other column is reported, recognised or
not (:class:`SheetLayout`), and the organiser may assign any of them to a field; assignments
are passed in by the key of their heading row.

Rows are read as they are iterated (:func:`open_roster`), so a long file is never held whole;
:func:`read_roster` collects everything for small uses and tests. Problems with single rows are
items of the stream; only a file that cannot be read at all raises :class:`RosterFileError`.
Every message is user-facing and translated with Flask-Babel (English outside a request).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

from tracker.contact import ContactError, normalise_email, normalise_phone
from tracker.events.csv_rows import read_csv
from tracker.events.headings import (
    CATEGORY_VALUES,
    FIELD_ALIASES,
    NATIONAL_ID,
    REPEATED,
    UNKNOWN,
    Assignment,
    heading_key,
)
from tracker.events.roster_layout import SheetLayout, Table, find_header, quoted
from tracker.events.sheets import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    RosterFileError,
    Row,
    Spreadsheet,
    refuse_before_opening,
    too_many_rows,
)
from tracker.events.xlsx_rows import open_xlsx

__all__ = [
    "CATEGORIES",
    "FIELD_ALIASES",
    "MAX_ROWS",
    "Roster",
    "RosterFileError",
    "RosterProblem",
    "RosterReader",
    "RosterRow",
    "SheetLayout",
    "open_roster",
    "read_roster",
]

#: Longest accepted text, in characters, per field.
MAX_LENGTHS = {"name": 200, "agency": 300, "position": 200}
CATEGORIES = ("participant", "speaker", "committee", "press")

_SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RosterRow:
    """One participant that passed every check. ``sheet`` is set when the workbook has
    several sheets."""

    row: int
    name: str
    agency: str
    position: str
    category: str  # participant | speaker | committee | press
    email: str | None  # normalised
    phone: str | None  # E.164
    sheet: str = ""


@dataclass(frozen=True)
class RosterProblem:
    """A row that was not taken; ``message`` says why and does not repeat the row number."""

    row: int
    message: str
    duplicate_of: int | None = None  # set for in-file duplicates
    sheet: str = ""
    duplicate_of_sheet: str = ""


@dataclass
class Roster:
    """The outcome of reading one file whole (see :func:`read_roster`).

    ``ignored_columns`` holds the headings of national ID (NIK/KTP) columns, which are never
    read. ``unknown_columns`` holds the headings that matched no field (and headings repeated
    after the first column of a field); their cells are not read unless assigned.
    """

    rows: list[RosterRow]
    errors: list[RosterProblem]
    duplicates: list[RosterProblem]
    ignored_columns: list[str]
    unknown_columns: list[str] = field(default_factory=list)
    sheets: list[SheetLayout] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@contextlib.contextmanager
def open_spreadsheet(filename: str, data: bytes) -> Iterator[Spreadsheet]:
    """The upload as XLSX (zip signature, or a name ending in .xlsx/.xlsm) or delimited text.

    Raises RosterFileError for an empty file, an old .xls or a password-protected workbook,
    a file that is neither, or one past the reader's limits (also while rows are read).
    """
    refuse_before_opening(data)
    if data.startswith(_ZIP_MAGIC) or filename.lower().endswith(_XLSX_SUFFIXES):
        with open_xlsx(data) as book:
            yield book
        return
    yield read_csv(data)


@contextlib.contextmanager
def open_roster(
    filename: str, data: bytes, assignments: Mapping[str, Assignment] | None = None
) -> Iterator[RosterReader]:
    """The upload's participants, read as they are iterated (see :class:`RosterReader`).

    ``assignments`` maps the key of a heading row (:attr:`SheetLayout.key`) to the fields
    the organiser chose for its columns. Raises RosterFileError as open_spreadsheet does.
    """
    with open_spreadsheet(filename, data) as book:
        yield RosterReader(book, assignments or {})


def read_roster(
    filename: str, data: bytes, assignments: Mapping[str, Assignment] | None = None
) -> Roster:
    """Read a whole upload into a :class:`Roster`. Raises RosterFileError (see RosterReader)."""
    with open_roster(filename, data, assignments) as reader:
        roster = Roster([], [], [], [])
        for item in reader:
            if isinstance(item, RosterRow):
                roster.rows.append(item)
            elif item.duplicate_of is not None:
                roster.duplicates.append(item)
            else:
                roster.errors.append(item)
        reader.describe(roster)
    return roster


class RosterReader:
    """Iterating yields each participant (RosterRow) and each row not taken (RosterProblem; an
    in-file duplicate has ``duplicate_of``), sheet by sheet, in file order.

    While iterating, ``sheets`` fills with each sheet's layout. Raises RosterFileError, while
    iterating, when no sheet has a heading row, or past MAX_ROWS participant rows.
    """

    def __init__(self, book: Spreadsheet, assignments: Mapping[str, Assignment]) -> None:
        self.book = book
        self.assignments = assignments
        self.sheets: list[SheetLayout] = []
        self.skipped_sheets = list(book.skipped)
        self.notes = list(book.notes)
        self._labelled = len(book.sheets) > 1
        self._count = 0
        self._first_by_email: dict[str, tuple[str, int]] = {}
        self._first_by_phone: dict[str, tuple[str, int]] = {}

    def __iter__(self) -> Iterator[RosterRow | RosterProblem]:
        for name, header, rows in self._headers():
            if header.has_name:
                yield from self._sheet_items(name, header, rows)

    def check_headings(self) -> None:
        """Find every sheet's heading row without reading the rows below it: what the upload
        needs to know before it is kept (a twentieth of reading it all). Raises
        RosterFileError like iterating."""
        for _found in self._headers():
            pass

    def _headers(self) -> Iterator[tuple[str, SheetLayout, Iterator[Row]]]:
        """Each sheet's name, heading row and the rows below it; fills ``sheets``."""
        found_text = False
        for sheet in self.book.sheets:
            header, rows, had_text = find_header(sheet, self.assignments)
            found_text = found_text or had_text
            if header is None:
                if had_text and sheet.name:
                    self.skipped_sheets.append((sheet.name, _no_header_reason()))
                continue
            self.sheets.append(header)
            yield sheet.name, header, rows
        if not self.sheets:
            raise _no_header_error() if found_text else RosterFileError(_("The file is empty."))

    @property
    def missing_name(self) -> bool:
        """True when a sheet was found whose name column is not known: the organiser must
        assign it before anything on that sheet is read."""
        return any(not layout.has_name for layout in self.sheets)

    def describe(self, roster: Roster) -> None:
        """Copy what was found about the file's layout into ``roster``."""
        roster.sheets = self.sheets
        roster.skipped_sheets = self.skipped_sheets
        roster.notes = self.notes
        for layout in self.sheets:
            for column in layout.columns:
                if column.kind == NATIONAL_ID:
                    roster.ignored_columns.append(column.heading)
                elif column.kind in (UNKNOWN, REPEATED):
                    roster.unknown_columns.append(column.heading)

    def _sheet_items(
        self, name: str, header: SheetLayout, rows: Iterator[Row]
    ) -> Iterator[RosterRow | RosterProblem]:
        table = Table(header, CATEGORY_VALUES.get(heading_key(name)) if name else None)
        label = name if self._labelled else ""
        for row in rows:
            values = table.read(row)
            if table.ended:
                break
            if values is None:
                continue
            self._count += 1
            if self._count > MAX_ROWS:
                raise too_many_rows()
            yield from self._check(label, row.number, values)

    def _check(
        self, sheet: str, number: int, values: dict[str, str]
    ) -> list[RosterRow | RosterProblem]:
        """The row, or one problem per message, or the duplicate report."""
        row, problems = _check_row(number, values, sheet)
        if row is None:
            return [RosterProblem(number, message, sheet=sheet) for message in problems]
        duplicate = self._duplicate(row)
        if duplicate is not None:
            return [duplicate]
        if row.email:
            self._first_by_email[row.email] = (sheet, number)
        if row.phone:
            self._first_by_phone[row.phone] = (sheet, number)
        return [row]

    def _duplicate(self, row: RosterRow) -> RosterProblem | None:
        """The duplicate report when an earlier accepted row has the same e-mail or phone."""
        if row.email and row.email in self._first_by_email:
            sheet, first = self._first_by_email[row.email]
            message = _(
                "Same e-mail address as an earlier row: %(value)s.", value=quoted(row.email)
            )
        elif row.phone and row.phone in self._first_by_phone:
            sheet, first = self._first_by_phone[row.phone]
            message = _("Same phone number as an earlier row: %(value)s.", value=row.phone)
        else:
            return None
        return RosterProblem(row.row, message, first, row.sheet, sheet)


def _no_header_reason() -> str:
    return _("no heading row in its first %(count)d rows", count=HEADER_SEARCH_ROWS)


def _no_header_error() -> RosterFileError:
    return RosterFileError(
        _(
            "No column with the participants' names was found in the first %(count)d rows. "
            "Give the name column one of these headings: %(names)s.",
            count=HEADER_SEARCH_ROWS,
            names=", ".join(FIELD_ALIASES["name"]),
        )
    )


# --- Checks ---------------------------------------------------------------------------------


def _check_row(
    number: int, values: dict[str, str], sheet: str = ""
) -> tuple[RosterRow | None, list[str]]:
    """Validate and normalise one row; returns the row, or None and every problem found."""
    messages: list[str] = []
    name = values.get("name", "")
    if not name:
        messages.append(_("The name is missing."))
    for text_field in ("name", "agency", "position"):
        if len(values.get(text_field, "")) > MAX_LENGTHS[text_field]:
            messages.append(_too_long_message(text_field))
    category = _category(values.get("category", ""))
    if category is None:
        messages.append(_unknown_category_message(values["category"]))
    phone = _check_phone(values.get("phone", ""), messages)
    email = _check_email(values.get("email", ""), messages)
    if messages:
        return None, messages
    row = RosterRow(
        row=number,
        name=name,
        agency=values.get("agency", ""),
        position=values.get("position", ""),
        category=category or "participant",
        email=email,
        phone=phone,
        sheet=sheet,
    )
    return row, []


@functools.lru_cache(maxsize=256)
def _category(text: str) -> str | None:
    """The category a cell names (None when it names none); a list repeats a few values."""
    return CATEGORY_VALUES.get(heading_key(text))


def _too_long_message(text_field: str) -> str:
    """Message for a name, agency or position over its MAX_LENGTHS limit."""
    limit = MAX_LENGTHS[text_field]
    if text_field == "name":
        return _("The name is longer than %(limit)d characters.", limit=limit)
    if text_field == "agency":
        return _("The agency is longer than %(limit)d characters.", limit=limit)
    return _("The position is longer than %(limit)d characters.", limit=limit)


def _unknown_category_message(value: str) -> str:
    return _(
        'Unknown category "%(value)s". Use peserta, narasumber, panitia or media (or '
        "participant, speaker, committee or press), or leave it empty for a participant.",
        value=quoted(value),
    )


def _check_phone(text: str, messages: list[str]) -> str | None:
    """Return the number in E.164 or None when empty; on a problem, append its message.

    A number in scientific notation (``6,28123E+12``) has lost digits in Excel and cannot be
    repaired, so the message explains how to keep the column as text.
    """
    if _SCIENTIFIC_RE.match(text.replace(" ", "")):
        messages.append(
            _(
                'Excel turned the phone number into scientific notation ("%(value)s"), so its '
                "last digits are lost. In Excel, format the phone column as Text, type the "
                "numbers again and save the file again.",
                value=quoted(text),
            )
        )
        return None
    try:
        return normalise_phone(text)
    except ContactError:
        messages.append(_('The phone number "%(value)s" is not valid.', value=quoted(text)))
        return None


def _check_email(text: str, messages: list[str]) -> str | None:
    """Return the address normalised or None when empty; on a problem, append its message."""
    try:
        return normalise_email(text)
    except ContactError:
        messages.append(_('The e-mail address "%(value)s" is not valid.', value=quoted(text)))
        return None
