"""Hostile workbooks are refused before anything is parsed (issue 11, point 3).

An XLSX is a zip of XML parts: a few megabytes on the wire can unpack to gigabytes, or hold a
million rows or twenty thousand columns. Each file here starts as an ordinary list made with
openpyxl (a title row, the headings, a participant) whose sheet is then replaced by the hostile
part, written in pieces so that the test itself stays small. The reader must refuse each one
with a message a person understands, from the archive's directory or from its byte-level count
of the sheet, and never reach the XML parser: ``iterparse`` is made to fail in these tests.
The builders are the bench's (bench/import_scale.py), which measures how fast and in how much
memory each is refused.
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from bench.import_scale import HEAD, SHEET, TAIL, hostile_workbook, rows_of, with_sheet
from tracker.events import xlsx_rows
from tracker.events.roster_file import RosterFileError, read_roster
from tracker.events.sheets import MAX_COLUMNS, MAX_ROWS


@pytest.fixture(autouse=True)
def no_parsing(monkeypatch):
    """Fail the test if the reader starts parsing XML row by row (or the shared strings)."""

    def refuse(*args, **kwargs):
        raise AssertionError("a hostile workbook reached the XML parser")

    monkeypatch.setattr(xlsx_rows.etree, "iterparse", refuse)


def refused(data: bytes) -> str:
    with pytest.raises(RosterFileError) as caught:
        read_roster("daftar_hadir.xlsx", data)
    return str(caught.value)


def test_a_zip_bomb_is_refused_by_its_declared_size():
    data = hostile_workbook("bomb")  # 256 MB of blanks in the sheet

    assert len(data) < 1_000_000
    assert "unpacks to far more data than a participant list holds" in refused(data)


def test_parts_that_together_unpack_too_far_are_refused():
    # Each part under the per-part limit, all together over the 200 MB limit.
    blank = b" " * (60 << 20)
    extra = {f"xl/media/image{n}.xml": blank for n in range(4)}

    message = refused(with_sheet(lambda: iter([HEAD, TAIL]), extra))

    assert "more than 200 MB" in message


def test_a_part_that_understates_its_size_fails_its_checksum():
    """The directory says 2 kB; the data inflates to 50 MB. zipfile stops at the declared
    size, and the short read fails the checksum: refused as unreadable, memory untouched."""
    data = bytearray(with_sheet(lambda: iter([HEAD, b" " * (50 << 20), TAIL])))
    header_offset = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET).header_offset
    lie = 2048
    entry = _central_entry(bytes(data), SHEET)
    struct.pack_into("<I", data, entry + 24, lie)  # the directory's uncompressed size
    struct.pack_into("<I", data, header_offset + 22, lie)  # the local header's

    with pytest.raises(RosterFileError, match="could not be read as an Excel") as caught:
        read_roster("daftar_hadir.xlsx", bytes(data))
    assert "Bad CRC-32" in str(caught.value.__cause__)


def _central_entry(data: bytes, name: str) -> int:
    """The offset of ``name``'s entry in the archive's central directory."""
    start = data.index(b"PK\x01\x02")
    while data[start + 46 : start + 46 + struct.unpack_from("<H", data, start + 28)[0]] != (
        name.encode()
    ):
        start = data.index(b"PK\x01\x02", start + 4)
    return start


def test_a_million_rows_are_refused_while_counting():
    message = refused(hostile_workbook("rows"))

    assert f"more than {MAX_ROWS} participants" in message


def test_a_million_empty_rows_are_refused_too():
    """Rows without values are not participants, but more <row> elements than Excel allows
    are not a spreadsheet any office made."""
    message = refused(with_sheet(lambda: rows_of(1_100_000, lambda n: b'<row r="%d"/>' % n)))

    assert f"more than {MAX_ROWS} participants" in message


def test_twenty_thousand_columns_are_refused():
    message = refused(hostile_workbook("columns"))

    assert f"more than {MAX_COLUMNS} filled columns" in message


def test_an_entity_declaration_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    message = refused(with_sheet(lambda: iter([laughs, HEAD.split(b"?>", 1)[1], TAIL])))

    assert "could not be read as an Excel workbook" in message
