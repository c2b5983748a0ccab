"""The suite's clock: named moments, so that no test depends on the hour it runs at.

Every test runs with the clock moved to ``TUESDAY_NINE`` (the ``clock`` fixture in
tests/conftest.py, time-machine with the clock ticking on from there), so views and services
that read ``utcnow()`` see a known moment. A test that needs another moment says which one:
``clock.move_to(TUESDAY_LATE)``, or passes ``now=`` to the factories and services. Tests whose
servers run in another process (gunicorn in the kill test) cannot be moved and are marked
``wall_clock``; they build their events around the real time, and CI runs the suite once more
under a clock set to 15:30 UTC (23:30 WITA), when a day ends in Bali but not in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

WITA = ZoneInfo("Asia/Makassar")


def wita(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment given in Bali's local time, as a UTC datetime (how the database stores it)."""
    return datetime(year, month, day, hour, minute, tzinfo=WITA).astimezone(UTC)


#: Tuesday 21 July 2026, 09:00 WITA: the training of the brief opens its doors.
TUESDAY_NINE = wita(2026, 7, 21, 9)
#: The same Tuesday, 08:30 WITA: the first participants arrive.
TUESDAY_EIGHT_THIRTY = wita(2026, 7, 21, 8, 30)
#: The same Tuesday, 23:30 WITA (15:30 UTC): late evening in Bali, still afternoon in UTC.
TUESDAY_LATE = wita(2026, 7, 21, 23, 30)
#: Wednesday 22 July 2026, 09:00 WITA: the second day of a two-day training.
WEDNESDAY_NINE = wita(2026, 7, 22, 9)
