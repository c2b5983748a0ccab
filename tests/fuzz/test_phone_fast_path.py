"""The importer's short way for Indonesian mobile numbers gives what phonenumbers' full parse
gives: the same E.164 number for every number it takes, and it takes nothing invalid (a number
it does not take goes through the full parse, so the outcome is the parse's either way)."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.profiles import examples
from tracker.contact import ContactError, _indonesian_mobile, _parsed_phone, normalise_phone

PREFIXES = ["+62", "0", "62", "+620", "+628", "08", "8", "+6", "+1", "00", "+", ""]


def _full(text: str) -> str | None:
    """normalise_phone without the short way: the written-down rule."""
    try:
        return _parsed_phone(text, text, "ID")
    except ContactError:
        return None


# Digits shaped like the numbers on real lists, and near misses: too short or long, 80x (not
# mobile), 84x, non-ASCII digits.
_digits = st.text(alphabet="0123456789", min_size=0, max_size=15)
_numbers = st.builds(
    lambda prefix, body, extra: prefix + body + extra,
    st.sampled_from(PREFIXES),
    _digits,
    st.sampled_from(["", "", "", "\u0663", " 12"]),
)


@examples(400)
@given(_numbers)
def test_short_way_agrees_with_the_full_parse(digits: str) -> None:
    short = _indonesian_mobile(digits)
    if short is not None:
        assert short == _full(digits)
        number = phonenumbers.parse(short, None)
        assert phonenumbers.number_type(number) in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("81234567890", "+6281234567890"),  # Excel ate the 0
        ("0361 222333", "+62361222333"),  # a Denpasar office line: the full parse
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_numbers_as_written_on_lists(written: str, expected: str) -> None:
    assert normalise_phone(written) == expected


@pytest.mark.parametrize("written", ["0800 123", "081", "08123456789012345", "0809 1234 5678"])
def test_invalid_numbers_are_refused_either_way(written: str) -> None:
    with pytest.raises(ContactError):
        normalise_phone(written)
