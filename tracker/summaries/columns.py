"""The columns of the participant list and of the report's event table, shared by the XLSX
and the CSV so that both files read the same way. Pure: no Flask."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from babel.dates import format_date

from tracker.summaries.data import Labels, PresenceColumns


def participant_columns(zone_label: str, labels: Labels) -> list[str]:
    return [
        "No.",
        labels["Name"],
        labels["Agency"],
        labels["Position"],
        labels["Category"],
        labels["Checked in"],
        f"{labels['Check-in time']} ({zone_label})",
        labels["Method"],
        labels["Gate"],
        labels["Tumbler"],
    ]


def short_day(day: date, labels: Labels) -> str:
    """ "Sel, 21 Jul" (Indonesian) or "Tue, 21 Jul" (English)."""
    return format_date(day, "EEE, d MMM", locale=labels.lang)


def presence_header(extra: PresenceColumns, zone_label: str, labels: Labels) -> list[str]:
    """The headings ``presence_cells`` fills, after the participant columns: "Hari ke-1 (Sel,
    21 Jul) (WITA)" per day and the days present (a multi-day event), "Sesi 1: <title>" per
    session, the sessions attended and JP (an agenda), then "completed". Nothing when
    ``extra`` is empty."""
    if not extra:
        return []
    head = [
        f"{labels.format('Day %(n)d', n=n)} ({short_day(day, labels)}) ({zone_label})"
        for n, day in enumerate(extra.days, start=1)
    ]
    if extra.days:
        head.append(labels["Days present"])
    for n, session in enumerate(extra.sessions, start=1):
        when = f" ({short_day(session.day, labels)})" if extra.days else ""
        head.append(f"{labels['Session']} {n}{when}: {session.title}")
    if extra.sessions:
        head += [labels["Sessions attended"], "JP"]
    return [*head, labels["Completed"]]


def presence_cells(
    extra: PresenceColumns,
    participant_id: int,
    clock: Callable[[datetime], Any],
    yes: Any,
    no: Any,
) -> list[Any]:
    """One person's cells under ``presence_header``: per day the day's first entry as
    ``clock`` writes it (None when absent that day), per session ``yes`` or None, counts as
    numbers, ``yes`` or ``no`` for completed. The rules are tracker.checkin.presence's."""
    if not extra:
        return []
    person = extra.people.get(participant_id)
    days = person.days if person else {}
    cells: list[Any] = [clock(days[d][0]) if d in days else None for d in extra.days]
    if extra.days:  # the filled day cells: a day no longer the event's is not counted
        cells.append(sum(cell is not None for cell in cells))
    attended = person.sessions if person else set()
    cells += [yes if s.id in attended else None for s in extra.sessions]
    if extra.sessions:
        cells += [len(attended), person.jp if person else 0]
    return [*cells, yes if person and person.completed else no]


def report_columns(labels: Labels) -> list[str]:
    return [
        labels["Date"],
        labels["Event"],
        labels["Organiser unit"],
        labels["Registered"],
        labels["Checked in"],
        labels["Walk-ins"],
        labels["Agencies"],
        labels["Tumbler: yes"],
        labels["Tumbler rate"] + " (%)",
        labels["Compliance score"] + " (%)",
    ]
