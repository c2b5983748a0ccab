"""Tests for tracker.events.roster_file: reading the participant lists organisers really upload."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tracker.events import roster_layout
from tracker.events.roster_file import (
    MAX_ROWS,
    Roster,
    RosterFileError,
    RosterProblem,
    RosterRow,
    read_roster,
)

DATA = Path(__file__).resolve().parent.parent / "data"

NAME_HEADINGS = "Nama, Nama Lengkap, Nama Peserta, Name, Full Name"
SCIENTIFIC = (
    'Excel turned the phone number into scientific notation ("{}"), so its last digits are '
    "lost. In Excel, format the phone column as Text, type the numbers again and save the file "
    "again."
)
UNKNOWN_CATEGORY = (
    'Unknown category "{}". Use peserta, narasumber, panitia or media (or participant, speaker, '
    "committee or press), or leave it empty for a participant."
)

# The NIK values written in both broken test files; none may ever be read or come back out.
NIKS = [
    "5102014507850001", "5102025608900002", "5102031203880003", "5102044408910004",
    "5102051509870005", "5102062210920006", "5102070111860008", "5102080905800009",
    "5102094103930010", "5102101707840011", "5102112602950012", "5102121212990013",
]  # fmt: skip


def read_file(name: str) -> Roster:
    return read_roster(name, (DATA / name).read_bytes())


def csv_bytes(*lines: str, sep: str = ";", encoding: str = "utf-8") -> bytes:
    return "\r\n".join(line.replace(";", sep) for line in lines).encode(encoding) + b"\r\n"


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def everything(roster: Roster) -> str:
    """All text a roster can hand on, for "never in any output" checks."""
    return repr(roster)


# --- Good files -----------------------------------------------------------------------------


def test_indonesian_excel_csv_with_bom_and_semicolons():
    data = (DATA / "peserta_excel_id.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfNama;Instansi;Jabatan;Kategori;Email;No HP\r\n")

    roster = read_roster("peserta_excel_id.csv", data)

    assert roster.errors == []
    assert roster.duplicates == []
    assert roster.ignored_columns == []
    assert roster.unknown_columns == []
    assert [(r.row, r.name, r.category, r.email, r.phone) for r in roster.rows] == [
        (2, "Ni Made Ari Widayani", "participant", "ari.widayani@tabanankab.go.id",
         "+6281234567890"),
        (3, "I Nyoman Arta Sukma Witra", "participant", "arta.witra@gmail.com", "+6281337512345"),
        (4, "Ni Luh Putu Sri Wahyuni", "speaker", "sri.wahyuni@tabanankab.go.id",
         "+6287861234567"),
        (5, "I Gede Wirawan Putra", "committee", None, "+6285738451122"),
        (6, "I Made Dwi Ananta, S.Kom.", "committee", "dwi.ananta@tabanankab.go.id", None),
        (7, "Ni Ketut Suartini", "participant", None, "+6281999887766"),
        (8, "Komang Ayu Pradnyani", "press", "komang.pradnyani@balipost.co.id",
         "+6282145678901"),
        (9, "I Wayan Sudarsana", "speaker", None, "+6281139901234"),
        (10, "Putu Eka Septiani, S.Pd.", "participant", "putu.septiani@gmail.com",
         "+6281338765432"),
        (11, "I Ketut Gede Darmayasa", "participant", "darmayasa.ketut@gmail.com",
         "+6281237654321"),
    ]  # fmt: skip
    first = roster.rows[0]
    assert first == RosterRow(
        row=2,
        name="Ni Made Ari Widayani",
        agency="Dinas Kesehatan Kabupaten Tabanan",
        position="Kepala Seksi Promosi Kesehatan",
        category="participant",
        email="ari.widayani@tabanankab.go.id",
        phone="+6281234567890",
    )
    assert roster.rows[8].agency == "Dinas Pendidikan, Kepemudaan dan Olahraga Kabupaten Tabanan"


def test_comma_csv_with_english_headers_and_quoted_commas():
    roster = read_file("peserta_comma.csv")

    assert roster.errors == [] and roster.duplicates == []
    assert [(r.row, r.name, r.agency, r.position, r.category, r.email, r.phone)
            for r in roster.rows] == [
        (2, "I Gusti Ngurah Bagus Mahendra", "Dinas Pariwisata Kabupaten Tabanan",
         "Head of Destination Development", "speaker", "ngurah.mahendra@tabanankab.go.id",
         "+6285237110987"),
        (3, "Ni Wayan Sri Lestari, S.E.",
         "Dinas Pendidikan, Kepemudaan dan Olahraga Kabupaten Tabanan", "Budget Analyst",
         "participant", "sri.lestari@gmail.com", "+6289612345678"),
        (4, "Kadek Arya Wiguna", "Bappeda Kabupaten Tabanan", "Planner", "committee", None,
         "+6281338765433"),
        (5, "Luh Gede Candra Dewi", "Tribun Bali", "Journalist", "press",
         "candra.dewi@tribunnews.com", None),
        (6, "Gede Surya Pratama", "Dinas Kesehatan Kabupaten Tabanan", "Epidemiologist",
         "participant", "surya.pratama@tabanankab.go.id", "+6281298765432"),
    ]  # fmt: skip


def test_xlsx_with_title_rows_and_phone_numbers_stored_as_numbers():
    data = (DATA / "peserta.xlsx").read_bytes()
    # Guard the test file: the phone column really holds ints and floats, not text.
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    phones = [row[6] for row in workbook.worksheets[0].iter_rows(min_row=5, values_only=True)]
    workbook.close()
    assert phones[:2] == [81234567890, 6281337512345.0]
    assert isinstance(phones[0], int) and isinstance(phones[1], float)
    assert isinstance(phones[4], float)

    roster = read_roster("peserta.xlsx", data)

    assert roster.errors == [] and roster.duplicates == []
    assert roster.unknown_columns == []  # "No." is the row number: known, not imported
    assert [(r.row, r.name, r.category, r.email, r.phone) for r in roster.rows] == [
        (5, "Ni Made Ari Widayani", "participant", "ari.widayani@tabanankab.go.id",
         "+6281234567890"),
        (6, "I Nyoman Arta Sukma Witra", "participant", "arta.witra@gmail.com", "+6281337512345"),
        (7, "Ni Luh Putu Sri Wahyuni", "speaker", "sri.wahyuni@tabanankab.go.id",
         "+6287861234567"),
        (8, "I Gede Wirawan Putra", "committee", None, "+6285738451122"),
        (9, "Ni Ketut Suartini", "participant", None, "+6281999887766"),
        (10, "Komang Ayu Pradnyani", "press", "komang.pradnyani@balipost.co.id", None),
        (11, "I Wayan Sudarsana", "speaker", None, "+6281139901234"),
        (12, "Putu Eka Septiani", "participant", "putu.septiani@gmail.com", None),
    ]  # fmt: skip


def test_xlsx_is_recognised_by_content_whatever_its_name():
    roster = read_roster("peserta.csv", (DATA / "peserta.xlsx").read_bytes())
    assert len(roster.rows) == 8


# --- Broken files ---------------------------------------------------------------------------


def test_broken_indonesian_csv():
    roster = read_file("peserta_rusak.csv")

    assert [r.row for r in roster.rows] == [2, 9, 12, 13]
    assert roster.errors == [
        RosterProblem(3, "The name is missing."),
        RosterProblem(4, 'The phone number "0812-345" is not valid.'),
        RosterProblem(5, 'The e-mail address "sri.wahyuni.tabanankab.go.id" is not valid.'),
        RosterProblem(6, UNKNOWN_CATEGORY.format("Tamu VIP")),
        RosterProblem(7, SCIENTIFIC.format("6,28123E+12")),
    ]
    assert roster.duplicates == [
        RosterProblem(10, "Same phone number as an earlier row: +6281234567890.", duplicate_of=2),
        RosterProblem(
            11, "Same e-mail address as an earlier row: suartini.ketut@gmail.com.", duplicate_of=9
        ),
    ]
    assert roster.ignored_columns == ["NIK"]
    assert roster.unknown_columns == []
    # Row 8 is blank, rows 14 (numbering only) and 15 (NIK only) have nothing to import.
    reported = {p.row for p in roster.errors + roster.duplicates} | {r.row for r in roster.rows}
    assert reported.isdisjoint({8, 14, 15})


def test_broken_xlsx():
    roster = read_file("peserta_rusak.xlsx")

    assert [(r.row, r.name, r.phone) for r in roster.rows] == [
        (3, "Ni Made Ari Widayani", "+6281234567890"),
        (10, "Ni Ketut Suartini", "+6281999887766"),
        (15, "Komang Ayu Pradnyani", "+6289612345678"),
    ]
    assert roster.errors == [
        RosterProblem(4, "The name is missing."),
        RosterProblem(5, 'The phone number "12345" is not valid.'),
        RosterProblem(6, 'The e-mail address "sri.wahyuni@" is not valid.'),
        RosterProblem(7, UNKNOWN_CATEGORY.format("Moderator")),
        RosterProblem(8, SCIENTIFIC.format("6.28123E+12")),
        RosterProblem(13, 'The phone number "0812" is not valid.'),
        RosterProblem(13, 'The e-mail address "kadek arya@gmail" is not valid.'),
        RosterProblem(14, "The name is longer than 200 characters."),
    ]
    assert roster.duplicates == [
        RosterProblem(11, "Same phone number as an earlier row: +6281234567890.", duplicate_of=3),
        RosterProblem(
            12,
            "Same e-mail address as an earlier row: ari.widayani@tabanankab.go.id.",
            duplicate_of=3,
        ),
    ]
    assert roster.ignored_columns == ["NIK"]
    assert roster.unknown_columns == []


def raw_text(name: str) -> str:
    """Every cell of a test file as text, read without the module under test."""
    data = (DATA / name).read_bytes()
    if name.endswith(".csv"):
        return data.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    text = repr(list(workbook.worksheets[0].iter_rows(values_only=True)))
    workbook.close()
    return text


@pytest.mark.parametrize("name", ["peserta_rusak.csv", "peserta_rusak.xlsx"])
def test_nik_values_are_never_read_nor_returned(monkeypatch, name):
    data = (DATA / name).read_bytes()
    assert all(nik in raw_text(name) for nik in NIKS), "the test file must hold the NIKs"
    seen: list[str] = []
    real_cell_text = roster_layout.cell_text

    def spy(value: object) -> str:
        seen.append(str(value))
        return real_cell_text(value)

    monkeypatch.setattr(roster_layout, "cell_text", spy)
    roster = read_roster(name, data)

    assert seen, "the spy must see the cells that are read"
    assert not [text for text in seen if any(nik in text for nik in NIKS)]
    assert not any(nik in everything(roster) for nik in NIKS)
    assert roster.ignored_columns == ["NIK"]


@pytest.mark.parametrize(
    "heading",
    ["NIK", "nik", "No. KTP", "KTP", "NIK (16 digit)", "Nomor Induk Kependudukan", "no_ktp"],
)
def test_national_id_columns_are_ignored_and_reported(heading):
    data = csv_bytes(f"Nama;{heading};No HP", "Ni Made Ari Widayani;5102014507850001;081234567890")

    roster = read_roster("peserta.csv", data)

    assert roster.ignored_columns == [heading]
    assert [(r.name, r.phone) for r in roster.rows] == [("Ni Made Ari Widayani", "+6281234567890")]
    assert "5102014507850001" not in everything(roster)


# --- Headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "agency", "position", "category", "email", "phone"),
    [
        ("Nama", "Instansi", "Jabatan", "Kategori", "Email", "No HP"),
        ("NAMA LENGKAP:", "Unit  Kerja", "Job Title", "Peran", "E-mail", "No. HP"),
        ("Nama Peserta*", "Asal Instansi", "Position", "Role", "Surel", "Nomor HP"),
        (" nama ", "OPD", "Title", "Category", "Alamat Email", "no.hp"),
        ("Full Name", "Organisation", "jabatan", "KATEGORI", "Email Address", "WhatsApp"),
        ("Name", "Organization", "Jabatan", "kategori", "EMAIL", "Phone Number"),
        ("Nama", "Institution", "Jabatan", "Kategori", "email", "No Telp"),
        ("Nama", "Dinas", "Jabatan", "Kategori", "email", "Telepon"),
        ("Nama", "Agency", "Jabatan", "Kategori", "email", "Nomor Telepon"),
        ("Nama", "Instansi", "Jabatan", "Kategori", "email", "No WA"),
        ("Nama", "Instansi", "Jabatan", "Kategori", "email", "Nomor WA"),
        ("Nama", "Instansi", "Jabatan", "Kategori", "email", "HP"),
        ("Nama", "Instansi", "Jabatan", "Kategori", "email", "Phone"),
        ("Nama", "Instansi", "Jabatan", "Kategori", "email", "Mobile"),
    ],
)
def test_header_variants(name, agency, position, category, email, phone):
    data = csv_bytes(
        ";".join([name, agency, position, category, email, phone]),
        "I Nyoman Arta Sukma Witra;Bappeda Kabupaten Tabanan;Perencana;Narasumber;"
        "Arta@Tabanankab.go.id;0812-3456-7890",
    )

    roster = read_roster("peserta.csv", data)

    assert roster.unknown_columns == []
    assert roster.rows == [
        RosterRow(
            row=2,
            name="I Nyoman Arta Sukma Witra",
            agency="Bappeda Kabupaten Tabanan",
            position="Perencana",
            category="speaker",
            email="arta@tabanankab.go.id",
            phone="+6281234567890",
        )
    ]


def test_unknown_columns_are_ignored_and_listed():
    data = csv_bytes(
        "No;Nama;Tanda Tangan;Keterangan;Instansi",
        "1;Ni Made Ari Widayani;x;hadir;Dinas Kesehatan Kabupaten Tabanan",
    )
    roster = read_roster("peserta.csv", data)
    assert roster.unknown_columns == ["Keterangan"]
    kinds = {c.heading: (c.field, c.kind) for c in roster.sheets[0].columns}
    assert kinds == {
        "No": (None, "number"),
        "Nama": ("name", ""),
        "Tanda Tangan": (None, "signature"),
        "Keterangan": (None, "unknown"),
        "Instansi": ("agency", ""),
    }
    assert roster.rows[0].agency == "Dinas Kesehatan Kabupaten Tabanan"
    assert "hadir" not in everything(roster)


def test_second_column_for_the_same_field_is_not_read():
    data = csv_bytes("Nama;Email;E-mail", "Ni Made Ari Widayani;ari@gmail.com;lain@gmail.com")
    roster = read_roster("peserta.csv", data)
    assert roster.rows[0].email == "ari@gmail.com"
    assert roster.unknown_columns == ["E-mail"]


def test_csv_header_below_blank_and_title_rows():
    data = csv_bytes(
        ";;;",
        "DAFTAR PESERTA WORKSHOP SPBE KABUPATEN TABANAN;;;",
        "Tanggal: 12 Juni 2025, Gedung Kesenian I Ketut Maria;;;",
        "",
        "Nama;Instansi;Jabatan;No HP",
        "Ni Made Ari Widayani;Dinas Kesehatan Kabupaten Tabanan;Kepala Seksi;0812-3456-7890",
        ";;;",
        "I Nyoman Arta Sukma Witra;Bappeda Kabupaten Tabanan;Perencana;",
    )
    roster = read_roster("peserta.csv", data)
    assert [(r.row, r.name) for r in roster.rows] == [
        (6, "Ni Made Ari Widayani"),
        (8, "I Nyoman Arta Sukma Witra"),
    ]


def test_excel_sep_line_sets_the_separator_and_is_not_a_row():
    data = b"sep=,\r\nNama,Instansi\r\nNi Made Ari Widayani,Bappeda Kabupaten Tabanan\r\n"
    roster = read_roster("peserta.csv", data)
    assert [(r.row, r.name, r.agency) for r in roster.rows] == [
        (2, "Ni Made Ari Widayani", "Bappeda Kabupaten Tabanan")
    ]


def test_xlsx_header_not_on_first_row_with_blank_rows_above():
    data = xlsx_bytes([
        [None],
        ["Daftar Hadir Rapat Koordinasi Bappeda Kabupaten Tabanan"],
        [None],
        [None, "Nama", "Instansi", "Kategori"],
        [None, "Ni Made Ari Widayani", "Bappeda Kabupaten Tabanan", "Panitia"],
    ])  # fmt: skip
    roster = read_roster("rapat.xlsx", data)
    assert [(r.row, r.name, r.category) for r in roster.rows] == [
        (5, "Ni Made Ari Widayani", "committee")
    ]


def test_xlsx_with_a_wrong_dimension_is_read_in_full():
    # Some generators write <dimension ref="A1"/>; trusting it would drop every data row.
    data = xlsx_bytes([["Nama", "Instansi"], ["Ni Made", "Bappeda"], ["I Made", "Dinkes"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes `<dimension ref="A1:B3" />`, or without the space with lxml
                content, replaced = re.subn(
                    rb'<dimension ref="A1:B3" ?/>', b'<dimension ref="A1" />', content
                )
                assert replaced == 1
            dst.writestr(info, content)

    roster = read_roster("p.xlsx", buffer.getvalue())

    assert [(r.row, r.name, r.agency) for r in roster.rows] == [
        (2, "Ni Made", "Bappeda"),
        (3, "I Made", "Dinkes"),
    ]


def test_header_must_be_in_the_first_ten_rows():
    titles = [f"Catatan {n};;" for n in range(10)]
    data = csv_bytes(*titles, "Nama;Instansi;Jabatan", "Ni Made Ari Widayani;Bappeda;Staf")
    with pytest.raises(RosterFileError, match="first 10 rows"):
        read_roster("peserta.csv", data)
    # Nine title rows are fine.
    assert len(read_roster("peserta.csv", csv_bytes(*titles[1:], "Nama", "Ni Made")).rows) == 1


def test_a_heading_row_without_a_name_column_waits_for_an_assignment():
    data = csv_bytes("Peserta;Instansi;No HP", "Ni Made Ari Widayani;Bappeda;081234567890")
    roster = read_roster("peserta.csv", data)
    assert roster.rows == [] and roster.errors == []
    assert not roster.sheets[0].has_name
    assert roster.unknown_columns == ["Peserta"]
    # Assigned, the same heading row is read.
    assigned = read_roster(
        "peserta.csv", data, {roster.sheets[0].key: {0: "name", 1: "agency", 2: "phone"}}
    )
    assert [(r.name, r.agency, r.phone) for r in assigned.rows] == [
        ("Ni Made Ari Widayani", "Bappeda", "+6281234567890")
    ]


def test_missing_name_column_lists_accepted_headings():
    data = csv_bytes("Peserta;Keterangan", "Ni Made Ari Widayani;hadir")
    with pytest.raises(RosterFileError) as excinfo:
        read_roster("peserta.csv", data)
    assert str(excinfo.value) == (
        "No column with the participants' names was found in the first 10 rows. "
        f"Give the name column one of these headings: {NAME_HEADINGS}."
    )


# --- Separators and encodings ---------------------------------------------------------------


def test_tab_separated_text():
    data = csv_bytes(
        "Nama;Instansi;No HP",
        "Ni Made Ari Widayani;Dinas Pendidikan, Kepemudaan dan Olahraga;0812 3456 7890",
        sep="\t",
    )
    roster = read_roster("peserta.txt", data)
    assert [(r.name, r.agency, r.phone) for r in roster.rows] == [
        ("Ni Made Ari Widayani", "Dinas Pendidikan, Kepemudaan dan Olahraga", "+6281234567890")
    ]


def test_cp1252_fallback_when_bytes_are_not_utf8():
    data = csv_bytes(
        "Nama;Instansi",
        "André Wijaya;Dinas Koperasi – UKM Kabupaten Tabanan",
        encoding="cp1252",
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    roster = read_roster("peserta.csv", data)
    assert [(r.name, r.agency) for r in roster.rows] == [
        ("André Wijaya", "Dinas Koperasi – UKM Kabupaten Tabanan")
    ]


def test_utf8_without_bom_is_not_read_as_cp1252():
    data = "Nama,Instansi\nDésak Made Rai,Dinas Kebudayaan\n".encode()
    assert read_roster("peserta.csv", data).rows[0].name == "Désak Made Rai"


def test_utf16_with_bom_from_excel_unicode_text():
    data = "Nama\tInstansi\r\nNi Made Ari Widayani\tBappeda\r\n".encode("utf-16")
    assert read_roster("peserta.txt", data).rows[0].agency == "Bappeda"


def test_quoted_cell_with_line_break_counts_as_one_row():
    data = (
        b'Nama;Jabatan\r\n"Ni Made Ari Widayani";"Kepala Seksi\r\nPromosi Kesehatan"\r\n'
        b"I Made;Staf\r\n"
    )
    roster = read_roster("peserta.csv", data)
    assert [(r.row, r.position) for r in roster.rows] == [
        (2, "Kepala Seksi Promosi Kesehatan"),
        (3, "Staf"),
    ]


# --- Cell values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "category"),
    [
        ("Peserta", "participant"),
        ("participant", "participant"),
        ("", "participant"),
        ("Narasumber", "speaker"),
        ("PEMBICARA", "speaker"),
        ("Speaker", "speaker"),
        ("Panitia", "committee"),
        ("committee", "committee"),
        ("Media", "press"),
        ("pers", "press"),
        ("Wartawan", "press"),
        ("Press", "press"),
        ("Jurnalis", "press"),
    ],
)
def test_categories(written, category):
    roster = read_roster("p.csv", csv_bytes("Nama;Kategori", f"Ni Made Ari Widayani;{written}"))
    assert [r.category for r in roster.rows] == [category]


@pytest.mark.parametrize("written", ["Tamu", "VIP", "peserta/panitia", "1"])
def test_unknown_category_is_a_row_error(written):
    roster = read_roster("p.csv", csv_bytes("Nama;Kategori", f"Ni Made Ari Widayani;{written}"))
    assert roster.rows == []
    assert roster.errors == [RosterProblem(2, UNKNOWN_CATEGORY.format(written))]


def test_category_column_is_optional():
    roster = read_roster("p.csv", csv_bytes("Nama", "Ni Made Ari Widayani"))
    assert roster.rows == [
        RosterRow(2, "Ni Made Ari Widayani", "", "", "participant", None, None),
    ]


def test_cells_are_stripped_and_inner_whitespace_collapsed():
    data = csv_bytes(
        "Nama;Instansi", "  Ni Made\u00a0 Ari Widayani \t;  Bappeda Kabupaten Tabanan "
    )
    roster = read_roster("p.csv", data)
    assert [(r.name, r.agency) for r in roster.rows] == [
        ("Ni Made Ari Widayani", "Bappeda Kabupaten Tabanan")
    ]


@pytest.mark.parametrize("written", ["6,28123E+12", "6.28123E+12", "8,12346E+10", "6.28E12"])
def test_phone_in_scientific_notation_is_explained(written):
    roster = read_roster("p.csv", csv_bytes("Nama;No HP", f"Ni Made Ari Widayani;{written}"))
    assert roster.rows == []
    assert roster.errors == [RosterProblem(2, SCIENTIFIC.format(written))]
    assert "format the phone column as Text" in roster.errors[0].message


def test_numeric_xlsx_phones_become_digit_strings():
    data = xlsx_bytes([
        ["Nama", "No HP"],
        ["A", 81234567890],
        ["B", 6281337512345.0],
        ["C", 81999887766.0],
    ])  # fmt: skip
    roster = read_roster("p.xlsx", data)
    assert [r.phone for r in roster.rows] == ["+6281234567890", "+6281337512345", "+6281999887766"]


@pytest.mark.parametrize(
    ("column", "limit", "message"),
    [
        ("Nama", 200, "The name is longer than 200 characters."),
        ("Instansi", 300, "The agency is longer than 300 characters."),
        ("Jabatan", 200, "The position is longer than 200 characters."),
    ],
)
def test_text_length_limits(column, limit, message):
    header = "Nama;Instansi;Jabatan"
    cells = {"Nama": "Ni Made", "Instansi": "Bappeda", "Jabatan": "Staf"}
    at_limit = dict(cells, **{column: "a" * limit})
    over_limit = dict(cells, **{column: "a" * (limit + 1)})
    data = csv_bytes(header, ";".join(at_limit.values()), ";".join(over_limit.values()))

    roster = read_roster("p.csv", data)

    assert [r.row for r in roster.rows] == [2]
    assert roster.errors == [RosterProblem(3, message)]


def test_every_problem_of_a_row_is_reported():
    data = csv_bytes("Nama;Kategori;Email;No HP", ";Tamu;bukan-email;123")
    roster = read_roster("p.csv", data)
    assert [p.message for p in roster.errors] == [
        "The name is missing.",
        UNKNOWN_CATEGORY.format("Tamu"),
        'The phone number "123" is not valid.',
        'The e-mail address "bukan-email" is not valid.',
    ]
    assert {p.row for p in roster.errors} == {2}


def test_long_values_are_shortened_in_messages():
    roster = read_roster("p.csv", csv_bytes("Nama;Email", "Ni Made;" + "x" * 300))
    message = roster.errors[0].message
    assert len(message) < 120
    assert "x" * 59 + "…" in message


# --- Duplicates -----------------------------------------------------------------------------


def test_duplicates_point_at_the_first_accepted_row():
    data = csv_bytes(
        "Nama;Email;No HP",
        "Ni Made Ari Widayani;ari@gmail.com;0812-3456-7890",  # 2
        "I Nyoman Arta;ARI@Gmail.com ;",  # 3 same e-mail
        "I Gede Wirawan;;+62 812 3456 7890",  # 4 same phone
        "Ni Luh Putu;;6281234567890",  # 5 same phone again
        "Kadek Arya;kadek@gmail.com;081338765433",  # 6 new
    )
    roster = read_roster("p.csv", data)
    assert [r.row for r in roster.rows] == [2, 6]
    assert [(p.row, p.duplicate_of) for p in roster.duplicates] == [(3, 2), (4, 2), (5, 2)]
    assert roster.errors == []


def test_rows_with_errors_do_not_make_later_rows_duplicates():
    data = csv_bytes(
        "Nama;Kategori;No HP",
        "Ni Made Ari Widayani;Tamu;0812-3456-7890",  # 2 error
        "Ni Made Ari Widayani;Peserta;0812-3456-7890",  # 3 accepted
    )
    roster = read_roster("p.csv", data)
    assert [r.row for r in roster.rows] == [3]
    assert [p.row for p in roster.errors] == [2]
    assert roster.duplicates == []


def test_people_without_contact_details_are_not_duplicates():
    data = csv_bytes("Nama;Email;No HP", "Ni Made;;", "I Made;;", "Ni Made;;")
    assert [r.row for r in read_roster("p.csv", data).rows] == [2, 3, 4]


# --- Whole-file problems --------------------------------------------------------------------


def test_not_a_spreadsheet_with_xlsx_name():
    with pytest.raises(RosterFileError, match=r"could not be read as an Excel workbook \(\.xlsx\)"):
        read_file("bukan_spreadsheet.xlsx")


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(RosterFileError, match="Excel workbook"):
        read_roster("peserta.ods", buffer.getvalue())


def test_old_xls_file_is_refused_with_advice():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    with pytest.raises(RosterFileError, match=r"97-2003 \(\.xls\)"):
        read_roster("peserta.xls", data)


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(32)) * 20, b"\x01\x02\x03Nama" * 50],
)
def test_binary_file_named_csv(data):
    with pytest.raises(RosterFileError, match="not a CSV or Excel"):
        read_roster("peserta.csv", data)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b";;;;\r\n;;;;\r\n"])
def test_empty_files(data):
    with pytest.raises(RosterFileError, match="The file is empty"):
        read_roster("peserta.csv", data)


def test_empty_xlsx():
    with pytest.raises(RosterFileError, match="The file is empty"):
        read_roster("kosong.xlsx", xlsx_bytes([]))


def test_header_only_gives_an_empty_roster():
    roster = read_roster("p.csv", csv_bytes("Nama;Instansi"))
    assert (roster.rows, roster.errors, roster.duplicates) == ([], [], [])
    assert (roster.ignored_columns, roster.unknown_columns) == ([], [])
    assert [c.field for c in roster.sheets[0].columns] == ["name", "agency"]


def test_row_limit():
    header = b"Nama\n"
    at_limit = header + b"Ni Made\n" * MAX_ROWS
    assert MAX_ROWS == 50_000
    assert len(read_roster("p.csv", at_limit).rows) == MAX_ROWS
    # Blank rows do not count towards the limit.
    assert len(read_roster("p.csv", at_limit + b"\n" * 10).rows) == MAX_ROWS
    with pytest.raises(RosterFileError, match="more than 50000 participants"):
        read_roster("p.csv", at_limit + b"I Made\n")


def test_twenty_thousand_row_xlsx(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Peserta")
    sheet.append(["Daftar Peserta Sosialisasi Bali Bebas Plastik Sekali Pakai"])
    sheet.append(["Nama", "NIK", "Instansi", "Email", "No HP"])
    for n in range(20_000):
        sheet.append([
            f"Peserta {n}",
            f"51020{n:011d}",
            "Dinas Lingkungan Hidup Kabupaten Tabanan",
            f"peserta{n}@tabanankab.go.id",
            6281200000000 + n if n % 2 else f"0812-{n:08d}",
        ])  # fmt: skip
    path = tmp_path / "peserta_besar.xlsx"
    workbook.save(path)

    roster = read_roster(path.name, path.read_bytes())  # its speed is measured by `make bench`

    assert len(roster.rows) == 20_000
    assert roster.errors == [] and roster.duplicates == []
    assert roster.ignored_columns == ["NIK"]
    assert (roster.rows[0].row, roster.rows[0].phone) == (3, "+62812" + "0" * 8)
    assert (roster.rows[-1].row, roster.rows[-1].phone) == (20_002, "+6281200019999")
