"""Numbers as the summary's formats write them. Pure: Babel's CLDR data only.

Indonesian writes 4,2 kg and 20.000 peserta; English 4.2 kg and 20,000.
"""

from __future__ import annotations

from babel.numbers import format_decimal


def number(value: float | int, lang: str) -> str:
    """At most two decimals, the language's separators: 1.234,5 (id), 1,234.5 (en)."""
    return format_decimal(round(value, 2), format="#,##0.##", locale=lang)


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def percent_text(value: float | int | None) -> str:
    return "–" if value is None else f"{round(value)}%"
