"""An event's sustainability figures, computed in one place so every page, the API and the
post-event summary report the same numbers, each with the assumption it rests on.

A summary, not a checklist: the figures read the check-ins (tumbler answers, counted once, by
tracker.checkin.attendance) and what compliance staff enter (tracker.compliance.measurements)
and answer (the checklists' score). Compliance itself never reads check-ins.

- Tumbler rate: check-ins that answered "brought a tumbler: yes" / everyone checked in.
  "Unknown" is a check-in where nobody asked (or the answer was skipped).
- Single-use bottles avoided: an estimate, the days attended by people with a tumbler (each
  day, those present who said yes) × bottles per participant per day: a person who came on
  one day of three counts one day. The bottles figure is the event's assumption (default 2),
  shown beside it.
- Waste: kilograms by stream as weighed by staff; several weighings of a stream add up.
- Refill water: litres, as entered by staff.
- Compliance: the score of all the event's checklists together (see services.Score).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.checkin.attendance import methods_and_tumblers
from tracker.checkin.day_figures import tumbler_present_per_day
from tracker.compliance.measurements import settings_for
from tracker.compliance.models import WasteEntry, WasteStream
from tracker.compliance.services import Score, event_score
from tracker.events.days import event_dates
from tracker.events.models import Event
from tracker.extensions import db


@dataclass(frozen=True)
class TumblerFigures:
    checked_in: int
    yes: int
    no: int
    unknown: int

    @property
    def rate(self) -> float | None:
        """yes / checked in, 0.0-1.0; None before anyone is checked in."""
        return self.yes / self.checked_in if self.checked_in else None


@dataclass(frozen=True)
class BottlesAvoided:
    tumbler_yes: int
    bottles_per_participant: float
    #: The event's days (calendar, tracker.events.days).
    days: int
    #: Days attended by people with a tumbler, summed over the days; None: every one of
    #: them counted on every day (figures made without the days, e.g. in tests).
    tumbler_days: int | None = None

    @property
    def estimate(self) -> float:
        person_days = self.tumbler_days
        if person_days is None:
            person_days = self.tumbler_yes * self.days
        return person_days * self.bottles_per_participant


@dataclass(frozen=True)
class WasteFigures:
    #: Kilograms per stream, every stream present (0.0 when nothing was weighed).
    kg: dict[str, float]
    entries: int

    @property
    def total_kg(self) -> float:
        return round(sum(self.kg.values()), 3)


@dataclass(frozen=True)
class Sustainability:
    event_id: int
    tumbler: TumblerFigures
    bottles_avoided: BottlesAvoided
    waste: WasteFigures
    #: None until staff enter it.
    refill_litres: float | None
    #: The score of all the event's checklists together.
    compliance: Score


def assumptions(figures: Sustainability) -> dict[str, str]:
    """What each figure rests on, in the page's language: shown beside the numbers."""
    bottles = figures.bottles_avoided
    return {
        "tumbler": _(
            'Checked-in participants who answered yes to "did you bring a tumbler?" at the '
            "door, out of everyone checked in. Unknown: checked in without an answer."
        ),
        "bottles_avoided": _(
            "An estimate: %(person_days)d day(s) attended by the %(yes)d participants with a "
            "tumbler (each of the %(days)d day(s), those present) × %(bottles)s single-use "
            "bottles per participant per day.",
            person_days=(
                bottles.tumbler_days
                if bottles.tumbler_days is not None
                else bottles.tumbler_yes * bottles.days
            ),
            yes=bottles.tumbler_yes,
            bottles=f"{bottles.bottles_per_participant:g}",
            days=bottles.days,
        ),
        "waste": _("Weighed by staff, by stream; several weighings of one stream add up."),
        "refill_litres": _("Drinking water served from refill stations, entered by staff."),
        "compliance": _(
            "Required items compliant out of required items answered compliant or not "
            "compliant. Not applicable items are left out; unanswered (open) items are listed "
            "but not counted."
        ),
    }


def event_days(event: Event) -> int:
    """The days the event runs on (events/days.py: an evening past midnight is one day)."""
    return len(event_dates(event.starts_at, event.ends_at, event.timezone))


def tumbler_figures(answers: Mapping[str, int]) -> TumblerFigures:
    """From the check-ins' answers as attendance counts them (yes / no / unknown)."""
    yes, no, unknown = answers["yes"], answers["no"], answers["unknown"]
    return TumblerFigures(checked_in=yes + no + unknown, yes=yes, no=no, unknown=unknown)


def waste_figures(event: Event) -> WasteFigures:
    rows = db.session.execute(
        select(WasteEntry.stream, func.sum(WasteEntry.grams), func.count())
        .where(WasteEntry.event_id == event.id)
        .group_by(WasteEntry.stream)
    )
    kg = {stream.value: 0.0 for stream in WasteStream}
    entries = 0
    for stream, grams, count in rows:
        kg[stream] = int(grams) / 1000
        entries += count
    return WasteFigures(kg=kg, entries=entries)


def sustainability(event: Event, tumblers: Mapping[str, int] | None = None) -> Sustainability:
    """Every figure of the event, as of now. ``tumblers``: the tumbler answers of the event's
    attendance when the caller has them already (a summary); else they are counted here."""
    settings = settings_for(event)
    tumbler = tumbler_figures(tumblers if tumblers is not None else methods_and_tumblers(event)[1])
    return Sustainability(
        event_id=event.id,
        tumbler=tumbler,
        bottles_avoided=BottlesAvoided(
            tumbler_yes=tumbler.yes,
            bottles_per_participant=float(settings.bottles_per_participant),
            days=event_days(event),
            tumbler_days=sum(tumbler_present_per_day(event).values()),
        ),
        waste=waste_figures(event),
        refill_litres=settings.refill_litres,
        compliance=event_score(event),
    )
