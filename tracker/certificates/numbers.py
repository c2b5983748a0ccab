"""Register numbers as an office writes them: ``{seq:03}/SERT/DISKOMINFO-TBN/{year}``.

Pure functions. A pattern has ``{seq}`` (optionally zero-padded: ``{seq:03}``), and may have
``{year}``, ``{month}`` (07) and ``{roman_month}`` (VII, as Indonesian letters number months).
Anything else in braces is refused when the pattern is saved, not when a number is printed.
"""

from __future__ import annotations

import re
import string

from tracker.placeholders import PlaceholderError, placeholders_in

DEFAULT_PATTERN = "{seq:03}/SERT/{year}"
FIELDS = ("seq", "year", "month", "roman_month")
MAX_LENGTH = 200
_SEQ_SPEC = re.compile(r"^(0?[1-9])?$")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


class PatternError(ValueError):
    """The pattern cannot number certificates; ``str()`` says why."""


def check_pattern(pattern: str) -> None:
    """Raises PatternError for a pattern without {seq}, with an unknown field or a format
    other than a zero-padded width up to 9."""
    try:
        names = placeholders_in(pattern)
    except PlaceholderError as exc:
        raise PatternError(str(exc)) from None
    if "seq" not in names:
        raise PatternError("the pattern needs {seq}, the running number")
    for _literal, name, spec, conversion in string.Formatter().parse(pattern):
        if name is None:
            continue
        if name not in FIELDS:
            raise PatternError(f"{{{name}}} is not a field; use {{seq}}, {{year}}, {{month}}")
        if conversion or (spec and (name != "seq" or not _SEQ_SPEC.match(spec))):
            raise PatternError(f"{{{name}:{spec}}}: only {{seq:03}}-style widths are allowed")
    if len(format_number(pattern, 1, 2026, 12)) > MAX_LENGTH:
        raise PatternError(f"numbers longer than {MAX_LENGTH} characters")


def uses_year(pattern: str) -> bool:
    """Whether the running number starts again each year (the pattern names the year)."""
    return "year" in placeholders_in(pattern)


def format_number(pattern: str, seq: int, year: int, month: int) -> str:
    return pattern.format(seq=seq, year=year, month=f"{month:02d}", roman_month=_ROMAN[month - 1])
