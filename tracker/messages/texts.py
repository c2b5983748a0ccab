"""The texts of messages: the defaults an organiser starts from, and one person's copy.

The defaults are participant-facing content in the language chosen for the message (Indonesian
unless the organiser picks English), not words of the organiser's screen, so both languages
are written here, as the door page's privacy notice is. The invitation is the ticket-links
CSV's own text (tracker.checkin.tickets.INVITATION). The personal-data notice is added under
every text when it is sent; the organiser cannot edit it away.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.checkin.tickets import INVITATION, Notice, personal_data_notice
from tracker.messages.models import MessageKind
from tracker.placeholders import fill

#: The placeholders every message may use; a certificate message also has {certificate_url}.
COMMON_PLACEHOLDERS = ("name", "agency", "title", "when", "where", "url", "organiser")
CERTIFICATE_PLACEHOLDERS = (*COMMON_PLACEHOLDERS, "certificate_url")

#: The tumbler rule, as the reminder states it (Pergub Bali 97/2018; SE Sekda Bali 2/2025).
TUMBLER = {
    "id": "Mohon membawa tumbler/botol minum sendiri: kegiatan ini bebas plastik sekali pakai "
    "(Pergub Bali No. 97 Tahun 2018). Air minum isi ulang tersedia di lokasi.",
    "en": "Please bring your own tumbler or water bottle: this event is free of single-use "
    "plastic (Pergub Bali No. 97 Tahun 2018). Drinking water refills are available.",
}

SUBJECTS = {
    MessageKind.INVITATION: {"id": "Undangan: {title}", "en": "Invitation: {title}"},
    MessageKind.REMINDER: {"id": "Pengingat: {title}", "en": "Reminder: {title}"},
    MessageKind.CERTIFICATE: {"id": "Sertifikat: {title}", "en": "Certificate: {title}"},
}

BODIES = {
    MessageKind.INVITATION: INVITATION,
    MessageKind.REMINDER: {
        "id": "Yth. {name},\n"
        "Kami mengingatkan bahwa {title} akan dilaksanakan {when}, di {where}.\n"
        "Tiket Anda: {url}\n" + TUMBLER["id"] + "\nSampai jumpa.\n{organiser}",
        "en": "Dear {name},\n"
        "A reminder that {title} takes place {when}, at {where}.\n"
        "Your ticket: {url}\n" + TUMBLER["en"] + "\nSee you there.\n{organiser}",
    },
    MessageKind.CERTIFICATE: {
        "id": "Yth. {name},\n"
        "Terima kasih telah mengikuti {title}. Sertifikat Anda dapat diunduh di:\n"
        "{certificate_url}\n"
        "Keaslian sertifikat dapat diperiksa dengan memindai kode QR pada sertifikat.\n"
        "{organiser}",
        "en": "Dear {name},\n"
        "Thank you for taking part in {title}. Download your certificate here:\n"
        "{certificate_url}\n"
        "Anyone can check the certificate by scanning the QR code on it.\n"
        "{organiser}",
    },
}


def placeholders_for(kind: str) -> tuple[str, ...]:
    return CERTIFICATE_PLACEHOLDERS if kind == MessageKind.CERTIFICATE else COMMON_PLACEHOLDERS


def default_text(kind: str, language: str) -> tuple[str, str]:
    """The default (subject, body) of a kind of message in ``language``."""
    kind = MessageKind(kind)
    return SUBJECTS[kind][language], BODIES[kind][language]


@dataclass(frozen=True)
class Copy:
    """One person's message, filled in and with the notice under it."""

    subject: str
    text: str


def personal_copy(
    subject: str,
    body: str,
    values: dict[str, str],
    notice: Notice,
    data_url: str,
    language: str,
) -> Copy:
    """Fill the subject and the body for one person. Raises PlaceholderError (the texts were
    checked when the message was written, so only a bug gets here)."""
    text = fill(body, values).strip()
    return Copy(
        subject=fill(subject, values).strip(),
        text=text + "\n\n" + personal_data_notice(notice, data_url, language),
    )
