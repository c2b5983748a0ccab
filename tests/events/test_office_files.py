"""The import reads the participant lists offices really send (issue 11, point 3).

Each file is built the way an office makes it: title rows over a merged range, headings over
two rows with a merged "Kontak" group, a "No" column, a row of column numbers, phone numbers
and NIPs typed as numbers, an agency merged down over its people, empty rows, a signature block
below the table, several sheets, Google Forms exports, and CSV saved in the encodings Excel
uses. Workbooks are written both as Excel writes them (shared strings, styled blanks, spans)
and by openpyxl (inline strings).
"""

from __future__ import annotations

import pytest

from tests.events.office_files import (
    HEADINGS,
    PEOPLE,
    TITLES,
    WRITERS,
    Date,
    SheetSpec,
    daftar_peserta,
    excel_xlsx,
)
from tracker.events.headings import classify
from tracker.events.roster_file import Roster, read_roster

EXPECTED = [
    (8, "Ni Made Ari Widayani, S.Kom.", "Dinas Kesehatan Kabupaten Tabanan", "Kepala Seksi",
     "ari.widayani@tabanankab.go.id", "+6281234567890"),
    (9, "I Nyoman Arta Sukma Witra, S.E.", "Dinas Kesehatan Kabupaten Tabanan", "Staf", None,
     "+6281338765432"),
    (11, "Ni Luh Putu Sri Wahyuni", "Bappeda Kabupaten Tabanan", "Perencana Ahli Muda",
     "sri.wahyuni@gmail.com", "+6287861234567"),
    (12, "Kadek Dwi Ananta", "BPBD Kabupaten Tabanan", "Pranata Komputer", None,
     "+6281239001234"),
]  # fmt: skip


def _people(roster: Roster) -> list[tuple]:
    return [(r.row, r.name, r.agency, r.position, r.email, r.phone) for r in roster.rows]


def _read_as(roster: Roster) -> dict[str, str | None]:
    return {c.heading: c.field or c.kind for c in roster.sheets[0].columns}


@pytest.mark.parametrize("writer", WRITERS)
def test_an_offices_attendance_list(writer):
    roster = read_roster("daftar_peserta.xlsx", WRITERS[writer](daftar_peserta()))

    assert _people(roster) == EXPECTED
    assert roster.errors == [] and roster.duplicates == []
    assert roster.sheets[0].header_rows == (5, 6)
    assert _read_as(roster) == {
        "No": "number",
        "Nama dan Gelar": "name",
        "NIP": "nip",
        "Tempat, Tanggal Lahir": "unknown",
        "Unit Kerja / OPD": "agency",
        "Jabatan": "position",
        "Kontak No. HP (WA)": "phone",
        "Kontak Email Aktif": "email",
        "Tanda Tangan": "signature",
    }
    assert roster.unknown_columns == ["Tempat, Tanggal Lahir"]
    notes = " ".join(roster.sheets[0].notes)
    assert "Row 7 holds column numbers" in notes
    assert 'The list ends at row 15 ("Mengetahui,")' in notes
    everything = repr(roster)
    for official in ("Sudarsana", "Wiguna", "19700101", "Kepala Dinas"):
        assert official not in everything, "the signature block is not a participant"
    assert "198503122010011" not in everything, "a NIP is not read (no field for it yet)"


@pytest.mark.parametrize(
    "signature",
    [
        [
            [],
            [None, None, None, None, None, None, "Tabanan, 22 Juli 2025"],
            [None, None, None, None, None, None, "Kepala Dinas"],
            [],
            [None, None, None, None, None, None, "I Made Sudarsana"],
        ],
        [
            [],
            [None, "Kepala Dinas Komunikasi dan Informatika"],
            [],
            [],
            [None, "I Made Sudarsana, S.Sos."],
            [None, "NIP. 19700101 199003 1 005"],
        ],
        [
            [],
            [None, "Denpasar, ....... Juli 2025"],
            [None, "a.n. Kepala Dinas"],
            [None, "I Made Sudarsana"],
        ],
        [[None, "Jumlah peserta: 4"]],
    ],
    ids=["date-line", "official-after-a-gap", "blank-day-and-a.n.", "totals"],
)
def test_the_list_ends_where_the_signature_block_starts(signature):
    roster = read_roster("daftar.xlsx", excel_xlsx(daftar_peserta(signature)))
    assert _people(roster) == EXPECTED
    assert roster.errors == []
    assert "Sudarsana" not in repr(roster)


def test_a_birth_date_beside_a_name_ends_nothing():
    """ "Tempat, Tanggal Lahir" holds "Tabanan, 12 Juli 1985": a date line, but beside a name."""
    people = [row for row in PEOPLE if row]
    roster = read_roster("daftar.xlsx", excel_xlsx(daftar_peserta([])))
    assert len(roster.rows) == len(people)


def test_the_same_list_saved_as_csv_by_excel_in_indonesian():
    """Excel in the Indonesian locale: `;`, Windows-1252, merged cells written out empty."""
    lines = [";".join("" if v is None else str(v) for v in row) for row in TITLES + HEADINGS]
    lines += [
        "1;Désak Made Ari Widayani;198503122010011000;Tabanan, 12 Juli 1985;"
        "Dinas Kesehatan – Kabupaten Tabanan;Kepala Seksi;81234567890;ari@tabanankab.go.id;",
        "2;I Nyoman Arta;;;Bappeda;Staf;6,28123E+12;;",
        "",
        ";Mengetahui,;;;;;Tabanan, 22 Juli 2025",
        ";I Made Sudarsana;;;;;",
    ]
    data = "\r\n".join(lines).encode("cp1252")

    roster = read_roster("daftar.csv", data)

    assert [(r.row, r.name, r.agency, r.phone) for r in roster.rows] == [
        (8, "Désak Made Ari Widayani", "Dinas Kesehatan – Kabupaten Tabanan", "+6281234567890")
    ]
    assert [e.row for e in roster.errors] == [9]  # the phone Excel turned into 6,28123E+12
    assert "scientific notation" in roster.errors[0].message
    assert _read_as(roster)["Kontak No. HP (WA)"] == "phone"
    assert _read_as(roster)["Email Aktif"] == "email"
    assert "Sudarsana" not in repr(roster)


# --- Google Forms ---------------------------------------------------------------------------


GOOGLE_FORMS_EN = (
    '"Timestamp","Email Address","Nama Lengkap (beserta gelar)","Instansi/Unit Kerja",'
    '"Jabatan","Nomor WhatsApp","Bersedia membawa tumbler?"\r\n'
    '"2025/07/15 9:02:11 AM GMT+8","ari@tabanankab.go.id","Ni Made Ari Widayani, S.Kom.",'
    '"Dinas Kesehatan","Kepala Seksi","081234567890","Ya"\r\n'
    '"2025/07/15 9:10:40 AM GMT+8","arta@gmail.com","I Nyoman Arta, S.E.","Bappeda, Litbang",'
    '"Staf","+62 813-3876-5432","Ya"\r\n'
)
GOOGLE_FORMS_ID = (
    "Stempel waktu,Alamat email,Nama dan Gelar,Asal OPD,Jabatan,No. HP (WA),Email Aktif\r\n"
    '15/07/2025 9:02:11,ari@tabanankab.go.id,"Ni Made Ari Widayani, S.Kom.",Dinas Kesehatan,'
    "Kepala Seksi,081234567890,ari.pribadi@gmail.com\r\n"
    '15/07/2025 9:10:40,arta@gmail.com,"I Nyoman Arta, S.E.","Bappeda, Litbang",Staf,'
    "+62 813-3876-5432,\r\n"
)


@pytest.mark.parametrize("text", [GOOGLE_FORMS_EN, GOOGLE_FORMS_ID], ids=["en", "id"])
def test_a_google_forms_export(text):
    roster = read_roster("Pendaftaran (Responses) - Form Responses 1.csv", text.encode())

    assert [(r.name, r.agency, r.email, r.phone) for r in roster.rows] == [
        ("Ni Made Ari Widayani, S.Kom.", "Dinas Kesehatan", "ari@tabanankab.go.id",
         "+6281234567890"),
        ("I Nyoman Arta, S.E.", "Bappeda, Litbang", "arta@gmail.com", "+6281338765432"),
    ]  # fmt: skip
    read_as = _read_as(roster)
    assert read_as[text.split(",")[0].strip('"')] == "timestamp"
    # The form's own "Email Address" is the e-mail; a second e-mail question is listed.
    assert list(read_as.values()).count("email") == 1


def test_a_google_sheets_download_with_timestamps_as_dates():
    sheet = SheetSpec(
        "Form Responses 1",
        [
            ["Timestamp", "Email Address", "Nama Lengkap", "Instansi/OPD", "WA"],
            [Date(45853.37651), "ari@tabanankab.go.id", "Ni Made Ari", "Diskominfo", 81234567890],
        ],
    )
    roster = read_roster("responses.xlsx", excel_xlsx(sheet))
    assert [(r.name, r.agency, r.phone) for r in roster.rows] == [
        ("Ni Made Ari", "Diskominfo", "+6281234567890")
    ]


# --- Sheets and sections ---------------------------------------------------------------------


@pytest.mark.parametrize("writer", WRITERS)
def test_several_sheets(writer):
    book = WRITERS[writer](
        SheetSpec("Petunjuk", [["Isi daftar peserta di sheet berikutnya."], ["Terima kasih."]]),
        SheetSpec(
            "Peserta",
            [["Nama", "Instansi", "WA"], ["Ni Made Ari", "Dinkes", "0812-3456-7890"],
             ["I Nyoman Arta", "Bappeda", "0813-3876-5432"]],
        ),
        SheetSpec(
            "Narasumber",
            [["DAFTAR NARASUMBER"], ["Nama Lengkap", "Instansi/OPD", "No HP"],
             ["Dr. Putu Eka", "Universitas Udayana", "0821-4567-8901"],
             ["I Nyoman Arta", "Bappeda", "+62 813 3876 5432"]],
        ),
        SheetSpec("Referensi", [["Nama OPD"], ["Dinas Kesehatan"]], state="hidden"),
    )  # fmt: skip

    roster = read_roster("daftar.xlsx", book)

    assert [(r.sheet, r.row, r.name, r.category) for r in roster.rows] == [
        ("Peserta", 2, "Ni Made Ari", "participant"),
        ("Peserta", 3, "I Nyoman Arta", "participant"),
        ("Narasumber", 3, "Dr. Putu Eka", "speaker"),  # the sheet's name says what they are
    ]
    [duplicate] = roster.duplicates
    assert (duplicate.sheet, duplicate.row) == ("Narasumber", 4)
    assert (duplicate.duplicate_of_sheet, duplicate.duplicate_of) == ("Peserta", 3)
    assert [name for name, _reason in roster.skipped_sheets] == ["Referensi", "Petunjuk"]
    assert [layout.sheet for layout in roster.sheets] == ["Peserta", "Narasumber"]


def test_section_rows_set_the_category_and_are_not_participants():
    rows = [
        ["No", "Nama", "Instansi", "Jabatan"],
        ["A. NARASUMBER"],
        [1, "Dr. Putu Eka", "Universitas Udayana", "Dosen"],
        ["B. PESERTA"],
        [1, "Ni Made Ari", "Dinas Kesehatan", "Staf"],
        [2, "I Nyoman Arta", "Bappeda", "Staf"],
        ["C. PANITIA"],
        [1, "Kadek Arya", "Diskominfo", "Pranata Humas"],
    ]
    roster = read_roster("daftar.xlsx", excel_xlsx(SheetSpec("Daftar", rows, ["A2:D2", "A4:D4"])))
    assert [(r.name, r.category) for r in roster.rows] == [
        ("Dr. Putu Eka", "speaker"),
        ("Ni Made Ari", "participant"),
        ("I Nyoman Arta", "participant"),
        ("Kadek Arya", "committee"),
    ]
    assert roster.errors == []


def test_a_nik_column_in_an_office_file_is_never_read():
    rows = [
        ["DAFTAR HADIR"],
        ["No", "Nama", "NIK", "Instansi"],
        [1, "Ni Made Ari", 5102014507850001, "Dinkes"],
        [2, "I Nyoman Arta", "5102025608900002", "Bappeda"],
    ]
    roster = read_roster("hadir.xlsx", excel_xlsx(SheetSpec("Sheet1", rows)))
    assert [r.name for r in roster.rows] == ["Ni Made Ari", "I Nyoman Arta"]
    assert roster.ignored_columns == ["NIK"]
    assert "510201450785" not in repr(roster) and "5102025608900002" not in repr(roster)


# --- Headings and encodings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Instansi/OPD", "agency"), ("Unit Kerja / OPD", "agency"),
        ("Instansi/Unit Kerja", "agency"), ("Asal OPD", "agency"),
        ("Perangkat Daerah", "agency"), ("SKPD", "agency"), ("Organization", "agency"),
        ("WA", "phone"), ("Nomor WhatsApp", "phone"), ("No. HP (WA)", "phone"),
        ("Phone number", "phone"), ("Nama dan Gelar", "name"),
        ("Nama Lengkap (beserta gelar)", "name"), ("Full name", "name"),
        ("Email Aktif", "email"), ("Alamat email", "email"), ("Email Address", "email"),
        ("Jabatan", "position"), ("Job title", "position"), ("Kategori Peserta", "category"),
        ("Nama Instansi", "agency"), ("Nama Jabatan", "position"),
    ],
)  # fmt: skip
def test_headings_are_matched_by_their_words(heading, field):
    assert classify(heading) == (field, "")


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Timestamp", "timestamp"), ("Stempel waktu", "timestamp"), ("No", "number"),
        ("No.", "number"), ("NIP", "nip"), ("NIK", "national_id"), ("NIK/NIP", "national_id"),
        ("Tanda Tangan", "signature"), ("TTD", "signature"), ("Alamat Kantor", "unknown"),
        ("Pangkat/Golongan", "unknown"),
    ],
)  # fmt: skip
def test_known_columns_that_are_not_imported(heading, kind):
    assert classify(heading) == (None, kind)


LIST = ["Nama;Instansi;No HP", "Désak Made Rai;Dinas Koperasi – UKM;0812-3456-7890"]


@pytest.mark.parametrize(
    ("encoding", "separator", "bom"),
    [("cp1252", ";", b""), ("latin-1", ",", b""), ("utf-8", ";", b"\xef\xbb\xbf"),
     ("utf-8", ",", b"")],
)  # fmt: skip
def test_csv_encodings_and_separators(encoding, separator, bom):
    lines = [line.replace(";", separator) for line in LIST]
    if encoding == "latin-1":  # no en dash in Latin-1
        lines[1] = lines[1].replace("–", "-")
    data = bom + "\r\n".join(lines).encode(encoding)
    roster = read_roster("peserta.csv", data)
    assert [(r.name, r.phone) for r in roster.rows] == [("Désak Made Rai", "+6281234567890")]
    assert roster.rows[0].agency.startswith("Dinas Koperasi")
    assert roster.notes == []


def test_a_csv_that_mixes_encodings_says_so():
    utf8 = "Nama;Instansi\r\nDésak Made Rai;Dinas Kebudayaan\r\n".encode()
    ansi = "André Wijaya;Dinas Koperasi – UKM\r\n".encode("cp1252")
    roster = read_roster("gabungan.csv", utf8 + ansi + b"Ni Ketut Suartini;Inspektorat\r\n")

    assert [r.name for r in roster.rows] == ["Désak Made Rai", "André Wijaya", "Ni Ketut Suartini"]
    assert roster.rows[1].agency == "Dinas Koperasi – UKM"
    [note] = roster.notes
    assert "mixes two text encodings" in note and "(3)" in note
