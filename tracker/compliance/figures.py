"""An event's sustainability figures, computed in one place so every page, the API and the
post-event summary report the same numbers, each with the assumption it rests on.

- Tumbler rate: check-ins that answered "brought a tumbler: yes" / everyone checked in.
  "Unknown" is a check-in where nobody asked (or the answer was skipped).
- Single-use bottles avoided: an estimate, tumbler-yes × bottles per participant per day ×
  event days. The bottles figure is the event's assumption (default 2), shown beside it.
- Waste: kilograms by stream as weighed by staff; several weighings of a stream add up.
- Refill water: litres, as entered by staff.
- Compliance: the score of all the event's checklists together (see services.Score).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import audit
from tracker.checkin.models import CheckIn
from tracker.compliance.models import (
    ChecklistItem,
    EventChecklist,
    EventSustainability,
    WasteEntry,
    WasteStream,
)
from tracker.errors import NotFound, ValidationFailed
from tracker.events.days import event_dates
from tracker.events.models import Event
from tracker.extensions import db

DEFAULT_BOTTLES_PER_PARTICIPANT = 2.0
MAX_KG_PER_ENTRY = Decimal(100_000)
MAX_LITRES = 10_000_000
MAX_BOTTLES = 50


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
    days: int

    @property
    def estimate(self) -> float:
        return self.tumbler_yes * self.bottles_per_participant * self.days


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
    compliance: Any  # services.Score over all the event's checklists


def assumptions(figures: Sustainability) -> dict[str, str]:
    """What each figure rests on, in the page's language: shown beside the numbers."""
    bottles = figures.bottles_avoided
    return {
        "tumbler": _(
            'Checked-in participants who answered yes to "did you bring a tumbler?" at the '
            "door, out of everyone checked in. Unknown: checked in without an answer."
        ),
        "bottles_avoided": _(
            "An estimate: %(yes)d participants with a tumbler × %(bottles)s single-use bottles "
            "per participant per day × %(days)d day(s).",
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


def settings_for(event: Event) -> EventSustainability:
    """The event's entered figures; an unsaved default row when nothing was entered yet."""
    row = db.session.get(EventSustainability, event.id)
    return row or EventSustainability(
        event_id=event.id, bottles_per_participant=DEFAULT_BOTTLES_PER_PARTICIPANT
    )


def tumbler_figures(event: Event) -> TumblerFigures:
    rows = db.session.execute(
        select(CheckIn.brought_tumbler, func.count())
        .where(CheckIn.event_id == event.id)
        .group_by(CheckIn.brought_tumbler)
    )
    counts = {answer: count for answer, count in rows}
    yes, no, unknown = counts.get(True, 0), counts.get(False, 0), counts.get(None, 0)
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


def event_items(event: Event) -> list[ChecklistItem]:
    return list(
        db.session.scalars(
            select(ChecklistItem)
            .join(EventChecklist)
            .where(EventChecklist.event_id == event.id)
            .order_by(EventChecklist.id, ChecklistItem.position)
        ).unique()
    )


def sustainability(event: Event) -> Sustainability:
    """Every figure of the event, as of now."""
    from tracker.compliance.services import score_items  # services imports this module

    settings = settings_for(event)
    tumbler = tumbler_figures(event)
    return Sustainability(
        event_id=event.id,
        tumbler=tumbler,
        bottles_avoided=BottlesAvoided(
            tumbler_yes=tumbler.yes,
            bottles_per_participant=float(settings.bottles_per_participant),
            days=event_days(event),
        ),
        waste=waste_figures(event),
        refill_litres=settings.refill_litres,
        compliance=score_items(event_items(event)),
    )


def _decimal(raw: Any, field: str) -> Decimal:
    text = str(raw).strip().replace(",", ".") if raw is not None else ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(_("Give a number."), {field: _("Not a number.")}) from None
    if not number.is_finite():
        raise ValidationFailed(_("Give a number."), {field: _("Not a number.")})
    return number


def record_waste(
    event: Event, stream: str, kg: Any, actor: Any, now: datetime, note: str = ""
) -> WasteEntry:
    """Add one weighing. ``kg`` may be "2,5" (decimal comma). Raises ValidationFailed."""
    if stream not in {s.value for s in WasteStream}:
        raise ValidationFailed(
            _("Stream must be organic, inorganic, residue or recyclable."),
            {"stream": _("Unknown stream.")},
        )
    amount = _decimal(kg, "kg")
    grams = int((amount * 1000).to_integral_value())
    if grams <= 0 or amount > MAX_KG_PER_ENTRY:
        raise ValidationFailed(_("Give the weight in kg, more than 0."), {"kg": _("Out of range.")})
    entry = WasteEntry(
        event_id=event.id,
        stream=stream,
        grams=grams,
        note=(note or "").strip()[:200],
        recorded_at=now,
        recorded_by_id=getattr(actor, "id", None),
        recorded_by_label=getattr(actor, "name", "") or getattr(actor, "email", "") or "",
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "sustainability.waste",
        now=now,
        actor=actor,
        event_id=event.id,
        subject_type="waste_entry",
        subject_id=entry.id,
        details={"stream": stream, "grams": grams},
    )
    return entry


def list_waste(event: Event) -> list[WasteEntry]:
    return list(
        db.session.scalars(
            select(WasteEntry)
            .where(WasteEntry.event_id == event.id)
            .order_by(WasteEntry.recorded_at.desc(), WasteEntry.id.desc())
        )
    )


def delete_waste(event: Event, entry_id: int, actor: Any, now: datetime) -> None:
    """Remove a mistaken weighing; the audit log keeps what it was. Raises NotFound."""
    entry = db.session.get(WasteEntry, entry_id)
    if entry is None or entry.event_id != event.id:
        raise NotFound(_("No such waste entry."))
    details = {
        "stream": entry.stream,
        "grams": entry.grams,
        "recorded_by": entry.recorded_by_label,
        "recorded_at": entry.recorded_at.isoformat(),
    }
    db.session.delete(entry)
    db.session.flush()
    audit.record(
        "sustainability.waste_delete",
        now=now,
        actor=actor,
        event_id=event.id,
        subject_type="waste_entry",
        subject_id=entry_id,
        details=details,
    )


_KEEP: Any = object()


def update_settings(
    event: Event,
    actor: Any,
    now: datetime,
    *,
    refill_litres: Any = _KEEP,
    bottles_per_participant: Any = _KEEP,
) -> EventSustainability:
    """Set the refill litres (None clears it) and/or the bottles assumption.

    Raises ValidationFailed.
    """
    row = settings_for(event)
    before = {
        "refill_litres": row.refill_litres,
        "bottles_per_participant": row.bottles_per_participant,
    }
    if refill_litres is not _KEEP:
        row.refill_litres = _litres(refill_litres)
    if bottles_per_participant is not _KEEP:
        row.bottles_per_participant = _bottles(bottles_per_participant)
    after = {
        "refill_litres": row.refill_litres,
        "bottles_per_participant": row.bottles_per_participant,
    }
    if after == before and db.session.get(EventSustainability, event.id) is not None:
        return row
    row.updated_at, row.updated_by_id = now, getattr(actor, "id", None)
    db.session.add(row)
    db.session.flush()
    audit.record(
        "sustainability.settings",
        now=now,
        actor=actor,
        event_id=event.id,
        subject_type="event",
        subject_id=event.id,
        details={"before": before, "after": after},
    )
    return row


def _litres(raw: Any) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = _decimal(raw, "refill_litres")
    if not 0 <= value <= MAX_LITRES:
        raise ValidationFailed(
            _("Litres cannot be negative."), {"refill_litres": _("Out of range.")}
        )
    return float(value)


def _bottles(raw: Any) -> float:
    value = _decimal(raw, "bottles_per_participant")
    if not 0 <= value <= MAX_BOTTLES:
        raise ValidationFailed(
            _("Give bottles per participant per day, from 0 to %(n)d.", n=MAX_BOTTLES),
            {"bottles_per_participant": _("Out of range.")},
        )
    return float(value)
