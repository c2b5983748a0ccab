"""Tickets as files: QR codes (PNG, SVG), the A4 ticket / badge sheet, the door poster, and the
CSV of ticket links for a WhatsApp or e-mail merge.

Pure functions from data to bytes, with no Flask import: the views translate the labels and
build the URLs, these only draw. The QR matrix comes from the ``qrcode`` library in every
format; in PDFs it is drawn as vector squares, so it prints sharp at any size.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from tracker.exports import csv_bytes
from tracker.pdf_fonts import drawable, fonts
from tracker.placeholders import fill

# --- QR codes ---------------------------------------------------------------------------------


def _qr(data: str, border: int = 4) -> qrcode.QRCode:
    # Level M survives a scuffed print or a cracked phone screen and keeps the code small.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str, box_size: int = 8) -> bytes:
    """A PNG of the QR code, black on white, with the standard quiet zone."""
    code = _qr(data)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()


def qr_svg(data: str) -> bytes:
    """An SVG of the QR code (one path; scales to any size)."""
    code = _qr(data)
    return code.make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string()


def qr_data_uri(data: str, box_size: int = 8) -> str:
    """The PNG as a ``data:`` URI, for a page that must show the code without another request."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data, box_size)).decode("ascii")


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code's modules, quiet zone included (True is dark)."""
    return _qr(data).get_matrix()


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as filled squares with its lower-left corner at (x, y)."""
    matrix = qr_matrix(data)
    cell = size / len(matrix)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    for row, modules in enumerate(matrix):
        top = y + size - (row + 1) * cell
        run_start = None
        for col, dark in enumerate([*modules, False]):
            if dark and run_start is None:
                run_start = col
            elif not dark and run_start is not None:
                # One rectangle per run of dark modules: smaller files than one per module.
                canvas.rect(x + run_start * cell, top, (col - run_start) * cell, cell, 0, 1)
                run_start = None
    canvas.restoreState()


# --- the ticket / badge sheet -----------------------------------------------------------------


@dataclass(frozen=True)
class TicketCard:
    name: str
    agency: str
    category: str  # already a label in the reader's language, e.g. "Narasumber"
    ticket_url: str


@dataclass(frozen=True)
class SheetText:
    """The words on the sheet, translated by the caller."""

    event_title: str
    when: str
    where: str = ""
    footer: str = ""


COLUMNS, ROWS = 2, 4
MARGIN = 10 * mm
CARD_W = (A4[0] - 2 * MARGIN) / COLUMNS
CARD_H = (A4[1] - 2 * MARGIN) / ROWS
QR_SIZE = 34 * mm
PAD = 5 * mm


def _fit_lines(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    lines = simpleSplit(text, font, size, width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip()[: max(1, len(lines[-1]) - 1)] + "…"
    return lines


def _shrink_to_fit(
    text: str, font: str, sizes: Sequence[float], width: float, max_lines: int
) -> tuple[float, list[str]]:
    """The largest of ``sizes`` at which ``text`` fits in ``max_lines``, with its lines; at the
    smallest size it takes the lines it needs (never cut: a cut date or name misleads)."""
    for size in sizes:
        lines = simpleSplit(text, font, size, width) or [""]
        if len(lines) <= max_lines:
            return size, lines
    return sizes[-1], simpleSplit(text, font, sizes[-1], width) or [""]


def _draw_lines(
    canvas: Canvas, lines: list[str], font: str, size: float, x: float, top: float
) -> float:
    canvas.setFont(font, size)
    for line in lines:
        top -= size * 1.2
        canvas.drawString(x, top, line)
    return top


def _draw_card(canvas: Canvas, card: TicketCard, text: SheetText, x: float, y: float) -> None:
    """Event title across the top, the name large, then agency and category beside the QR."""
    canvas.setStrokeColorRGB(0.7, 0.7, 0.7)
    canvas.setDash(2, 2)  # a cutting line
    canvas.rect(x, y, CARD_W, CARD_H, 1, 0)
    canvas.setDash()
    full = CARD_W - 2 * PAD
    font = fonts()  # Unicode (DejaVu): "Śrī" as written; an emoji left out, not a black box
    regular, bold = font.regular, font.bold
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    title = _fit_lines(drawable(text.event_title, regular), regular, 7.5, full, 2)
    top = _draw_lines(canvas, title, regular, 7.5, x + PAD, y + CARD_H - PAD + 2)
    canvas.setFillColorRGB(0, 0, 0)
    size, name = _shrink_to_fit(drawable(card.name, bold), bold, (15, 13, 11), full, 2)
    top = _draw_lines(canvas, name, bold, size, x + PAD, top - 4)
    draw_qr(canvas, card.ticket_url, x + CARD_W - PAD - QR_SIZE, y + PAD, QR_SIZE)
    side = full - QR_SIZE - 4 * mm
    agency = _fit_lines(drawable(card.agency, regular), regular, 9.5, side, 3)
    _draw_lines(canvas, agency, regular, 9.5, x + PAD, top - 4)
    # The date line, bottom up: it wraps or shrinks, never cut ("09.00 WIT…" reads as Papua).
    size, when = _shrink_to_fit(drawable(text.when, regular), regular, (7, 6.5, 6), side, 2)
    canvas.setFont(regular, size)
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    for index, line in enumerate(reversed(when)):
        canvas.drawString(x + PAD, y + PAD - 2 + index * size * 1.15, line)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(bold, 10)
    category = drawable(card.category.upper(), bold)
    canvas.drawString(x + PAD, y + PAD + len(when) * size * 1.15 + 3, category)


def ticket_sheet_pdf(text: SheetText, cards: Sequence[TicketCard]) -> bytes:
    """An A4 PDF of tickets that double as name badges, eight to a page, with cutting lines."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(text.event_title)
    canvas.setCreator("tracker")
    per_page = COLUMNS * ROWS
    for start in range(0, max(len(cards), 1), per_page):
        for index, card in enumerate(cards[start : start + per_page]):
            col, row = index % COLUMNS, index // COLUMNS
            x = MARGIN + col * CARD_W
            y = A4[1] - MARGIN - (row + 1) * CARD_H
            _draw_card(canvas, card, text, x, y)
        if text.footer:
            canvas.setFont("Helvetica", 6.5)
            canvas.setFillColorRGB(0.4, 0.4, 0.4)
            canvas.drawCentredString(A4[0] / 2, MARGIN / 2, text.footer)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- the door poster --------------------------------------------------------------------------


@dataclass(frozen=True)
class PosterText:
    organiser: str
    title: str
    when: str
    where: str
    call_to_action: str  # "Scan with your phone camera to check in"
    steps: list[str] = field(default_factory=list)
    valid: str = ""  # "This code works during check-in hours only: ..."
    reminder: str = ""  # the tumbler rule


def _centred_lines(
    canvas: Canvas, text: str, font: str, size: float, top: float, width: float
) -> float:
    canvas.setFont(font, size)
    for line in simpleSplit(text, font, size, width):
        top -= size * 1.25
        canvas.drawCentredString(A4[0] / 2, top, line)
    return top


def door_poster_pdf(text: PosterText, url: str) -> bytes:
    """An A4 poster for the door: the event, a large QR of ``url``, and how to use it."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(text.title)
    canvas.setCreator("tracker")
    width = A4[0] - 40 * mm
    top = A4[1] - 18 * mm
    top = _centred_lines(canvas, text.organiser, "Helvetica", 13, top, width)
    top = _centred_lines(canvas, text.title, "Helvetica-Bold", 26, top - 4 * mm, width)
    top = _centred_lines(canvas, text.when, "Helvetica", 13, top - 2 * mm, width)
    top = _centred_lines(canvas, text.where, "Helvetica", 13, top, width)
    top = _centred_lines(canvas, text.call_to_action, "Helvetica-Bold", 20, top - 6 * mm, width)
    size = min(125 * mm, top - 70 * mm)
    draw_qr(canvas, url, (A4[0] - size) / 2, top - 4 * mm - size, size)
    top -= size + 8 * mm
    for step in text.steps:
        top = _centred_lines(canvas, step, "Helvetica", 12, top, width)
    if text.reminder:
        top = _centred_lines(canvas, text.reminder, "Helvetica-Bold", 12, top - 3 * mm, width)
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    _centred_lines(canvas, text.valid, "Helvetica", 9, 22 * mm, width)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- the ticket links for a WhatsApp / e-mail merge -------------------------------------------


@dataclass(frozen=True)
class TicketLink:
    name: str
    agency: str
    phone: str | None  # E.164, +62...
    email: str | None
    ticket_url: str
    legal_basis: str = "public_service"


@dataclass(frozen=True)
class InvitationText:
    title: str
    when: str
    where: str
    organiser: str
    privacy_contact: str = ""

    @classmethod
    def for_event(cls, event: Any, when: str) -> InvitationText:
        """An Event's facts as an invitation names them; ``when`` is already written out in
        the reader's language."""
        return cls(
            title=event.title,
            when=when,
            where=event.where() or event.organiser_unit,
            organiser=event.organiser_unit,
            privacy_contact=event.privacy_contact,
        )


#: The invitation participants receive, in Indonesian by default whatever language the
#: organiser's screen is in: it goes to the participants, and the tumbler rule is Bali's
#: (Pergub Bali 97/2018; SE Sekda Provinsi Bali 2/2025). The ticket-links CSV and the messages
#: the app sends (tracker/messages) start from this one text; its placeholders are filled by
#: tracker.placeholders.
INVITATION = {
    "id": (
        "Yth. {name},\n"
        "Anda terdaftar sebagai peserta {title}, {when}, di {where}.\n"
        "Tiket Anda: {url}\n"
        "Tunjukkan kode QR pada tiket tersebut di pintu masuk (bisa dibuka tanpa internet "
        "setelah dibuka sekali).\n"
        "Mohon membawa tumbler/botol minum sendiri: kegiatan ini bebas plastik sekali pakai "
        "(Pergub Bali No. 97 Tahun 2018).\n"
        "Terima kasih.\n{organiser}"
    ),
    "en": (
        "Dear {name},\n"
        "You are registered for {title}, {when}, at {where}.\n"
        "Your ticket: {url}\n"
        "Show the QR code on that ticket at the door (it opens without internet once it has "
        "been opened).\n"
        "Please bring your own tumbler or water bottle: this event is free of single-use "
        "plastic (Pergub Bali No. 97 Tahun 2018).\n"
        "Thank you.\n{organiser}"
    ),
}
#: Kept for callers of the first version: the Indonesian invitation.
WHATSAPP_TEMPLATE = INVITATION["id"]

#: The personal-data notice that goes with every message (UU No. 27 Tahun 2022, PDP): who
#: processes the data, on which legal basis, and where the person sees, corrects or deletes it.
NOTICE = {
    "id": (
        "Pelindungan data pribadi: {organiser} memproses nama dan kontak Anda hanya untuk "
        "kegiatan ini, atas dasar {basis} (UU No. 27 Tahun 2022). Lihat, perbaiki atau minta "
        "hapus data Anda: {data_url}"
    ),
    "en": (
        "Personal data: {organiser} processes your name and contact details only for this "
        "event, on the basis of {basis} (UU No. 27 Tahun 2022). See, correct or ask us to "
        "delete your data: {data_url}"
    ),
}
NOTICE_CONTACT = {"id": " Kontak: {contact}.", "en": " Contact: {contact}."}
#: UU PDP art. 20(2): (a) consent; (e) a public body's duty and powers under the law.
LEGAL_BASIS_TEXT = {
    "id": {
        "public_service": "pelaksanaan tugas dan kewenangan instansi penyelenggara "
        "(Pasal 20 ayat (2) huruf e)",
        "consent": "persetujuan Anda (Pasal 20 ayat (2) huruf a)",
    },
    "en": {
        "public_service": "the organising agency's public duty (art. 20(2)(e))",
        "consent": "your consent (art. 20(2)(a))",
    },
}


@dataclass(frozen=True)
class Notice:
    organiser: str
    legal_basis: str  # public_service or consent
    contact: str = ""


def personal_data_notice(notice: Notice, data_url: str, language: str = "id") -> str:
    """The notice in ``language`` (id or en), with the person's own data page."""
    bases = LEGAL_BASIS_TEXT[language]
    text = NOTICE[language].format(
        organiser=notice.organiser,
        basis=bases.get(notice.legal_basis, bases["public_service"]),
        data_url=data_url,
    )
    if notice.contact:
        text += NOTICE_CONTACT[language].format(contact=notice.contact)
    return text


LINK_HEADER = (
    "name",
    "agency",
    "phone",
    "email",
    "ticket_url",
    "whatsapp_message",
    "whatsapp_link",
)


def invitation_values(link: TicketLink, text: InvitationText) -> dict[str, str]:
    """What the invitation's placeholders stand for, for one person."""
    return {
        "name": link.name,
        "agency": link.agency,
        "title": text.title,
        "when": text.when,
        "where": text.where,
        "url": link.ticket_url,
        "organiser": text.organiser,
    }


def whatsapp_message(link: TicketLink, text: InvitationText) -> str:
    """The Indonesian invitation with the personal-data notice under it."""
    notice = Notice(text.organiser, link.legal_basis, text.privacy_contact)
    body = fill(INVITATION["id"], invitation_values(link, text))
    return body + "\n\n" + personal_data_notice(notice, link.ticket_url + "/data")


def wa_me_link(number: str, message: str) -> str:
    """A link that opens WhatsApp with the message ready to send to ``number`` (digits only):
    needs no account with any provider, the sender taps Send."""
    return f"https://wa.me/{number}?text={quote(message)}"


def whatsapp_number(phone: str | None) -> str:
    """Digits only, country code first (6281234567890): what wa.me and merge tools expect.

    It also keeps the cell from starting with ``+``, which a spreadsheet would read as a formula.
    """
    return "".join(ch for ch in phone or "" if ch.isdigit())


def ticket_links_csv(
    links: Sequence[TicketLink], text: InvitationText, delimiter: str = ","
) -> bytes:
    """One row per participant: contact, ticket URL, a ready message and a wa.me link."""
    rows = []
    for link in links:
        message = whatsapp_message(link, text)
        number = whatsapp_number(link.phone)
        wa_link = wa_me_link(number, message) if number else ""
        rows.append(
            (link.name, link.agency, number, link.email or "", link.ticket_url, message, wa_link)
        )
    return csv_bytes(LINK_HEADER, rows, delimiter)
