"""The daftar hadir as an A4 PDF, the page a finance office files with the SPJ.

``daftar_hadir_pdf(sheet)`` is pure: a Sheet (summaries/data.py) in, bytes out. From the top:
the letterhead (kop: the logo at the left, the office and its address centred, a double rule
under them), the list's heading, the event, day and place, then the table (No, Nama, NIP,
Jabatan, Instansi, Jam datang, Jam pulang, Tanda tangan), its heading repeated on every page,
and the closing block ("Mengetahui", the official's position, room to sign, name and NIP) kept
whole on one page. A row is tall enough to sign by hand; a signature drawn at check-in is
placed in its box, scaled to fit, one image object per signature.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer, Table, TableStyle

from tracker import times
from tracker.contact import format_nip
from tracker.summaries.data import Sheet, SheetRow
from tracker.summaries.pdf.layout import FRAME_WIDTH, LINE, document, fit, fonts, para, styles

#: No, Nama, NIP, Jabatan, Instansi, Jam datang, Jam pulang, Tanda tangan: 180 mm in all.
WIDTHS = tuple(w * mm for w in (8, 32, 34, 23, 27, 15, 15, 26))
#: A NIP's 18 digits and three spaces fit their column at this size.
NIP_SIZE = 7
#: Room to sign by hand in a row (and the box a drawn signature is scaled into).
ROW_HEIGHT = 12 * mm
SIGNATURE_BOX = (WIDTHS[-1] - 2 * mm, ROW_HEIGHT - 2 * mm)
LOGO_HEIGHT = 20 * mm


def _kop(sheet: Sheet) -> list[Any]:
    """The logo at the left, the office and its address centred over the page, and the
    double rule of an Indonesian letterhead under them."""
    s, f = styles(), fonts()
    centred = s.body.clone("kop", alignment=1, fontName=f.bold, fontSize=13, leading=16)
    lines: list[Any] = [para(sheet.office.upper(), centred)]
    if sheet.office_address:
        lines.append(para(sheet.office_address, s.body.clone("kop_address", alignment=1)))
    logo = _image(sheet.logo, LOGO_HEIGHT * 1.4, LOGO_HEIGHT) if sheet.logo else ""
    side = LOGO_HEIGHT * 1.5  # the logo's column, and as much at the right to keep the centre
    kop = Table([[logo, lines, ""]], colWidths=[side, FRAME_WIDTH - 2 * side, side])
    kop.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 0), 1.6, "black"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    rule = Table([[""]], colWidths=[FRAME_WIDTH], rowHeights=[1.2])
    rule.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, "black")]))
    return [kop, rule, Spacer(1, 4 * mm)]


def _image(data: bytes, width: float, height: float) -> Image | str:
    """The picture scaled to fit width × height, keeping its shape; "" if it cannot be read
    (signatures and logos are checked and re-encoded before they are stored)."""
    try:
        image = Image(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - reportlab raises several kinds for a bad image
        return ""
    scale = min(width / image.imageWidth, height / image.imageHeight)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    return image


def _heading(sheet: Sheet) -> list[Any]:
    s, w = styles(), sheet.words
    title = para(w.title, s.title.clone("sheet_title", alignment=1, textColor="black"))
    facts = [
        [w.event, ":", sheet.event_title],
        [w.day, ":", w.day_text],
        [w.place, ":", sheet.place or "–"],
    ]
    rows = [[para(a, s.body), para(b, s.body), para(c, s.body)] for a, b, c in facts]
    table = Table(rows, colWidths=[28 * mm, 4 * mm, FRAME_WIDTH - 32 * mm])
    table.setStyle(
        TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return [title, table, Spacer(1, 3 * mm)]


def _cells(number: int, row: SheetRow, tz: str) -> list[Any]:
    cells: list[Any] = [str(number), fit(row.name, WIDTHS[1]), format_nip(row.nip)]
    cells += [fit(row.position, WIDTHS[3]), fit(row.agency, WIDTHS[4])]
    cells += [times.clock(row.arrived, tz), times.clock(row.left, tz)]
    cells.append(_image(row.signature, *SIGNATURE_BOX) if row.signature else "")
    return cells


def _height(cells: list[Any], size: float) -> float:
    """Room to sign, or more where a long name or agency wraps onto many lines."""
    lines = max(cell.count("\n") + 1 for cell in cells if isinstance(cell, str))
    return max(ROW_HEIGHT, lines * size * 1.2 + 6)


def _table(sheet: Sheet) -> Table:
    header = styles().cell_bold.clone("sheet_header", alignment=1)
    rows: list[list[Any]] = [[para(name, header) for name in sheet.words.columns]]
    rows += [_cells(n, row, sheet.timezone) for n, row in enumerate(sheet.rows, start=1)]
    f, size = fonts(), styles().cell.fontSize
    heights = [None] + [_height(row, size) for row in rows[1:]]
    table = Table(rows, colWidths=list(WIDTHS), rowHeights=heights, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), f.regular, size),
                ("FONT", (2, 1), (2, -1), f.regular, NIP_SIZE),
                ("GRID", (0, 0), (-1, -1), 0.5, LINE),
                ("BOX", (0, 0), (-1, -1), 0.8, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("ALIGN", (0, 1), (0, -1), "CENTER"),
                ("ALIGN", (5, 1), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _closing(sheet: Sheet) -> KeepTogether:
    s, w, official = styles(), sheet.words, sheet.official
    bold = s.body.clone("official", fontName=fonts().bold)
    name = official.name or "(" + "." * 50 + ")"
    nip = f"{w.nip}. {format_nip(official.nip) if official.nip else '.' * 36}"
    block = [
        para(w.dated, s.body),
        para(w.acknowledged, s.body),
        para(official.position or "." * 50, s.body),
        Spacer(1, 18 * mm),
        Paragraph(f"<u>{escape(name)}</u>" if official.name else escape(name), bold),
        para(nip, s.body),
    ]
    table = Table([[para(w.present, s.small), block]], colWidths=[FRAME_WIDTH / 2] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 6 * mm), table])


def daftar_hadir_pdf(sheet: Sheet) -> bytes:
    """The sheet as an A4 PDF (bytes)."""
    buffer = io.BytesIO()
    title = f"{sheet.words.title} – {sheet.event_title}"
    doc, on_page = document(buffer, title, lambda page: sheet.words.page % {"page": page})
    story = [*_kop(sheet), *_heading(sheet), _table(sheet), _closing(sheet)]
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
