"""Whatever an organiser uploads, the importer answers with rows or a message, never a crash:
``read_roster`` returns a Roster or raises RosterFileError, and nothing else."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.fuzz.profiles import examples
from tracker.events.roster_file import FIELD_ALIASES, Roster, RosterFileError, read_roster

DATA = Path(__file__).resolve().parent.parent / "data"
NAMES = ["peserta.csv", "peserta.xlsx", "daftar hadir.txt", "upload", "peserta.XLSM", "x.xls"]
HEADINGS = [alias for aliases in FIELD_ALIASES.values() for alias in aliases] + [
    "NIK",
    "No. KTP",
    "Keterangan",
    "",
]


def _read(filename: str, data: bytes) -> Roster | None:
    """The contract: a Roster whose rows are sound, or RosterFileError with a message."""
    try:
        roster = read_roster(filename, data)
    except RosterFileError as exc:
        assert str(exc).strip()
        return None
    assert isinstance(roster, Roster)
    numbers = [row.row for row in roster.rows]
    assert len(numbers) == len(set(numbers))
    for row in roster.rows:
        assert row.name.strip()
        assert row.category in ("participant", "speaker", "committee", "press")
        assert row.phone is None or row.phone.startswith("+")
    for problem in roster.errors + roster.duplicates:
        assert problem.message.strip()
    return roster


@examples(60)
@given(filename=st.sampled_from(NAMES), data=st.binary(max_size=4096))
def test_any_bytes(filename, data):
    _read(filename, data)


_cells = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
    max_size=40,
)


@examples(60)
@given(
    header=st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=8),
    rows=st.lists(st.lists(_cells, max_size=9), max_size=12),
    separator=st.sampled_from([";", ",", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    sep_line=st.booleans(),
    title_rows=st.integers(0, 3),
)
def test_any_csv_text(header, rows, separator, encoding, sep_line, title_rows):
    lines = [f"sep={separator}"] if sep_line else []
    lines += ["Daftar Hadir Pelatihan"] * title_rows
    lines += [separator.join(header)] + [separator.join(row) for row in rows]
    text = "\r\n".join(lines)
    _read("peserta.csv", text.encode(encoding, errors="replace"))


@examples(60)
@given(text=st.text(max_size=2000))
def test_any_text_as_csv(text):
    _read("peserta.csv", text.encode("utf-8", errors="surrogatepass"))


#: What openpyxl can write into a cell: text without control characters, numbers, dates...
_xlsx_text = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=60)
_xlsx_value = st.one_of(
    st.none(),
    _xlsx_text,
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
    st.times(),
)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@examples(25)
@given(
    header=st.lists(st.one_of(st.sampled_from(HEADINGS), _xlsx_value), min_size=1, max_size=8),
    rows=st.lists(st.lists(_xlsx_value, max_size=9), max_size=8),
)
def test_any_cell_values_in_a_workbook(header, rows):
    _read("peserta.xlsx", _xlsx([header, *rows]))


_SAMPLE_XLSX = (DATA / "peserta.xlsx").read_bytes()
_SAMPLE_CSV = (DATA / "peserta_excel_id.csv").read_bytes()


@examples(40)
@given(
    sample=st.sampled_from([("peserta.xlsx", _SAMPLE_XLSX), ("peserta.csv", _SAMPLE_CSV)]),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=12),
    cut=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_a_damaged_real_file(sample, flips, cut):
    filename, original = sample
    data = bytearray(original)
    for position, value in flips:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data)]
    _read(filename, bytes(data))
