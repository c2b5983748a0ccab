"""What staff measure and enter for the sustainability figures: waste weighed by stream, the
refill water served, and the bottles-per-participant assumption. Every change is audited.

The figures themselves (tumbler rate, bottles avoided, ...) are tracker.summaries.sustainability:
they also read the check-ins, which are not compliance's.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import audit
from tracker.compliance.models import EventSustainability, WasteEntry, WasteStream
from tracker.errors import NotFound, ValidationFailed
from tracker.events.models import Event
from tracker.extensions import db

DEFAULT_BOTTLES_PER_PARTICIPANT = 2.0
MAX_KG_PER_ENTRY = Decimal(100_000)
MAX_LITRES = 10_000_000
MAX_BOTTLES = 50


def settings_for(event: Event) -> EventSustainability:
    """The event's entered figures; an unsaved default row when nothing was entered yet."""
    row = db.session.get(EventSustainability, event.id)
    return row or EventSustainability(
        event_id=event.id, bottles_per_participant=DEFAULT_BOTTLES_PER_PARTICIPANT
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
