"""Spreadsheets shaped the way offices' tools write them, for the import's tests.

openpyxl writes every text as an inline string and no ``spans``; Excel writes a shared-strings
table (with rich-text runs where a heading is partly bold), ``spans`` and its own namespaces on
every row, a style on blank bordered cells, numbers typed into a text column as numbers, dates
as serial numbers with a date style, and the merged ranges after the data. ``excel_xlsx`` writes
that XML by hand, so the reader is tested against the shape it meets, not against ours.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Border, Font, Side
from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Rich:
    """A text with a bold first part, as Excel stores "**Nama** Lengkap" (two runs)."""

    bold: str
    rest: str

    def __str__(self) -> str:
        return self.bold + self.rest


@dataclass(frozen=True)
class Date:
    """A date-time as Excel stores it: a serial number with a date style."""

    serial: float


@dataclass
class SheetSpec:
    name: str
    rows: list[list[object]]
    merges: list[str] = field(default_factory=list)
    state: str = "visible"
    #: Blank cells up to this many columns get a border style, as in a bordered table.
    bordered: int = 0


def _cell_xml(ref: str, value: object, strings: dict[str, int], bordered: bool) -> str:
    style = ' s="1"' if bordered else ""
    if value is None or value == "":
        return f'<c r="{ref}"{style}/>' if bordered else ""
    if isinstance(value, Date):
        return f'<c r="{ref}" s="2"><v>{value.serial}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, int) else f"{value:.15G}"
        return f'<c r="{ref}"{style}><v>{text}</v></c>'
    key = repr(value) if isinstance(value, Rich) else str(value)
    index = strings.setdefault(key, len(strings))
    return f'<c r="{ref}"{style} t="s"><v>{index}</v></c>'


def _sheet_xml(spec: SheetSpec, strings: dict[str, int], originals: dict[str, object]) -> str:
    width = max([len(row) for row in spec.rows] + [spec.bordered, 1])
    rows = []
    for number, row in enumerate(spec.rows, start=1):
        cells = []
        for column in range(width):
            value = row[column] if column < len(row) else None
            if isinstance(value, Rich):
                originals[repr(value)] = value
            ref = f"{get_column_letter(column + 1)}{number}"
            cells.append(_cell_xml(ref, value, strings, column < spec.bordered and number > 1))
        if any(cells):
            rows.append(
                f'<row r="{number}" spans="1:{width}" x14ac:dyDescent="0.25">{"".join(cells)}</row>'
            )
    merges = ""
    if spec.merges:
        merges = (
            f'<mergeCells count="{len(spec.merges)}">'
            + "".join(f'<mergeCell ref="{ref}"/>' for ref in spec.merges)
            + "</mergeCells>"
        )
    last = f"{get_column_letter(width)}{max(len(spec.rows), 1)}"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'mc:Ignorable="x14ac xr xr2 xr3" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
        'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
        'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" '
        'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
        'xr:uid="{00000000-0001-0000-0000-000000000000}">'
        f'<dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
        '<cols><col min="1" max="1" width="5" customWidth="1"/>'
        '<col min="2" max="3" width="35" customWidth="1"/></cols>'
        f"<sheetData>{''.join(rows)}</sheetData>{merges}"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape"/></worksheet>'
    )


def _shared_strings_xml(strings: dict[str, int], originals: dict[str, object]) -> str:
    items = []
    for key in sorted(strings, key=strings.__getitem__):
        value = originals.get(key, key)
        if isinstance(value, Rich):
            items.append(
                f'<si><r><rPr><b/><sz val="11"/></rPr><t>{escape(value.bold)}</t></r>'
                f'<r><rPr><sz val="11"/></rPr><t xml:space="preserve">{escape(value.rest)}</t></r>'
                "</si>"
            )
        else:
            space = ' xml:space="preserve"' if key != key.strip() else ""
            items.append(f"<si><t{space}>{escape(key)}</t></si>")
    total = len(items)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<sst xmlns="{MAIN}" count="{total}" uniqueCount="{total}">{"".join(items)}</sst>'
    )


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="m/d/yyyy h:mm:ss"/></numFmts><fonts count="1"><font><sz val="11"/>'
    '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
    '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="2"><border/>'
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>'
    '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
    'borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" '
    'borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" '
    'applyBorder="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/></cellXfs></styleSheet>'
)


def excel_xlsx(*sheets: SheetSpec) -> bytes:
    """A workbook as Excel writes it (see the module's docstring)."""
    strings: dict[str, int] = {}
    originals: dict[str, object] = {}
    sheet_xml = [_sheet_xml(spec, strings, originals) for spec in sheets]
    sheet_entries = "".join(
        f'<sheet name="{escape(spec.name)}" sheetId="{n}"'
        + (f' state="{spec.state}"' if spec.state != "visible" else "")
        + f' r:id="rId{n}"/>'
        for n, spec in enumerate(sheets, start=1)
    )
    count = len(sheets)
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    rels += (
        f'<Relationship Id="rId{count + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{count + 2}" Type="{REL}/sharedStrings" '
        'Target="sharedStrings.xml"/>'
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/></bookViews>'
            f'<sheets>{sheet_entries}</sheets><calcPr calcId="191029"/></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
        "xl/sharedStrings.xml": _shared_strings_xml(strings, originals),
    }
    for n, xml in enumerate(sheet_xml, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return buffer.getvalue()


def openpyxl_xlsx(*sheets: SheetSpec) -> bytes:
    """The same sheets written by openpyxl (inline strings), with merges, bold headings and
    borders, as a script or another tool would write them."""
    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin")
    for spec in sheets:
        sheet = book.create_sheet(spec.name)
        sheet.sheet_state = spec.state
        for row in spec.rows:
            sheet.append(
                [
                    str(v) if isinstance(v, Rich) else (v.serial if isinstance(v, Date) else v)
                    for v in row
                ]
            )
        for ref in spec.merges:
            sheet.merge_cells(ref)
        for row in sheet.iter_rows(min_row=2, max_col=spec.bordered or None):
            for cell in row:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        sheet["A1"].font = Font(bold=True, size=14)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WRITERS = {"excel": excel_xlsx, "openpyxl": openpyxl_xlsx}


# --- A daftar peserta as a Diskominfo makes it ------------------------------------------------

NIP_AS_NUMBER = 1.98503122010011e17  # 198503122010011002 typed into Excel: 15 digits kept

TITLES = [
    ["DAFTAR PESERTA PELATIHAN PENGELOLAAN MEDIA SOSIAL"],
    ["DINAS KOMUNIKASI DAN INFORMATIKA KABUPATEN TABANAN"],
    ["Selasa, 22 Juli 2025, Ruang Rapat Diskominfo"],
    [],
]
HEADINGS = [
    ["No", Rich("Nama", " dan Gelar"), "NIP", "Tempat, Tanggal Lahir", "Unit Kerja / OPD",
     "Jabatan", "Kontak", None, "Tanda Tangan"],
    [None, None, None, None, None, None, "No. HP (WA)", "Email Aktif", None],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
]  # fmt: skip
PEOPLE = [
    [1, "Ni Made Ari Widayani, S.Kom.", NIP_AS_NUMBER, "Tabanan, 12 Juli 1985",
     "Dinas Kesehatan Kabupaten Tabanan", "Kepala Seksi", 81234567890,
     "ari.widayani@tabanankab.go.id", None],
    [2, "I Nyoman Arta Sukma Witra, S.E.", "19880312 201001 1 003", "Denpasar, 3 Maret 1988",
     None, "Staf", "0813-3876-5432", None, None],
    [],
    [3, "Ni Luh Putu Sri Wahyuni", None, None, "Bappeda Kabupaten Tabanan",
     "Perencana Ahli Muda", 6287861234567.0, "sri.wahyuni@gmail.com", None],
    [4, "Kadek Dwi Ananta", None, None, "BPBD Kabupaten Tabanan", "Pranata Komputer",
     "+62 812-3900-1234", None, None],
]  # fmt: skip
SIGNATURE = [
    [],
    [],
    [None, "Mengetahui,", None, None, None, None, "Tabanan, 22 Juli 2025"],
    [None, "Kepala Dinas Komunikasi dan Informatika", None, None, None, None, "Ketua Panitia"],
    [],
    [],
    [None, "I Made Sudarsana, S.Sos., M.Si.", None, None, None, None, "Kadek Arya Wiguna"],
    [None, "NIP. 19700101 199003 1 005", None, None, None, None, "NIP. 19850505 201001 1 002"],
]
MERGES = [
    "A1:I1", "A2:I2", "A3:I3",
    "A5:A6", "B5:B6", "C5:C6", "D5:D6", "E5:E6", "F5:F6", "G5:H5", "I5:I6",
    "E8:E9",  # the agency merged down over both of its people
]  # fmt: skip


def daftar_peserta(signature: list[list[object]] = SIGNATURE) -> SheetSpec:
    return SheetSpec("Daftar Peserta", TITLES + HEADINGS + PEOPLE + signature, MERGES, bordered=9)
