"""Certificates as PDF: A4 landscape, one page each, with the QR code of the verification page.

A pure function from data to bytes, no Flask (the views and the worker fill in the words). The
QR code is drawn as vectors (sharp at any size); the logo and the background are embedded once
per file however many pages use them (reportlab keeps one image object per distinct image), so
2,000 certificates in one PDF stay a few megabytes. Fonts: the PDF standard fonts (Helvetica,
Times), which every reader has and which cover Indonesian names.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from tracker.checkin.tickets import draw_qr

PAGE = landscape(A4)
WIDTH, HEIGHT = PAGE
BODY_WIDTH = 200 * mm
QR_SIZE = 30 * mm
MARGIN = 18 * mm

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=12.5, leading=17, alignment=TA_CENTER)


@dataclass(frozen=True)
class Layout:
    """What every page of an event's certificates shares, in the certificate's language."""

    title: str
    organiser: str
    number_label: str
    given_to: str
    place: str
    signer_position: str
    signer_name: str
    nip_label: str
    signer_nip: str
    verify_label: str
    signed_note: str = ""
    logo: bytes | None = None
    background: bytes | None = None


@dataclass(frozen=True)
class Face:
    """One certificate: what differs from page to page."""

    number: str
    name: str
    agency: str
    body: str  # filled in, plain text
    date: str  # the issue date, written out: "24 Juli 2026"
    verify_url: str


def _centred(canvas: Canvas, text: str, font: str, size: float, y: float) -> float:
    canvas.setFont(font, size)
    lines = simpleSplit(text, font, size, WIDTH - 2 * MARGIN - 20 * mm) or [""]
    for line in lines[:2]:
        canvas.drawCentredString(WIDTH / 2, y, line)
        y -= size * 1.25
    return y


def _frame(canvas: Canvas, layout: Layout, images: dict[str, ImageReader]) -> None:
    if "background" in images:
        canvas.drawImage(images["background"], 0, 0, WIDTH, HEIGHT, preserveAspectRatio=False)
    else:
        canvas.setStrokeColorRGB(0.55, 0.45, 0.2)
        canvas.setLineWidth(3)
        canvas.rect(10 * mm, 10 * mm, WIDTH - 20 * mm, HEIGHT - 20 * mm)
        canvas.setLineWidth(0.8)
        canvas.rect(13 * mm, 13 * mm, WIDTH - 26 * mm, HEIGHT - 26 * mm)
    if "logo" in images:
        logo = images["logo"]
        w, h = logo.getSize()
        height = 22 * mm
        width = min(60 * mm, height * w / h)
        canvas.drawImage(
            logo,
            (WIDTH - width) / 2,
            HEIGHT - MARGIN - height,
            width,
            height,
            preserveAspectRatio=True,
            mask="auto",
        )


def _signature(canvas: Canvas, layout: Layout, face: Face) -> None:
    x = WIDTH - MARGIN - 45 * mm
    y = 66 * mm
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont("Helvetica", 11)
    for line in [f"{layout.place}, {face.date}" if layout.place else face.date]:
        canvas.drawCentredString(x, y, line)
    for line in simpleSplit(layout.signer_position, "Helvetica", 11, 90 * mm)[:2]:
        y -= 14
        canvas.drawCentredString(x, y, line)
    if layout.signed_note:
        canvas.setFont("Helvetica-Oblique", 8)
        canvas.setFillColorRGB(0.35, 0.35, 0.35)
        canvas.drawCentredString(x, y - 13 * mm, layout.signed_note)
        canvas.setFillColorRGB(0, 0, 0)
    y -= 24 * mm  # room for a wet signature or the visible mark of an electronic one
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawCentredString(x, y, layout.signer_name)
    width = canvas.stringWidth(layout.signer_name, "Helvetica-Bold", 11)
    canvas.line(x - width / 2, y - 2, x + width / 2, y - 2)
    if layout.signer_nip:
        canvas.setFont("Helvetica", 10)
        canvas.drawCentredString(x, y - 14, f"{layout.nip_label}. {layout.signer_nip}")


def _verification(canvas: Canvas, layout: Layout, face: Face) -> None:
    x, y = MARGIN + 2 * mm, MARGIN + 4 * mm
    draw_qr(canvas, face.verify_url, x, y, QR_SIZE)
    canvas.setFont("Helvetica", 7)
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    canvas.drawString(x + QR_SIZE + 3 * mm, y + 12, layout.verify_label)
    canvas.drawString(x + QR_SIZE + 3 * mm, y + 3, face.verify_url)
    canvas.setFillColorRGB(0, 0, 0)


def _page(canvas: Canvas, layout: Layout, face: Face, images: dict[str, ImageReader]) -> None:
    _frame(canvas, layout, images)
    top = HEIGHT - MARGIN - (26 * mm if "logo" in images else 8 * mm)
    top = _centred(canvas, layout.organiser, "Helvetica", 12, top)
    top = _centred(canvas, layout.title, "Helvetica-Bold", 34, top - 10 * mm)
    top = _centred(canvas, f"{layout.number_label}: {face.number}", "Helvetica", 11, top - 1 * mm)
    top = _centred(canvas, layout.given_to, "Helvetica-Oblique", 12, top - 5 * mm)
    top = _centred(canvas, face.name, "Times-Bold", 28, top - 5 * mm)
    if face.agency:
        top = _centred(canvas, face.agency, "Helvetica", 13, top - 1 * mm)
    body = Paragraph(escape(face.body).replace("\n", "<br/>"), _BODY)
    _w, h = body.wrapOn(canvas, BODY_WIDTH, 60 * mm)
    body.drawOn(canvas, (WIDTH - BODY_WIDTH) / 2, top - 4 * mm - h)
    _signature(canvas, layout, face)
    _verification(canvas, layout, face)


def certificates_pdf(layout: Layout, faces: Iterable[Face], title: str = "") -> bytes:
    """One page per face, in the order given. Raises ValueError for an image reportlab cannot
    read (uploads are checked and re-encoded before they get here)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1)
    canvas.setTitle(title or layout.title)
    canvas.setCreator("tracker")
    images = {
        name: ImageReader(io.BytesIO(data))
        for name, data in (("logo", layout.logo), ("background", layout.background))
        if data
    }
    empty = True
    for face in faces:
        _page(canvas, layout, face, images)
        canvas.showPage()
        empty = False
    if empty:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
