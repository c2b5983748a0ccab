"""What a certificate says, in its own language (Indonesian unless the organiser picks English):
the defaults an organiser starts from, the fixed words, dates and JP written out.

Participant-facing content in the certificate's language, not words of the organiser's screen,
so both languages are here (as the messages' texts are). Pure functions, no Flask.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

PLACEHOLDERS = ("name", "agency", "role", "event", "dates", "jp", "organiser")

DEFAULTS = {
    "id": {
        "title": "SERTIFIKAT",
        "body": "Atas partisipasinya sebagai {role} dalam {event} yang diselenggarakan oleh "
        "{organiser} pada {dates}, dengan jumlah {jp} jam pelajaran (JP).",
    },
    "en": {
        "title": "CERTIFICATE",
        "body": "For taking part as {role} in {event}, held by {organiser} on {dates}, "
        "totalling {jp} training hours (JP).",
    },
}

WORDS = {
    "id": {
        "number": "Nomor",
        "given_to": "diberikan kepada",
        "nip": "NIP",
        "verify": "Pindai untuk memeriksa keaslian sertifikat",
        "signed": "Ditandatangani secara elektronik",
    },
    "en": {
        "number": "No.",
        "given_to": "is awarded to",
        "nip": "NIP",
        "verify": "Scan to check this certificate",
        "signed": "Signed electronically",
    },
}

ROLES = {
    "id": {
        "participant": "Peserta",
        "speaker": "Narasumber",
        "committee": "Panitia",
        "press": "Media",
    },
    "en": {
        "participant": "Participant",
        "speaker": "Speaker",
        "committee": "Committee member",
        "press": "Press",
    },
}

_LOCALES = {"id": "id_ID", "en": "en_GB"}


def long_date(day: date, language: str) -> str:
    """24 Juli 2026 / 24 July 2026."""
    return format_date(day, "d MMMM y", locale=_LOCALES[language])


def date_range(first: date, last: date, language: str) -> str:
    """21 Juli 2026; 21–23 Juli 2026; 30 Juli – 1 Agustus 2026; across years in full."""
    locale = _LOCALES[language]
    if first == last:
        return long_date(first, language)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{long_date(last, language)}"
    if first.year == last.year:
        return f"{format_date(first, 'd MMMM', locale=locale)} – {long_date(last, language)}"
    return f"{long_date(first, language)} – {long_date(last, language)}"


def jp_text(jp: Decimal, language: str) -> str:
    """32 / 2,5 (Indonesian decimal comma)."""
    return format_decimal(jp, format="#,##0.#", locale=_LOCALES[language])


def role(category: str, language: str) -> str:
    return ROLES[language].get(category, category)
