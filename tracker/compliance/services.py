"""An event's checklists: attaching a template, answering items with evidence, signing off.

Every change to an answer, every photo, every sign-off and reopening is written to the audit
log with what it was before. A signed-off checklist refuses every change (409,
``checklist_signed_off``) until an organiser reopens it.

Score: required items compliant / required items answered compliant or not compliant.
"Not applicable" leaves the item out. Unanswered required items are "open": they are left
out of the score too, but listed beside it, and sign-off is refused while any is open. So the
score says how the event did on what was checked; the open list says what was not checked.

Photos are in tracker.compliance.evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker import audit
from tracker.compliance.builtin import load_builtin_templates  # noqa: F401
from tracker.compliance.checklist_templates import get_template  # noqa: F401
from tracker.compliance.models import (
    AnswerType,
    ChecklistItem,
    EventChecklist,
    ItemStatus,
)
from tracker.errors import Conflict, NotFound, ValidationFailed
from tracker.events.models import Event
from tracker.extensions import db
from tracker.i18n import current_language

NOTE_MAX, VALUE_MAX, NAME_MAX = 2000, 500, 200
_STATUSES = frozenset(s.value for s in ItemStatus)


class ChecklistSignedOff(Conflict):
    code = "checklist_signed_off"


class ChecklistNotSignedOff(Conflict):
    code = "checklist_not_signed_off"


class AlreadyAttached(Conflict):
    code = "checklist_already_attached"


class EvidenceMissing(ValidationFailed):
    code = "evidence_required"


class RequiredItemsOpen(ValidationFailed):
    code = "required_items_open"


@dataclass(frozen=True)
class Score:
    """Counts over the required items, and the items a report must name."""

    compliant: int
    non_compliant: int
    not_applicable: int
    open: int
    #: Every item answered "not compliant", required or not.
    non_compliant_items: tuple[ChecklistItem, ...]
    #: Required items nobody has answered.
    open_items: tuple[ChecklistItem, ...]

    @property
    def applicable(self) -> int:
        return self.compliant + self.non_compliant

    @property
    def ratio(self) -> float | None:
        """0.0-1.0, or None when no required item has been answered either way."""
        return self.compliant / self.applicable if self.applicable else None

    @property
    def percent(self) -> int | None:
        return None if self.ratio is None else round(self.ratio * 100)


def score_items(items: Iterable[ChecklistItem]) -> Score:
    counts = {"compliant": 0, "non_compliant": 0, "not_applicable": 0, "open": 0}
    failed, open_items = [], []
    for item in items:
        if item.status == ItemStatus.NON_COMPLIANT:
            failed.append(item)
        if not item.template_item.required:
            continue
        if item.status is None:
            counts["open"] += 1
            open_items.append(item)
        else:
            counts[item.status] += 1
    return Score(**counts, non_compliant_items=tuple(failed), open_items=tuple(open_items))


def checklist_score(checklist: EventChecklist) -> Score:
    return score_items(checklist.items)


def event_score(event: Event) -> Score:
    """The score of all the event's checklists together."""
    items = db.session.scalars(
        select(ChecklistItem)
        .join(EventChecklist)
        .where(EventChecklist.event_id == event.id)
        .order_by(EventChecklist.id, ChecklistItem.position)
    ).unique()
    return score_items(items)


def list_checklists(event: Event) -> list[EventChecklist]:
    return list(
        db.session.scalars(
            select(EventChecklist)
            .where(EventChecklist.event_id == event.id)
            .order_by(EventChecklist.id)
        ).unique()
    )


def get_checklist(event: Event, checklist_id: int) -> EventChecklist:
    """Raises NotFound, also for another event's checklist."""
    checklist = db.session.get(EventChecklist, checklist_id)
    if checklist is None or checklist.event_id != event.id:
        raise NotFound(_("This event has no checklist %(id)s.", id=checklist_id))
    return checklist


def get_item(checklist: EventChecklist, item_id: int) -> ChecklistItem:
    """Raises NotFound, also for another checklist's item."""
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.checklist_id != checklist.id:
        raise NotFound(_("This checklist has no item %(id)s.", id=item_id))
    return item


def attach_template(event: Event, template_key: str, actor: Any, now: datetime) -> EventChecklist:
    """Attach the latest version of a template. Raises NotFound (key), AlreadyAttached."""
    template = get_template(template_key)
    exists = db.session.scalar(
        select(EventChecklist.id).where(
            EventChecklist.event_id == event.id, EventChecklist.template_key == template.key
        )
    )
    if exists is not None:
        raise _already_attached(template.key, exists)
    checklist = EventChecklist(
        event_id=event.id,
        template=template,
        template_key=template.key,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
        items=[
            ChecklistItem(template_item=item, position=item.position) for item in template.items
        ],
    )
    db.session.add(checklist)
    try:
        db.session.flush()
    except IntegrityError:  # attached at the same moment by someone else
        raise _already_attached(template.key, None) from None
    audit.record(
        "checklist.attach",
        now=now,
        actor=actor,
        event_id=event.id,
        subject_type="checklist",
        subject_id=checklist.id,
        details={"template_key": template.key, "version": template.version},
    )
    return checklist


def _already_attached(key: str, checklist_id: int | None) -> AlreadyAttached:
    return AlreadyAttached(
        _("This event already has the checklist %(key)s.", key=key), checklist_id=checklist_id
    )


def check_unlocked(checklist: EventChecklist) -> None:
    if checklist.is_signed_off:
        raise ChecklistSignedOff(
            _("This checklist was signed off and is locked. An organiser can reopen it.")
        )


def _clean_number(raw: str) -> str:
    """Read "1,5" as 1.5: Indonesian writes a decimal comma."""
    text = raw.replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(raw)
    number = Decimal(text)
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        raise ValueError(raw)
    return format(number.normalize(), "f") if number != number.to_integral() else str(int(number))


def clean_value(item: ChecklistItem, raw: Any) -> str:
    """The value as stored for the item's answer type. Raises ValidationFailed."""
    if raw is None:
        return ""
    text = str(raw).strip()
    answer_type = item.template_item.answer_type
    if not text:
        return ""
    if answer_type == AnswerType.NUMBER:
        try:
            return _clean_number(text)
        except (ValueError, InvalidOperation):
            unit = item.template_item.unit
            raise ValidationFailed(
                _("Give a number (in %(unit)s).", unit=unit) if unit else _("Give a number."),
                {"value": _("Not a number.")},
            ) from None
    if answer_type == AnswerType.YES_NO:
        if text.lower() not in ("yes", "no"):
            raise ValidationFailed(_("Answer yes or no."), {"value": _("Use yes or no.")})
        return text.lower()
    if len(text) > VALUE_MAX:
        raise ValidationFailed(_("The answer is too long."), {"value": _("Too long.")})
    return text


def check_evidence(item: ChecklistItem, status: str | None, note: str) -> None:
    """A "not compliant" answer needs the note and photo its template item demands."""
    if status != ItemStatus.NON_COMPLIANT:
        return
    missing = {}
    if item.template_item.note_on_fail and not note:
        missing["note"] = _("Say what was wrong.")
    if item.template_item.photo_on_fail and not item.photos:
        missing["photo"] = _("Add a photo as evidence.")
    if missing:
        raise EvidenceMissing(
            _('A "not compliant" answer to this item needs a note and/or a photo.'), missing
        )


def _new_answer(item: ChecklistItem, changes: Mapping[str, Any]) -> dict[str, Any]:
    answer = {"status": item.status, "value": item.value, "note": item.note}
    if "status" in changes:
        status = changes["status"] or None
        if status is not None and status not in _STATUSES:
            raise ValidationFailed(
                _("Status must be compliant, non_compliant or not_applicable."),
                {"status": _("Unknown status.")},
            )
        answer["status"] = status
    if "value" in changes:
        answer["value"] = clean_value(item, changes["value"])
    if "note" in changes:
        answer["note"] = (changes["note"] or "").strip()
        if len(answer["note"]) > NOTE_MAX:
            raise ValidationFailed(_("The note is too long."), {"note": _("Too long.")})
    return answer


def answer_item(
    item: ChecklistItem, changes: Mapping[str, Any], actor: Any, now: datetime
) -> ChecklistItem:
    """Apply ``changes`` (any of status, value, note; status None reopens the item).

    Raises ChecklistSignedOff, ValidationFailed (bad value), EvidenceMissing.
    """
    checklist = item.checklist
    check_unlocked(checklist)
    before = {"status": item.status, "value": item.value, "note": item.note}
    after = _new_answer(item, changes)
    check_evidence(item, after["status"], after["note"])
    changed = {k for k in after if after[k] != before[k]}
    if not changed:
        return item
    item.status, item.value, item.note = after["status"], after["value"], after["note"]
    item.updated_at, item.updated_by_id = now, getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "checklist.item",
        now=now,
        actor=actor,
        event_id=checklist.event_id,
        subject_type="checklist_item",
        subject_id=item.id,
        details={
            "checklist_id": checklist.id,
            "before": {k: before[k] for k in sorted(changed)},
            "after": {k: after[k] for k in sorted(changed)},
        },
    )
    return item


def sign_off(
    checklist: EventChecklist, name: str, position: str, actor: Any, now: datetime
) -> EventChecklist:
    """Lock the checklist under a responsible person's name and position.

    Raises ChecklistSignedOff (already), ValidationFailed (name or position missing),
    RequiredItemsOpen (with ``open_items``: the ids and texts of the unanswered required items).
    """
    check_unlocked(checklist)
    name, position = (name or "").strip(), (position or "").strip()
    errors = {}
    if not name or len(name) > NAME_MAX:
        errors["name"] = _("Give the name of the person signing.")
    if not position or len(position) > NAME_MAX:
        errors["position"] = _("Give their position.")
    if errors:
        raise ValidationFailed(_("Who signs this checklist off?"), errors)
    score = checklist_score(checklist)
    if score.open_items:
        raise RequiredItemsOpen(
            _("%(n)d required items are not answered yet.", n=len(score.open_items)),
            {"items": [item.id for item in score.open_items]},
            open_items=[
                {"id": item.id, "text": item.template_item.text_in(current_language())}
                for item in score.open_items
            ],
        )
    checklist.signed_off_at, checklist.signed_off_by_id = now, getattr(actor, "id", None)
    checklist.signed_off_name, checklist.signed_off_position = name, position
    db.session.flush()
    audit.record(
        "checklist.sign_off",
        now=now,
        actor=actor,
        event_id=checklist.event_id,
        subject_type="checklist",
        subject_id=checklist.id,
        details={
            "name": name,
            "position": position,
            "compliant": score.compliant,
            "applicable": score.applicable,
        },
    )
    return checklist


def reopen(checklist: EventChecklist, actor: Any, now: datetime, reason: str = "") -> None:
    """Unlock a signed-off checklist; the sign-off it had is kept in the audit log.

    Raises ChecklistNotSignedOff.
    """
    if not checklist.is_signed_off:
        raise ChecklistNotSignedOff(_("This checklist is not signed off."))
    before = {
        "signed_off_at": checklist.signed_off_at.isoformat(),  # type: ignore[union-attr]
        "name": checklist.signed_off_name,
        "position": checklist.signed_off_position,
        "signed_off_by_id": checklist.signed_off_by_id,
    }
    checklist.signed_off_at = checklist.signed_off_by_id = None
    checklist.signed_off_name = checklist.signed_off_position = ""
    db.session.flush()
    audit.record(
        "checklist.reopen",
        now=now,
        actor=actor,
        event_id=checklist.event_id,
        subject_type="checklist",
        subject_id=checklist.id,
        details={"before": before, "reason": (reason or "").strip()[:500]},
    )
