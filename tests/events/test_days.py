"""The days an event runs on: local dates, and an evening past midnight is one day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.clock import WITA, wita
from tracker.events.days import event_dates


def _dates(start: datetime, hours: float, tz: str = "Asia/Makassar") -> list[date]:
    return event_dates(start, start + timedelta(hours=hours), tz)


TUESDAY, WEDNESDAY, THURSDAY = date(2026, 7, 21), date(2026, 7, 22), date(2026, 7, 23)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (wita(2026, 7, 21, 9), 7, [TUESDAY]),  # a working day
        (wita(2026, 7, 21, 19), 6, [TUESDAY]),  # an evening to 01:00: one day, not two
        (wita(2026, 7, 21, 23), 0, [TUESDAY]),  # ends when it starts
        (wita(2026, 7, 21, 20), 9, [TUESDAY]),  # to 05:00: still the night of Tuesday
        (wita(2026, 7, 21, 20), 10, [TUESDAY, WEDNESDAY]),  # to 06:00: Wednesday has begun
        (wita(2026, 7, 21, 9), 31, [TUESDAY, WEDNESDAY]),  # a two-day training, to Wed 16:00
        (wita(2026, 7, 21, 8), 56, [TUESDAY, WEDNESDAY, THURSDAY]),  # three days, to Thu 16:00
    ],
)
def test_days_are_local_dates_and_the_night_belongs_to_the_day_before(start, hours, expected):
    assert _dates(start, hours) == expected


def test_days_are_counted_in_the_events_own_zone():
    start = datetime(2026, 7, 21, 22, 0, tzinfo=WITA)  # 23:00 in Jayapura (WIT), 21:00 in Jakarta
    assert _dates(start, 3, "Asia/Jakarta") == [TUESDAY]  # 21:00 to 00:00 WIB
    assert _dates(start, 3, "Asia/Jayapura") == [TUESDAY]  # 23:00 to 02:00 WIT: the night
    assert _dates(start, 9, "Asia/Jayapura") == [TUESDAY, WEDNESDAY]  # to 08:00 WIT
