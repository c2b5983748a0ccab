"""Checklist templates: reading them and writing a new version (the built-in ones: builtin.py).

A version is never changed once written. ``save_template_version`` always writes version
N+1 (or returns the latest when nothing differs), so checklists already attached keep theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import audit
from tracker.compliance.models import (
    AnswerType,
    ChecklistTemplate,
    ChecklistTemplateItem,
    EventChecklist,
    ItemCategory,
)
from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
MAX_ITEMS = 200


@dataclass
class ItemInput:
    text_id: str
    text_en: str = ""
    basis: str = ""
    category: str = ItemCategory.OTHER.value
    required: bool = False
    answer_type: str = AnswerType.YES_NO.value
    unit: str = ""
    photo_on_fail: bool = False
    note_on_fail: bool = False


@dataclass
class TemplateInput:
    key: str
    title: str
    title_en: str = ""
    basis_regulation: str = ""
    basis_number: str = ""
    basis_year: int | None = None
    basis_article: str = ""
    basis_url: str = ""
    items: list[ItemInput] = field(default_factory=list)


_TEMPLATE_FIELDS = [f.name for f in fields(TemplateInput) if f.name not in ("key", "items")]
_ITEM_FIELDS = [f.name for f in fields(ItemInput)]


def _strip(data: TemplateInput) -> TemplateInput:
    """Whitespace trimmed; the unit only kept for number answers."""
    items = []
    for item in data.items:
        values = {
            name: (value.strip() if isinstance(value, str) else value)
            for name, value in vars(item).items()
        }
        if values["answer_type"] != AnswerType.NUMBER:
            values["unit"] = ""
        items.append(ItemInput(**values))
    values = {
        name: (value.strip() if isinstance(value, str) else value)
        for name, value in vars(data).items()
        if name != "items"
    }
    return TemplateInput(**values, items=items)


def _item_errors(index: int, item: ItemInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    prefix = f"items.{index}."
    if not item.text_id:
        errors[prefix + "text_id"] = _("Write the item in Indonesian.")
    if item.answer_type not in {a.value for a in AnswerType}:
        errors[prefix + "answer_type"] = _("Use yes_no, number or text.")
    if item.category not in {c.value for c in ItemCategory}:
        errors[prefix + "category"] = _("Unknown category.")
    if len(item.basis) > 200 or len(item.unit) > 30:
        errors[prefix + "basis"] = _("Too long.")
    return errors


def _check(data: TemplateInput) -> None:
    """Raises ValidationFailed with one message per field."""
    errors: dict[str, str] = {}
    if not KEY_PATTERN.match(data.key):
        errors["key"] = _("Lower-case letters, digits and hyphens, e.g. pergub-bali-97-2018.")
    if not data.title:
        errors["title"] = _("Give the template a title.")
    if data.basis_url and not re.match(r"^https?://\S+$", data.basis_url):
        errors["basis_url"] = _("Give a web address starting with https://.")
    if data.basis_year is not None and not 1945 <= data.basis_year <= 2100:
        errors["basis_year"] = _("Give the year the rule was issued.")
    if not data.items:
        errors["items"] = _("A template needs at least one item.")
    if len(data.items) > MAX_ITEMS:
        errors["items"] = _("At most %(n)d items.", n=MAX_ITEMS)
    for index, item in enumerate(data.items):
        errors.update(_item_errors(index, item))
    if errors:
        raise ValidationFailed(_("The template has errors."), errors)


def template_input(template: ChecklistTemplate) -> TemplateInput:
    """A version as an input: the starting point of an edit."""
    return TemplateInput(
        key=template.key,
        **{name: getattr(template, name) for name in _TEMPLATE_FIELDS},
        items=[
            ItemInput(**{name: getattr(item, name) for name in _ITEM_FIELDS})
            for item in template.items
        ],
    )


def latest_version(key: str) -> ChecklistTemplate | None:
    return db.session.scalar(
        select(ChecklistTemplate)
        .where(ChecklistTemplate.key == key)
        .order_by(ChecklistTemplate.version.desc())
        .limit(1)
    )


def get_template(key: str, version: int | None = None) -> ChecklistTemplate:
    """The given version, or the latest. Raises NotFound."""
    if version is None:
        template = latest_version(key)
    else:
        template = db.session.scalar(
            select(ChecklistTemplate).where(
                ChecklistTemplate.key == key, ChecklistTemplate.version == version
            )
        )
    if template is None:
        raise NotFound(_("No checklist template %(key)s.", key=key), {"template_key": key})
    return template


def list_templates() -> list[ChecklistTemplate]:
    """The latest version of every template, by key."""
    latest = (
        select(ChecklistTemplate.key, func.max(ChecklistTemplate.version).label("version"))
        .group_by(ChecklistTemplate.key)
        .subquery()
    )
    query = (
        select(ChecklistTemplate)
        .join(
            latest,
            (ChecklistTemplate.key == latest.c.key)
            & (ChecklistTemplate.version == latest.c.version),
        )
        .order_by(ChecklistTemplate.key)
    )
    return list(db.session.scalars(query))


def template_versions(key: str) -> list[ChecklistTemplate]:
    """Every version of a key, newest first."""
    return list(
        db.session.scalars(
            select(ChecklistTemplate)
            .where(ChecklistTemplate.key == key)
            .order_by(ChecklistTemplate.version.desc())
        )
    )


def usage_count(template: ChecklistTemplate) -> int:
    """How many events' checklists point at this exact version."""
    return db.session.scalar(
        select(func.count())
        .select_from(EventChecklist)
        .where(EventChecklist.template_id == template.id)
    )


def save_template_version(
    data: TemplateInput, actor: Any, now: datetime, *, builtin: bool = False
) -> ChecklistTemplate:
    """Write ``data`` as the key's next version (1 for a new key) and return it.

    Returns the latest version unchanged when ``data`` equals it, so saving an untouched form
    does not make a version. Raises ValidationFailed.
    """
    data = _strip(data)
    _check(data)
    current = latest_version(data.key)
    if current is not None and template_input(current) == data:
        return current
    template = ChecklistTemplate(
        key=data.key,
        version=(current.version + 1) if current else 1,
        builtin=builtin,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
        **{name: getattr(data, name) for name in _TEMPLATE_FIELDS},
    )
    template.items = [
        ChecklistTemplateItem(position=index + 1, **vars(item))
        for index, item in enumerate(data.items)
    ]
    db.session.add(template)
    db.session.flush()
    audit.record(
        "checklist_template.version",
        now=now,
        actor=actor,
        actor_label="" if actor else "system",
        subject_type="checklist_template",
        subject_id=template.id,
        details={"key": template.key, "version": template.version, "items": len(data.items)},
    )
    return template
