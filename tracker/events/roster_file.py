"""Reading the participant list an organiser uploads (CSV or XLSX) into checked rows.

Pure module: no Flask app and no database. It reads what people really upload:

* CSV from Excel in the Indonesian locale (``;`` separator, often a UTF-8 BOM), plain comma CSV
  and tab-separated text, in UTF-8 (with or without BOM), UTF-16 with BOM, or cp1252;
* XLSX (first sheet), where Excel keeps phone numbers as numbers (``81234567890``,
  ``6281234567890.0``).

The header row may sit below title rows; headings may be Indonesian or English. A column that
holds national ID numbers (NIK / KTP) is never read: the law does not allow us to collect it.

Problems with single rows are returned in :class:`Roster` (``errors``, ``duplicates``); only a
file that cannot be read at all raises :class:`RosterFileError`. Every message is user-facing and
translated with Flask-Babel (which returns the English text outside a request).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import load_workbook

from tracker.contact import ContactError, normalise_email, normalise_phone

#: Most data rows (non-blank rows below the header) one file may hold.
MAX_ROWS = 50_000
#: The header row must be among the first this many non-blank rows.
HEADER_SEARCH_ROWS = 10
#: Longest accepted text, in characters, per field.
MAX_LENGTHS = {"name": 200, "agency": 300, "position": 200}
#: Longest cell value quoted back in a message; longer values are cut with an ellipsis.
_MAX_QUOTED = 60

CATEGORIES = ("participant", "speaker", "committee", "press")

#: Accepted headings per field, as people write them; matched after :func:`_key`.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("Nama", "Nama Lengkap", "Nama Peserta", "Name", "Full Name"),
    "agency": (
        "Instansi",
        "OPD",
        "Unit Kerja",
        "Asal Instansi",
        "Nama Instansi",
        "Dinas",
        "Agency",
        "Organisation",
        "Organization",
        "Institution",
    ),
    "position": ("Jabatan", "Position", "Job Title", "Title"),
    "category": ("Kategori", "Peran", "Category", "Role"),
    "email": ("Email", "E-mail", "Surel", "Alamat Email", "Alamat Surel", "Email Address"),
    "phone": (
        "No HP",
        "No. HP",
        "Nomor HP",
        "HP",
        "No HP/WA",
        "Nomor HP/WA",
        "HP/WA",
        "Handphone",
        "No Handphone",
        "No Telp",
        "Telepon",
        "No Telepon",
        "Nomor Telepon",
        "No WA",
        "Nomor WA",
        "WhatsApp",
        "Phone",
        "Mobile",
        "Phone Number",
    ),
}

_CATEGORY_VALUES: dict[str, str] = {
    "": "participant",
    "peserta": "participant",
    "participant": "participant",
    "narasumber": "speaker",
    "pembicara": "speaker",
    "speaker": "speaker",
    "panitia": "committee",
    "committee": "committee",
    "media": "press",
    "pers": "press",
    "wartawan": "press",
    "jurnalis": "press",
    "journalist": "press",
    "press": "press",
}

# Headings of national ID columns: any of these words, or one of these whole headings.
_NATIONAL_ID_WORDS = frozenset({"nik", "ktp", "noktp", "nonik"})
_NATIONAL_ID_KEYS = frozenset(
    {"nomorindukkependudukan", "nomorktp", "nomornik", "nikktp", "nationalid", "nationalidnumber"}
)

_DELIMITERS = (";", "\t", ",")
_SEP_LINE_RE = re.compile(r"^sep=(.)[ \t]*(?:\r\n|\r|\n|$)", re.IGNORECASE)
_SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_NON_WORD_RE = re.compile(r"[\W_]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
_XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class RosterRow:
    """One participant that passed every check."""

    row: int
    name: str
    agency: str
    position: str
    category: str  # participant | speaker | committee | press
    email: str | None  # normalised
    phone: str | None  # E.164


@dataclass(frozen=True)
class RosterProblem:
    """A row that was not taken; ``message`` says why and does not repeat the row number."""

    row: int
    message: str
    duplicate_of: int | None = None  # set for in-file duplicates


@dataclass
class Roster:
    """The outcome of reading one file.

    ``ignored_columns`` holds the headings of national ID (NIK/KTP) columns, which are never
    read. ``unknown_columns`` holds the other headings that matched no field (and headings
    repeated after the first column of a field); their cells are not read either.
    """

    rows: list[RosterRow]
    errors: list[RosterProblem]
    duplicates: list[RosterProblem]
    ignored_columns: list[str]
    unknown_columns: list[str] = field(default_factory=list)


class RosterFileError(ValueError):
    """The whole file cannot be read; ``str(exc)`` is the message to show the person."""


@dataclass(frozen=True)
class _Header:
    """Where the header row is and which column holds which field."""

    row: int
    columns: dict[str, int]
    ignored: list[str]
    unknown: list[str]


Record = tuple[int, Sequence[object]]  # (spreadsheet row number, raw cell values)


def read_roster(filename: str, data: bytes) -> Roster:
    """Read an uploaded participant list (CSV or XLSX) into checked rows.

    The file is treated as XLSX when it starts with the zip signature or its name ends in
    ``.xlsx``/``.xlsm``; otherwise as delimited text. Raises RosterFileError when the file is
    empty, is neither readable CSV nor XLSX (including old ``.xls``), has no recognisable
    name column in its first rows, or has more than MAX_ROWS data rows.
    """
    if data.strip() in (b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):  # nothing, or a BOM
        raise RosterFileError(_("The file is empty."))
    if data.startswith(_OLE_MAGIC):
        raise RosterFileError(
            _(
                "This is an old Excel 97-2003 (.xls) file. Open it in Excel, save it as an Excel "
                "Workbook (.xlsx) or as CSV, and upload it again."
            )
        )
    if data.startswith(_ZIP_MAGIC) or filename.lower().endswith(_XLSX_SUFFIXES):
        with _xlsx_records(data) as records:
            return _read_records(records)
    return _read_csv(_decode_text(data))


# --- XLSX -----------------------------------------------------------------------------------


def _xlsx_unreadable() -> RosterFileError:
    return RosterFileError(
        _(
            "This file could not be read as an Excel workbook (.xlsx). Open it in Excel, save it "
            "as an Excel Workbook (.xlsx) or as CSV, and upload it again."
        )
    )


@contextlib.contextmanager
def _xlsx_records(data: bytes) -> Iterator[Iterator[Record]]:
    """Yield the numbered rows of the first sheet; the workbook is closed on exit.

    Raises RosterFileError when openpyxl cannot open or parse the file (not a zip, a zip that
    is not a workbook such as .ods or .docx, damaged XML). openpyxl's warnings about features
    it drops (data validation, styles) mean nothing to the person and are silenced while the
    file is read (``catch_warnings`` is process-wide, so another thread's warnings may be
    silenced during that time too).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many unrelated types for damaged files
            raise _xlsx_unreadable() from exc
        try:
            if not workbook.worksheets:
                raise _xlsx_unreadable()
            sheet = workbook.worksheets[0]
            if not hasattr(sheet, "iter_rows"):  # a chart sheet
                raise _xlsx_unreadable()
            if hasattr(sheet, "reset_dimensions"):
                # Some generators write a wrong <dimension>; without this, rows are cut off.
                sheet.reset_dimensions()
            yield _guarded_rows(sheet.iter_rows(values_only=True))
        finally:
            workbook.close()


def _guarded_rows(rows: Iterable[Sequence[object]]) -> Iterator[Record]:
    """Number the sheet's rows from 1, turning parse errors met while reading into
    RosterFileError. Errors raised by the caller between rows are not caught here."""
    iterator = iter(rows)
    number = 0
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # damaged sheet XML surfaces lazily, as various types
            raise _xlsx_unreadable() from exc
        number += 1
        yield number, row


# --- CSV ------------------------------------------------------------------------------------


def _not_a_spreadsheet() -> RosterFileError:
    return RosterFileError(
        _(
            "This file is not a CSV or Excel (.xlsx) file. Upload the participant list as an "
            "Excel Workbook (.xlsx), or save it from Excel as CSV."
        )
    )


def _decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-16 with BOM, else UTF-8 (BOM optional), else cp1252.

    Raises RosterFileError when the result is clearly binary (NUL bytes or many control
    characters), e.g. a PDF or image renamed to .csv.
    """
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _not_a_spreadsheet() from None
        text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    if "\x00" in text or len(_CONTROL_RE.findall(sample)) > len(sample) // 100:
        raise _not_a_spreadsheet()
    return text


def _read_csv(text: str) -> Roster:
    """Read delimited text, choosing the separator that yields the best header row.

    A first line ``sep=;`` (which Excel honours and hides) fixes the separator; row numbers
    then count from the line after it, as Excel shows them. Raises RosterFileError for the
    reasons listed in :func:`read_roster`, or when the csv module rejects the text.
    """
    delimiter = None
    sep_line = _SEP_LINE_RE.match(text)
    if sep_line:
        delimiter = sep_line.group(1)
        text = text[sep_line.end() :]
    try:
        if delimiter is None:
            delimiter = _sniff_delimiter(text)
        return _read_records(enumerate(_csv_reader(text, delimiter), start=1))
    except csv.Error as exc:
        raise RosterFileError(
            _(
                "This CSV file could not be read (a cell may be far too long). Save it from Excel "
                "again and upload it again."
            )
        ) from exc


def _csv_reader(text: str, delimiter: str) -> Iterator[list[str]]:
    """Rows of ``text`` split on ``delimiter``; quoted cells may span lines (one row each)."""
    return csv.reader(io.StringIO(text, newline=None), delimiter=delimiter, skipinitialspace=True)


def _sniff_delimiter(text: str) -> str:
    """Return the separator that splits the header line into the most recognised columns.

    Looks at the first HEADER_SEARCH_ROWS non-blank lines and stops at the first one in which
    some separator yields a name column, so no line below the header (where NIK values may
    be) is looked at. On a tie ``;`` wins, then tab. Returns ``;`` when no line has a name
    column; reading then reports that. Raises csv.Error like the csv module.
    """
    seen = 0
    for line in io.StringIO(text, newline=None):
        scores: dict[str, int] = {}
        for delimiter in _DELIMITERS:
            cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
            header = _match_header(0, cells)
            if "name" in header.columns:
                scores[delimiter] = len(header.columns) + len(header.ignored)
        if scores:
            return max(scores, key=lambda delimiter: scores[delimiter])
        if line.strip(" \t\r\n;,"):
            seen += 1
            if seen >= HEADER_SEARCH_ROWS:
                break
    return _DELIMITERS[0]


# --- Header ---------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Comparison form of a heading or category: case-folded, without punctuation or spaces."""
    return _NON_WORD_RE.sub("", unicodedata.normalize("NFKC", text).casefold())


_ALIAS_FIELDS: dict[str, str] = {
    _key(alias): name for name, aliases in FIELD_ALIASES.items() for alias in aliases
}


def _is_national_id(heading: str) -> bool:
    """True when the heading names a national ID (NIK/KTP) column, e.g. "NIK (16 digit)"."""
    words = set(_NON_WORD_RE.split(unicodedata.normalize("NFKC", heading).casefold()))
    return bool(words & _NATIONAL_ID_WORDS) or _key(heading) in _NATIONAL_ID_KEYS


def _match_header(row: int, cells: Sequence[object]) -> _Header:
    """Map each heading of one row to a field; the first column of a field wins."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        heading = _cell_text(cell)
        if not heading:
            continue
        if _is_national_id(heading):
            ignored.append(heading)
            continue
        name = _ALIAS_FIELDS.get(_key(heading))
        if name is None or name in columns:
            unknown.append(heading)
        else:
            columns[name] = index
    return _Header(row, columns, ignored, unknown)


def _find_header(records: Iterator[Record]) -> _Header:
    """Consume rows up to and including the header: the first of the first HEADER_SEARCH_ROWS
    non-blank rows in which a name column is recognised.

    Raises RosterFileError when there is no non-blank row (empty file) or no such row.
    """
    seen = 0
    for number, cells in records:
        if not any(_cell_text(cell) for cell in cells):
            continue
        header = _match_header(number, cells)
        if "name" in header.columns:
            return header
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if seen == 0:
        raise RosterFileError(_("The file is empty."))
    raise RosterFileError(
        _(
            "No column with the participants' names was found in the first %(count)d rows. "
            "Give the name column one of these headings: %(names)s.",
            count=HEADER_SEARCH_ROWS,
            names=", ".join(FIELD_ALIASES["name"]),
        )
    )


# --- Rows -----------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
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


def _quoted(value: str) -> str:
    """The value as shown inside a message, cut to _MAX_QUOTED characters."""
    return value if len(value) <= _MAX_QUOTED else value[: _MAX_QUOTED - 1] + "…"


def _read_records(records: Iterator[Record]) -> Roster:
    """Find the header, then check every non-blank row below it.

    A row is blank when every recognised column is empty (a template's numbering column alone
    does not make a row). Raises RosterFileError as :func:`_find_header` does, or when there
    are more than MAX_ROWS data rows.
    """
    header = _find_header(records)
    roster = Roster([], [], [], header.ignored, header.unknown)
    first_by_email: dict[str, int] = {}
    first_by_phone: dict[str, int] = {}
    count = 0
    for number, cells in records:
        values = _field_values(cells, header.columns)
        if not any(values.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise RosterFileError(
                _(
                    "The file has more than %(limit)d participants. Split it into files of at "
                    "most %(limit)d participants each.",
                    limit=MAX_ROWS,
                )
            )
        row, problems = _check_row(number, values)
        if row is None:
            roster.errors.extend(problems)
            continue
        duplicate = _find_duplicate(row, first_by_email, first_by_phone)
        if duplicate is not None:
            roster.duplicates.append(duplicate)
            continue
        if row.email:
            first_by_email[row.email] = row.row
        if row.phone:
            first_by_phone[row.phone] = row.row
        roster.rows.append(row)
    return roster


def _field_values(cells: Sequence[object], columns: dict[str, int]) -> dict[str, str]:
    """Text of the recognised columns only (other cells, NIK above all, are never touched)."""
    return {
        name: _cell_text(cells[index]) if index < len(cells) else ""
        for name, index in columns.items()
    }


def _check_row(number: int, values: dict[str, str]) -> tuple[RosterRow | None, list[RosterProblem]]:
    """Validate and normalise one row; returns the row, or None and every problem found."""
    messages: list[str] = []
    name = values.get("name", "")
    if not name:
        messages.append(_("The name is missing."))
    for text_field in ("name", "agency", "position"):
        if len(values.get(text_field, "")) > MAX_LENGTHS[text_field]:
            messages.append(_too_long_message(text_field))
    category = _CATEGORY_VALUES.get(_key(values.get("category", "")))
    if category is None:
        messages.append(_unknown_category_message(values["category"]))
    phone = _check_phone(values.get("phone", ""), messages)
    email = _check_email(values.get("email", ""), messages)
    if messages:
        return None, [RosterProblem(number, message) for message in messages]
    row = RosterRow(
        row=number,
        name=name,
        agency=values.get("agency", ""),
        position=values.get("position", ""),
        category=category or "participant",
        email=email,
        phone=phone,
    )
    return row, []


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
        value=_quoted(value),
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
                value=_quoted(text),
            )
        )
        return None
    try:
        return normalise_phone(text)
    except ContactError:
        messages.append(_('The phone number "%(value)s" is not valid.', value=_quoted(text)))
        return None


def _check_email(text: str, messages: list[str]) -> str | None:
    """Return the address normalised or None when empty; on a problem, append its message."""
    try:
        return normalise_email(text)
    except ContactError:
        messages.append(_('The e-mail address "%(value)s" is not valid.', value=_quoted(text)))
        return None


def _find_duplicate(
    row: RosterRow, first_by_email: dict[str, int], first_by_phone: dict[str, int]
) -> RosterProblem | None:
    """The duplicate report when an earlier accepted row has the same e-mail or phone."""
    if row.email and row.email in first_by_email:
        return RosterProblem(
            row.row,
            _("Same e-mail address as an earlier row: %(value)s.", value=_quoted(row.email)),
            duplicate_of=first_by_email[row.email],
        )
    if row.phone and row.phone in first_by_phone:
        return RosterProblem(
            row.row,
            _("Same phone number as an earlier row: %(value)s.", value=row.phone),
            duplicate_of=first_by_phone[row.phone],
        )
    return None
