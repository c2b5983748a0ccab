"""Register numbers from an office's pattern: pure functions."""

import pytest

from tracker.certificates.numbers import PatternError, check_pattern, format_number, uses_year


def test_the_office_pattern():
    pattern = "{seq:03}/SERT/DISKOMINFO-TBN/{year}"
    check_pattern(pattern)
    assert format_number(pattern, 7, 2026, 7) == "007/SERT/DISKOMINFO-TBN/2026"
    assert format_number(pattern, 1234, 2026, 7) == "1234/SERT/DISKOMINFO-TBN/2026"
    assert uses_year(pattern)


def test_roman_months_and_no_year():
    pattern = "{seq}/SERT/{roman_month}"
    check_pattern(pattern)
    assert format_number(pattern, 12, 2026, 7) == "12/SERT/VII"
    assert not uses_year(pattern)


@pytest.mark.parametrize(
    "pattern",
    ["SERT/{year}", "{seq}/{nomor}", "{seq:>99999}", "{year:04}/{seq}", "{seq!r}", "{seq", "{}"],
)
def test_patterns_that_cannot_number_are_refused(pattern):
    with pytest.raises(PatternError):
        check_pattern(pattern)
