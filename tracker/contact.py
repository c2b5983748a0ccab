"""Normalising the contact details people type: phone numbers and e-mail addresses, and the
civil servant's number (NIP) an attendance list carries.

Pure functions with no Flask import, shared by the forms, the API and the importer, so that one
person is one row whatever way their number was written (0812-3456-7890, 62812..., +62 812 ...).
"""

from __future__ import annotations

import re

import phonenumbers

#: Numbers written without a country code are read as Indonesian.
DEFAULT_REGION = "ID"

# Deliberately loose: the address is confirmed by use, not by a regex; this only rejects what
# cannot be an address at all (no @, spaces, no dot in the domain).
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: A NIP (Nomor Induk Pegawai, also a PPPK's number) has 18 digits; a NIK (Nomor Induk
#: Kependudukan, the national ID) has 16 and is never collected (UU PDP: the minimum).
NIP_DIGITS, NIK_DIGITS = 18, 16
#: How people write a NIP: 19800101 200501 1 001, with dots or dashes, or in one block.
_NIP_SEPARATORS = re.compile(r"[\s.\-]+")

_NOT_DIGIT_OR_PLUS = re.compile(r"[^\d+]")
# An Indonesian mobile number once written as +62 8... or 08...: by far the most common number
# on a participant list, checked here against phonenumbers' own metadata for Indonesia without
# its full parse (a third of a large import's time). Anything else takes the full parse.
_ID_META = phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)
_ID_MOBILE_SHAPE = re.compile(r"(?:\+62|0)(8[0-9]+)")  # ASCII digits only
_ID_MOBILE_RE = re.compile(_ID_META.mobile.national_number_pattern)
_ID_GENERAL_RE = re.compile(_ID_META.general_desc.national_number_pattern)
_ID_MOBILE_LENGTHS = frozenset(_ID_META.mobile.possible_length) & frozenset(
    _ID_META.general_desc.possible_length
)


class ContactError(ValueError):
    """A phone number or e-mail address that cannot be used; the message says why."""


class NipError(ValueError):
    """Not a NIP; ``is_nik`` when it has a NIK's 16 digits (the caller says so in words)."""

    def __init__(self, is_nik: bool) -> None:
        super().__init__("NIK, not a NIP" if is_nik else "not a NIP")
        self.is_nik = is_nik


def normalise_nip(raw: str | None) -> str:
    """The NIP's 18 digits without separators; empty when nothing was given.

    Raises NipError for anything else: 16 digits are a NIK, which must not be collected.
    """
    digits = _NIP_SEPARATORS.sub("", raw or "")
    if not digits:
        return ""
    plain = digits.isascii() and digits.isdigit()
    if plain and len(digits) == NIP_DIGITS:
        return digits
    raise NipError(is_nik=plain and len(digits) == NIK_DIGITS)


def format_nip(nip: str) -> str:
    """19800101 200501 1 001 (birth date, appointment, sex, number), as NIPs are printed;
    anything that is not 18 digits as it is."""
    if len(nip) != NIP_DIGITS or not nip.isdigit():
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def normalise_phone(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """Return the number in E.164 (``+6281234567890``), or None when nothing was given.

    Raises ContactError when the text is not a valid phone number. A leading ``62`` without
    ``+`` (as Indonesian spreadsheets often have it, or as Excel leaves it after eating the
    plus sign) is read as the country code.
    """
    text = (raw or "").strip()
    if not text:
        return None
    if isinstance(raw, float):  # pragma: no cover - guarded by callers passing text
        text = str(int(raw))
    digits = _NOT_DIGIT_OR_PLUS.sub("", text)
    if digits.startswith("62") and not digits.startswith("+"):
        digits = "+" + digits
    elif digits.startswith("8") and len(digits) >= 9:
        # Excel drops the leading zero of 0812... when the column is numeric.
        digits = "0" + digits
    if region == DEFAULT_REGION or digits.startswith("+62"):
        mobile = _indonesian_mobile(digits)
        if mobile is not None:
            return mobile
    return _parsed_phone(digits or text, text, region)


def _indonesian_mobile(digits: str) -> str | None:
    """``+62`` and the national number when ``digits`` is a valid Indonesian mobile number
    (as phonenumbers would parse and validate it, with the metadata it validates by), else
    None: the caller then parses it fully."""
    shape = _ID_MOBILE_SHAPE.fullmatch(digits)
    if shape is None:
        return None
    national = shape.group(1)
    if (
        len(national) in _ID_MOBILE_LENGTHS
        and _ID_MOBILE_RE.fullmatch(national)
        and _ID_GENERAL_RE.fullmatch(national)
    ):
        return "+62" + national
    return None


def _parsed_phone(digits: str, text: str, region: str) -> str:
    """The number in E.164 by phonenumbers' full parse; raises ContactError."""
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException as exc:
        raise ContactError(f"not a phone number: {text!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise ContactError(f"not a valid phone number: {text!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str | None) -> str | None:
    """Return the address trimmed and lower-cased, or None when nothing was given.

    Raises ContactError when the text cannot be an e-mail address.
    """
    text = (raw or "").strip().lower()
    if not text:
        return None
    if len(text) > 254 or not _EMAIL_RE.match(text):
        raise ContactError(f"not an e-mail address: {text!r}")
    return text
