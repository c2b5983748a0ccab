"""Recognising the column headings of a participant list, as offices write them.

Pure module: no Flask app and no database (labels are lazy translations). A heading is
matched by its words, not only whole: ``Instansi/OPD``, ``Unit Kerja / OPD``, ``Asal OPD``,
``Nomor WhatsApp``, ``No. HP (WA)``, ``Nama Lengkap (beserta gelar)``, ``Email Aktif``, Google
Forms' ``Stempel waktu`` and ``Alamat email`` all find their field. Some headings are known but
never imported: the row number (``No``), the form's timestamp, the signature column, the NIP
(no field for it yet) and, above all, the national ID number (NIK/KTP), which the law does not
let us collect.

A heading row whose columns the organiser assigned by hand is found again by its key (the
normalised headings, :func:`headings_key`), so the next file with the same headings is read the
same way.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

#: The fields a column can be read into, in the order the preview offers them.
FIELDS = ("name", "agency", "position", "category", "email", "phone")

#: Whole headings people write, per field; compared after :func:`heading_key`.
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

# Words (after case folding) that name a field wherever they stand in a heading, in the order
# they are tried: "Nama Instansi" is an agency, "Nama Jabatan" a position, "Nama dan Gelar" a
# name. Pairs of words are written with a space and must stand next to each other.
_FIELD_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("email", frozenset({"email", "surel", "mail", "e mail", "surat elektronik"})),
    (
        "phone",
        frozenset(
            {
                "hp",
                "wa",
                "whatsapp",
                "whatsap",
                "watsap",
                "telepon",
                "telpon",
                "telp",
                "tlp",
                "tel",
                "handphone",
                "hanphone",
                "ponsel",
                "seluler",
                "selular",
                "phone",
                "telephone",
                "mobile",
                "cellphone",
                "nohp",
                "nowa",
                "notelp",
            }
        ),
    ),  # fmt: skip
    (
        "agency",
        frozenset(
            {
                "instansi",
                "institusi",
                "opd",
                "skpd",
                "dinas",
                "satker",
                "lembaga",
                "agency",
                "organisasi",
                "organisation",
                "organization",
                "institution",
                "department",
                "departemen",
                "kantor",
                "office",
                "asal",
                "unit kerja",
                "satuan kerja",
                "perangkat daerah",
                "unit",
                "company",
                "employer",
            }
        ),
    ),  # fmt: skip
    ("position", frozenset({"jabatan", "position", "job", "pekerjaan"})),
    ("category", frozenset({"kategori", "peran", "category", "role", "sebagai", "jenis peserta"})),
    ("name", frozenset({"nama", "name"})),
)

# Headings that are known and never imported, with why (see SKIP_REASONS).
_NATIONAL_ID_WORDS = frozenset({"nik", "ktp", "noktp", "nonik"})
_NATIONAL_ID_KEYS = frozenset(
    {"nomorindukkependudukan", "nomorktp", "nomornik", "nikktp", "nationalid", "nationalidnumber"}
)
_NUMBER_KEYS = frozenset({"no", "nomor", "nourut", "nomorurut", "number", "urut", ""})
_TIMESTAMP_KEYS = frozenset(
    {"timestamp", "stempelwaktu", "capwaktu", "waktupengisian", "tanggalpengisian", "submittedat"}
)
_SIGNATURE_WORDS = frozenset({"ttd", "paraf", "signature", "tandatangan", "tanda tangan"})
_NIP_WORDS = frozenset({"nip", "nipnrp", "nrp", "induk pegawai"})
# An address is not an agency: "Alamat Kantor" is where the office is.
_ADDRESS_WORDS = frozenset({"alamat", "address", "domisili"})

#: Why a known column is not imported, by kind (the preview and the API say it).
NATIONAL_ID = "national_id"
NIP = "nip"
NUMBER = "number"
TIMESTAMP = "timestamp"
SIGNATURE = "signature"
#: A heading that matched nothing: listed in the preview and the API's ``unknown_columns``.
UNKNOWN = "unknown"
#: A second column for a field already read from an earlier column.
REPEATED = "repeated"
#: The organiser chose not to import this column.
SKIPPED = "skipped"

_NON_WORD_RE = re.compile(r"[\W_]+")

#: How people write each category in a cell (compared after heading_key); empty: participant.
CATEGORY_VALUES: dict[str, str] = {
    "": "participant",
    "peserta": "participant",
    "participant": "participant",
    "participants": "participant",
    "narasumber": "speaker",
    "pembicara": "speaker",
    "speaker": "speaker",
    "speakers": "speaker",
    "panitia": "committee",
    "committee": "committee",
    "media": "press",
    "pers": "press",
    "wartawan": "press",
    "jurnalis": "press",
    "journalist": "press",
    "press": "press",
}


def heading_key(text: str) -> str:
    """Comparison form of a heading or a value: case-folded, without punctuation or spaces."""
    return _NON_WORD_RE.sub("", unicodedata.normalize("NFKC", text).casefold())


def _words(text: str) -> list[str]:
    return [w for w in _NON_WORD_RE.split(unicodedata.normalize("NFKC", text).casefold()) if w]


def _has_word(words: list[str], vocabulary: frozenset[str]) -> bool:
    """True when a word, or two neighbouring words written with a space, is in vocabulary."""
    pairs = (f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return any(w in vocabulary for w in words) or any(p in vocabulary for p in pairs)


_ALIAS_FIELDS: dict[str, str] = {
    heading_key(alias): name for name, aliases in FIELD_ALIASES.items() for alias in aliases
}


def is_national_id(heading: str) -> bool:
    """True when the heading names a national ID (NIK/KTP) column, e.g. "NIK (16 digit)"."""
    return (
        bool(set(_words(heading)) & _NATIONAL_ID_WORDS) or heading_key(heading) in _NATIONAL_ID_KEYS
    )


def classify(heading: str) -> tuple[str | None, str]:
    """What a heading holds: ``(field, "")`` for a field, ``(None, kind)`` otherwise.

    ``kind`` is NATIONAL_ID, NIP, NUMBER, TIMESTAMP, SIGNATURE or UNKNOWN. A national ID is
    checked first, so "NIK/NIP" is never read.
    """
    if is_national_id(heading):
        return None, NATIONAL_ID
    key = heading_key(heading)
    if key in _ALIAS_FIELDS:
        return _ALIAS_FIELDS[key], ""
    words = _words(heading)
    if key in _NUMBER_KEYS or words in (["no", "urut"], ["no"], ["nomor"]):
        return None, NUMBER
    if key in _TIMESTAMP_KEYS:
        return None, TIMESTAMP
    if _has_word(words, _SIGNATURE_WORDS):
        return None, SIGNATURE
    if _has_word(words, _ADDRESS_WORDS) and not _has_word(words, _FIELD_WORDS[0][1]):
        return None, UNKNOWN  # an address, unless an e-mail address
    for name, vocabulary in _FIELD_WORDS:
        if _has_word(words, vocabulary):
            return name, ""
    if _has_word(words, _NIP_WORDS):  # after the fields: "Nama / NIP" is the name column
        return None, NIP
    return None, UNKNOWN


@dataclass(frozen=True)
class Column:
    """One heading of the header row and what is read from its column."""

    index: int  # 0-based
    heading: str  # as written (two heading rows joined with a space)
    field: str | None  # one of FIELDS, or None when the column is not read
    kind: str = ""  # why not read: NATIONAL_ID, NIP, NUMBER, TIMESTAMP, SIGNATURE, UNKNOWN ...
    assigned: bool = False  # the organiser chose this (a remembered or a new assignment)

    @property
    def letter(self) -> str:
        """The column's letter as a spreadsheet shows it (A, B, ..., AA)."""
        return column_letter(self.index)


def column_letter(index: int) -> str:
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int | None:
    """The 0-based index of a column's letters (A, B, ..., AA), None if they are not letters
    or past Excel's last column (XFD)."""
    letters = letters.strip().upper()
    if not letters.isascii() or not letters.isalpha() or len(letters) > 3:
        return None
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1 if index <= 16_384 else None


#: What the organiser assigned, per column index: a field, or "" for "do not import".
Assignment = Mapping[int, str]


def match_columns(headings: Sequence[str], assignment: Assignment | None = None) -> list[Column]:
    """Every non-empty heading with what its column is read as; the first column of a field
    wins. With an assignment (the organiser's choice for this heading row), it decides for every
    column, except that a national ID column is never read whatever it says."""
    columns: list[Column] = []
    taken: set[str] = set()
    for index, heading in enumerate(headings):
        if not heading:
            continue
        field, kind = classify(heading)
        assigned = False
        if assignment is not None and kind != NATIONAL_ID:
            chosen = assignment.get(index, "")
            field, kind, assigned = (chosen or None), ("" if chosen else SKIPPED), True
        if field is not None and field in taken:
            field, kind = None, REPEATED
        if field is not None:
            taken.add(field)
        columns.append(Column(index, heading, field, kind, assigned))
    return columns


def headings_key(headings: Sequence[str]) -> str:
    """The key of a heading row: a digest of its normalised headings, column by column."""
    keys = [heading_key(h) for h in headings]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def is_heading_like(text: str) -> bool:
    """True when the text, read as a heading, names a field or a known column."""
    field, kind = classify(text)
    return field is not None or kind not in (UNKNOWN,)


#: What the preview calls each field and each reason a column is not read.
FIELD_LABELS = {
    "name": _l("Name"),
    "agency": _l("Agency"),
    "position": _l("Position"),
    "category": _l("Category"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
}
KIND_LABELS = {
    NATIONAL_ID: _l("never imported: national ID number (NIK)"),
    NIP: _l("not imported: NIP (not stored)"),
    NUMBER: _l("not imported: row number"),
    TIMESTAMP: _l("not imported: the form's timestamp"),
    SIGNATURE: _l("not imported: signature"),
    UNKNOWN: _l("not recognised: not imported"),
    REPEATED: _l("not imported: an earlier column has this field"),
    SKIPPED: _l("not imported (your choice)"),
}
