"""Reading an XLSX upload into rows, refusing hostile workbooks before parsing them.

An XLSX is a zip of XML parts, and a hostile one can be small on the wire and huge inside.
Before any sheet is parsed:

* the archive's directory is checked: at most MAX_PARTS parts, none declaring more than
  MAX_PART_BYTES unpacked and all together at most MAX_UNPACKED_BYTES (a zip bomb declares
  gigabytes). Python's zipfile never yields more than a part's declared size, so a part that
  lies about its size fails its checksum instead of filling memory;
* every sheet to be read is streamed once through a byte-level scan (no XML parsing) that
  counts the rows and cells holding values and stops at the first limit passed (MAX_ROWS,
  MAX_COLUMNS per row, MAX_CELLS), and notes the merged cells;
* no part may carry a DOCTYPE (no workbook does; entity-expansion attacks need one), and lxml
  parses without resolving entities or reaching the network.

Only then is a sheet parsed, one row at a time (lxml ``iterparse``), each row dropped once read.
Merged cells are filled in: every cell of a merged range carries the range's value, and the row
says which cells got theirs that way (a heading merged over two columns, an agency merged down
over the rows of its people). Hidden sheets and chart sheets are listed as skipped.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from flask_babel import gettext as _
from lxml import etree

from tracker.events.sheets import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_ROWS,
    MAX_SHEETS,
    MAX_UNPACKED_BYTES,
    ROW_ALLOWANCE,
    RosterFileError,
    Row,
    Sheet,
    Spreadsheet,
    too_large_inside,
    too_many_cells,
    too_many_columns,
    too_many_rows,
    xlsx_unreadable,
)

#: Longest run of XML the scan holds at once: one row (a row of MAX_COLUMNS long texts fits).
_MAX_ROW_BYTES = 8 * 1024 * 1024
_CHUNK = 1 << 20
# Byte-level patterns of the scan; elements may carry a namespace prefix (<x:row>).
_ROW_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_VALUE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:v|is)[\s>]")
_SHEET_END_RE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>")
_MERGE_RE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_CELL_REF_RE = re.compile(r"([A-Z]+)(\d+)")
_DOCTYPE = (b"<!DOCTYPE", b"<!ENTITY")

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive by its directory alone: too many parts, or parts that declare more
    unpacked bytes than a participant list could need."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise xlsx_unreadable()
    total = 0
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            raise too_large_inside()
        total += part.file_size
    if total > MAX_UNPACKED_BYTES:
        raise too_large_inside()


def _read_part(archive: zipfile.ZipFile, name: str, limit: int = 16 * 1024 * 1024) -> bytes:
    """A small part (workbook, relationships) read whole; refused past ``limit`` bytes."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise too_large_inside()
    data = archive.read(info)
    _refuse_doctype(data[:65536])
    return data


def _refuse_doctype(head: bytes) -> None:
    if any(marker in head for marker in _DOCTYPE):
        raise xlsx_unreadable()


_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False}


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of ``part``: id -> (type, target path in the archive)."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in archive.NameToInfo:
        return {}
    found = {}
    for rel in _xml(_read_part(archive, rels_name)).iter(_PKG_REL):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
    return found


@dataclass
class _SheetPart:
    name: str
    path: str


@contextlib.contextmanager
def open_xlsx(data: bytes) -> Iterator[Spreadsheet]:
    """The workbook's visible worksheets, each scanned before any is parsed.

    Raises RosterFileError when the archive or its XML cannot be read, or past a limit.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise xlsx_unreadable() from exc
    with archive:
        try:
            _check_archive(archive)
            parts, skipped = _sheet_parts(archive)
            strings_path = _shared_strings_path(archive)
            scans = [_scan_sheet(archive, part.path) for part in parts]
            strings = _shared_strings(archive, strings_path) if strings_path else []
        except RosterFileError:
            raise
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, etree.Error, ValueError) as exc:
            raise xlsx_unreadable() from exc
        sheets = [
            Sheet(part.name, _guarded(_parse_rows(archive, part.path, strings, merges)))
            for part, merges in zip(parts, scans, strict=True)
        ]
        yield Spreadsheet(sheets, skipped)


def _workbook_path(archive: zipfile.ZipFile) -> str:
    for rel_type, target in _relationships(archive, "").values():
        if rel_type.endswith("/officeDocument"):
            return target
    return "xl/workbook.xml"


def _sheet_parts(archive: zipfile.ZipFile) -> tuple[list[_SheetPart], list[tuple[str, str]]]:
    """The worksheets to read, in the workbook's order, and the sheets skipped with why."""
    book_path = _workbook_path(archive)
    rels = _relationships(archive, book_path)
    book = _xml(_read_part(archive, book_path))
    parts: list[_SheetPart] = []
    skipped: list[tuple[str, str]] = []
    for sheet in book.iter("{*}sheet"):
        name = sheet.get("name", "")
        rel_type, path = rels.get(sheet.get(f"{{{_REL_NS}}}id", ""), ("", ""))
        if sheet.get("state", "visible") != "visible":
            skipped.append((name, _("hidden sheet")))
        elif not rel_type.endswith("/worksheet") or path not in archive.NameToInfo:
            skipped.append((name, _("not a table (a chart or macro sheet)")))
        elif len(parts) >= MAX_SHEETS:
            skipped.append((name, _("more than %(n)d sheets", n=MAX_SHEETS)))
        else:
            parts.append(_SheetPart(name, path))
    if not parts and not skipped:
        raise xlsx_unreadable()
    return parts, skipped


def _shared_strings_path(archive: zipfile.ZipFile) -> str | None:
    for rel_type, target in _relationships(archive, _workbook_path(archive)).values():
        if rel_type.endswith("/sharedStrings") and target in archive.NameToInfo:
            return target
    return None


def _text_of(element: etree._Element) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>, without the phonetic
    guides (<rPh>) that East Asian files carry."""
    parts = []
    for child in element:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child.iter("{*}t"))
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile, path: str) -> list[str]:
    """The shared-strings table, read one entry at a time; refused past MAX_CELLS entries."""
    strings: list[str] = []
    with _HeadChecked(archive.open(path)) as stream:
        for _event, item in etree.iterparse(stream, tag="{*}si", **_PARSER_OPTIONS):
            strings.append(_text_of(item))
            _free(item)
            if len(strings) > MAX_CELLS:
                raise too_many_cells()
    return strings


def _free(element: etree._Element) -> None:
    """Drop a parsed element and the siblings before it, so parsing holds one at a time."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


class _HeadChecked:
    """A part's stream whose first read is checked for a DOCTYPE (see _refuse_doctype)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.checked = False

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if not self.checked:
            _refuse_doctype(data[:65536])
            self.checked = True
        return data

    def __enter__(self) -> _HeadChecked:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stream.close()


# --- XLSX: the scan before parsing ----------------------------------------------------------


Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based cols)

#: Excel's own limit; a sheet with more <row> elements (even empty ones) is not a real sheet.
_EXCEL_MAX_ROWS = 1_048_576
_EXCEL_MAX_COLUMNS = 16_384


def _column_index(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


@dataclass
class _Counts:
    rows: int = 0  # <row> elements
    filled_rows: int = 0  # rows holding a value
    cells: int = 0  # cells holding a value

    def add(self, rows: list[bytes]) -> None:
        """Count whole rows of sheet XML; raise at the first limit passed."""
        self.rows += len(rows)
        if self.rows > _EXCEL_MAX_ROWS:
            raise too_many_rows()
        for row in rows:
            values = len(_VALUE_RE.findall(row))
            if values > MAX_COLUMNS:
                raise too_many_columns()
            self.filled_rows += values > 0
            self.cells += values
        if self.filled_rows > MAX_ROWS + ROW_ALLOWANCE:
            raise too_many_rows()
        if self.cells > MAX_CELLS:
            raise too_many_cells()


def _scan_sheet(archive: zipfile.ZipFile, path: str) -> list[Merge]:
    """Stream a sheet's XML once, without parsing it, and return its merged ranges.

    Raises RosterFileError at the first limit passed, so a sheet of a million rows or of
    twenty thousand columns is refused after its first megabytes. Rows are split on their
    start tags; the last, perhaps incomplete, one waits for the next chunk.
    """
    counts = _Counts()
    tail = b""
    with _HeadChecked(archive.open(path)) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            end = _SHEET_END_RE.search(text)
            if end:
                counts.add(_ROW_RE.split(text[: end.start()])[1:])
                return _merges(text[end.end() :] + stream.read(MAX_PART_BYTES // 4 + 1))
            if not _VALUE_RE.search(text):  # no value: only count the rows
                counts.add([b""] * len(_ROW_RE.findall(text[:-64])))
                tail = text[-64:]
                continue
            rows = _ROW_RE.split(text)
            counts.add(rows[1:-1])
            tail = text if len(rows) == 1 else b"<row " + rows[-1]
            if len(tail) > _MAX_ROW_BYTES:
                raise too_many_columns()
    counts.add(_ROW_RE.split(tail)[1:])
    return []


def _merges(xml: bytes) -> list[Merge]:
    """The merged ranges listed after the sheet's data (at most MAX_CELLS // 10)."""
    if len(xml) > MAX_PART_BYTES // 4:
        raise too_large_inside()
    found = []
    for first_col, first_row, last_col, last_row in _MERGE_RE.findall(xml):
        found.append(
            (
                int(first_row),
                _column_index(first_col.decode()),
                int(last_row),
                _column_index(last_col.decode()),
            )
        )
        if len(found) > MAX_CELLS // 10:
            raise too_many_cells()
    return found


# --- XLSX: the rows -------------------------------------------------------------------------


def _guarded(rows: Iterator[Row]) -> Iterator[Row]:
    """Turn parse errors met while rows are read (damaged XML surfaces lazily) into
    RosterFileError. Errors raised by the caller between rows are not caught here."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except RosterFileError:
            raise
        except Exception as exc:  # lxml, zlib and zipfile raise many types for damaged parts
            raise xlsx_unreadable() from exc
        yield row


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def _cell_value(cell: etree._Element, strings: list[str]) -> object:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = next((child for child in cell if child.tag.endswith("}is")), None)
        return _text_of(inline) if inline is not None else None
    value = None
    for child in cell:
        if child.tag.endswith("}v"):
            value = child.text
    if value is None:
        return None
    if kind == "s":
        index = _number(value)
        return strings[index] if isinstance(index, int) and 0 <= index < len(strings) else None
    if kind in ("str", "d"):
        return value
    if kind == "b":
        return value.strip() == "1"
    if kind == "e":
        return None  # #N/A, #REF!: nothing to read
    return _number(value)


class _MergeFill:
    """Copies each merged range's value into every cell of the range, row by row."""

    def __init__(self, merges: list[Merge]) -> None:
        self.by_first_row: dict[int, list[Merge]] = {}
        for merge in merges:
            self.by_first_row.setdefault(merge[0], []).append(merge)
        self.open: list[tuple[Merge, object]] = []

    def apply(self, number: int, values: list[object]) -> Row:
        self.open = [(m, v) for m, v in self.open if m[2] >= number]
        for merge in self.by_first_row.pop(number, ()):
            value = values[merge[1]] if merge[1] < len(values) else None
            self.open.append((merge, value))
        if not self.open:
            return Row(number, values)
        merged: set[int] = set()
        filled: set[int] = set()
        for (first_row, first_col, _last_row, last_col), value in self.open:
            width = min(last_col, _EXCEL_MAX_COLUMNS)
            if len(values) <= width:
                values.extend([None] * (width + 1 - len(values)))
            for column in range(first_col, width + 1):
                merged.add(column)
                if (column, number) != (first_col, first_row) and value is not None:
                    values[column] = value
                    filled.add(column)
        return Row(number, values, frozenset(merged), frozenset(filled))


def _parse_rows(
    archive: zipfile.ZipFile, path: str, strings: list[str], merges: list[Merge]
) -> Iterator[Row]:
    """Parse a scanned sheet one row at a time; each row's element is freed once read."""
    fill = _MergeFill(merges)
    previous = 0
    with _HeadChecked(archive.open(path)) as stream:
        for _event, row in etree.iterparse(stream, tag="{*}row", **_PARSER_OPTIONS):
            number = _int_attribute(row.get("r"), previous + 1)
            previous = number
            values = _row_values(row, strings)
            _free(row)
            yield fill.apply(number, values)


def _int_attribute(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


def _row_values(row: etree._Element, strings: list[str]) -> list[object]:
    """The row's values by column; cells without a value (styled blanks) are left out."""
    values: list[object] = []
    for cell in row:
        if not cell.tag.endswith("}c"):
            continue
        reference = _CELL_REF_RE.match(cell.get("r", ""))
        column = _column_index(reference.group(1)) if reference else len(values)
        value = _cell_value(cell, strings)
        if value is None or value == "" or column > _EXCEL_MAX_COLUMNS:
            continue
        if column >= len(values):
            values.extend([None] * (column + 1 - len(values)))
        values[column] = value
    return values
