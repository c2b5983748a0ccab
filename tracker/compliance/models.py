"""Checklist templates and their versions, the checklists of events, and the sustainability
figures staff enter (waste weighed, refill water, the bottles assumption).

A template is a key (``pergub-bali-97-2018``) with numbered versions. A version row and its
items are never changed: editing a template writes version N+1, and an event's checklist
points at the exact version it was attached with, so an event keeps the rules it was checked
against when the regulation or the template changes later.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import false as sql_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


class AnswerType(StrEnum):
    YES_NO = "yes_no"
    NUMBER = "number"  # with the item's unit
    TEXT = "text"


ANSWER_TYPE_LABELS = {
    AnswerType.YES_NO: _l("Yes / no"),
    AnswerType.NUMBER: _l("Number"),
    AnswerType.TEXT: _l("Text"),
}


class ItemStatus(StrEnum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    NOT_APPLICABLE = "not_applicable"


#: In Indonesian: Sesuai / Tidak sesuai / Tidak berlaku.
ITEM_STATUS_LABELS = {
    ItemStatus.COMPLIANT: _l("Compliant"),
    ItemStatus.NON_COMPLIANT: _l("Not compliant"),
    ItemStatus.NOT_APPLICABLE: _l("Not applicable"),
}


class ItemCategory(StrEnum):
    PLASTIC = "plastic"
    WATER = "water"
    WASTE = "waste"
    COMMUNICATION = "communication"
    VENUE = "venue"
    EQUIPMENT = "equipment"
    ACCESSIBILITY = "accessibility"
    CONSUMPTION = "consumption"
    DOCUMENTATION = "documentation"
    OTHER = "other"


ITEM_CATEGORY_LABELS = {
    ItemCategory.PLASTIC: _l("Single-use plastic"),
    ItemCategory.WATER: _l("Drinking water"),
    ItemCategory.WASTE: _l("Waste"),
    ItemCategory.COMMUNICATION: _l("Communication"),
    ItemCategory.VENUE: _l("Room and seating"),
    ItemCategory.EQUIPMENT: _l("Equipment"),
    ItemCategory.ACCESSIBILITY: _l("Accessibility"),
    ItemCategory.CONSUMPTION: _l("Food and drink"),
    ItemCategory.DOCUMENTATION: _l("Documentation"),
    ItemCategory.OTHER: _l("Other"),
}


class WasteStream(StrEnum):
    ORGANIC = "organic"
    INORGANIC = "inorganic"
    RESIDUE = "residue"
    RECYCLABLE = "recyclable"


#: In Indonesian: organik, anorganik, residu, dapat didaur ulang (Pergub Bali 47/2019).
STREAM_LABELS = {
    WasteStream.ORGANIC: _l("Organic"),
    WasteStream.INORGANIC: _l("Inorganic"),
    WasteStream.RESIDUE: _l("Residue"),
    WasteStream.RECYCLABLE: _l("Recyclable"),
}


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class ChecklistTemplate(db.Model):
    """One version of a template. Never updated once written (see the module's docstring)."""

    __tablename__ = "checklist_templates"
    __table_args__ = (
        UniqueConstraint("key", "version", name="uq_checklist_templates_key_version"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable across versions, e.g. ``pergub-bali-97-2018``: what API clients attach by.
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    #: The English title; empty: the Indonesian one is shown.
    title_en: Mapped[str] = mapped_column(String(300), server_default="")
    #: The legal basis: "Peraturan Gubernur Bali", "97", 2018, "Pasal 7" (empty when unknown).
    basis_regulation: Mapped[str] = mapped_column(String(200), server_default="")
    basis_number: Mapped[str] = mapped_column(String(50), server_default="")
    basis_year: Mapped[int | None]
    basis_article: Mapped[str] = mapped_column(String(100), server_default="")
    basis_url: Mapped[str] = mapped_column(String(500), server_default="")
    #: Written by ``load_builtin_templates`` rather than by an admin.
    builtin: Mapped[bool] = mapped_column(server_default=sql_false(), default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    items: Mapped[list[ChecklistTemplateItem]] = relationship(
        back_populates="template",
        order_by="ChecklistTemplateItem.position",
        cascade="all, delete-orphan",
    )

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title

    def basis_label(self) -> str:
        """e.g. "Peraturan Gubernur Bali No. 97 Tahun 2018, Pasal 7"."""
        text = self.basis_regulation
        if self.basis_number:
            text += f" No. {self.basis_number}"
        if self.basis_year:
            text += f" Tahun {self.basis_year}"
        if self.basis_article:
            text += f", {self.basis_article}"
        return text.strip()


class ChecklistTemplateItem(db.Model):
    __tablename__ = "checklist_template_items"
    __table_args__ = (
        UniqueConstraint("template_id", "position", name="uq_checklist_template_items_position"),
        CheckConstraint(_in("answer_type", AnswerType), name="answer_type"),
        CheckConstraint(_in("category", ItemCategory), name="category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_templates.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    #: The item in Indonesian and English. Data, not Babel strings: they change with the rules.
    text_id: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, server_default="")
    #: The rule behind the item, short: "Pergub Bali 97/2018", "SE Sekda Bali 2/2025".
    basis: Mapped[str] = mapped_column(String(200), server_default="")
    category: Mapped[str] = mapped_column(String(20), server_default=ItemCategory.OTHER.value)
    #: Required items count in the score and must be answered before sign-off.
    required: Mapped[bool] = mapped_column(server_default=sql_false(), default=False)
    answer_type: Mapped[str] = mapped_column(String(10), server_default=AnswerType.YES_NO.value)
    #: For number answers: "orang", "kg", "liter".
    unit: Mapped[str] = mapped_column(String(30), server_default="")
    #: Evidence demanded when the answer is "not compliant".
    photo_on_fail: Mapped[bool] = mapped_column(server_default=sql_false(), default=False)
    note_on_fail: Mapped[bool] = mapped_column(server_default=sql_false(), default=False)

    template: Mapped[ChecklistTemplate] = relationship(back_populates="items")

    def text_in(self, lang: str) -> str:
        return self.text_en if lang == "en" and self.text_en else self.text_id


class EventChecklist(db.Model):
    """A template version attached to an event; locked once signed off."""

    __tablename__ = "event_checklists"
    __table_args__ = (
        # One checklist per template per event, whichever version it was attached with.
        UniqueConstraint("event_id", "template_key", name="uq_event_checklists_event_key"),
        CheckConstraint("signed_off_at IS NULL OR signed_off_name <> ''", name="signer_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: The exact version checked against. RESTRICT: a used version can never be deleted.
    template_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_templates.id", ondelete="RESTRICT")
    )
    #: A copy of the template's key, so the database can refuse a second copy per event.
    template_key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The responsible person as they sign (often not the account that pressed the button).
    signed_off_name: Mapped[str] = mapped_column(String(200), server_default="")
    signed_off_position: Mapped[str] = mapped_column(String(200), server_default="")

    template: Mapped[ChecklistTemplate] = relationship(lazy="joined")
    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="checklist", order_by="ChecklistItem.position", cascade="all, delete-orphan"
    )

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


class ChecklistItem(db.Model):
    """One item of an event's checklist: the answer; the question is the template item."""

    __tablename__ = "checklist_items"
    __table_args__ = (
        UniqueConstraint("checklist_id", "template_item_id", name="uq_checklist_items_item"),
        CheckConstraint(f"status IS NULL OR {_in('status', ItemStatus)}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(
        ForeignKey("event_checklists.id", ondelete="CASCADE"), index=True
    )
    template_item_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_template_items.id", ondelete="RESTRICT")
    )
    position: Mapped[int]
    #: NULL while nobody has answered ("open").
    status: Mapped[str | None] = mapped_column(String(20))
    #: The typed answer as text: "yes"/"no", a number ("60", "1.5"), or free text.
    value: Mapped[str] = mapped_column(String(500), server_default="")
    note: Mapped[str] = mapped_column(Text, server_default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    checklist: Mapped[EventChecklist] = relationship(back_populates="items")
    template_item: Mapped[ChecklistTemplateItem] = relationship(lazy="joined")
    updated_by: Mapped[User | None] = relationship()
    photos: Mapped[list[ChecklistPhoto]] = relationship(
        back_populates="item", order_by="ChecklistPhoto.id", cascade="all, delete-orphan"
    )


class ChecklistPhoto(db.Model):
    """Evidence for an item: a re-encoded JPEG and its thumbnail, kept in the storage."""

    __tablename__ = "checklist_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_items.id", ondelete="CASCADE"), index=True
    )
    #: Keys in tracker.storage, never a file name from the upload.
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    thumb_key: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(50), server_default="image/jpeg")
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    item: Mapped[ChecklistItem] = relationship(back_populates="photos")
    uploaded_by: Mapped[User | None] = relationship()


class EventSustainability(db.Model):
    """Per-event figures that are entered rather than counted, and the estimate's assumption."""

    __tablename__ = "event_sustainability"
    __table_args__ = (
        CheckConstraint("bottles_per_participant >= 0", name="bottles"),
        CheckConstraint("refill_litres IS NULL OR refill_litres >= 0", name="refill"),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    #: Single-use bottles one participant would have used per event day without a tumbler.
    bottles_per_participant: Mapped[float] = mapped_column(server_default="2", default=2.0)
    #: Drinking water served from refill stations, in litres; NULL until someone enters it.
    refill_litres: Mapped[float | None]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class WasteEntry(db.Model):
    """One weighing of one stream; several entries per stream add up."""

    __tablename__ = "waste_entries"
    __table_args__ = (
        CheckConstraint(_in("stream", WasteStream), name="stream"),
        CheckConstraint("grams > 0", name="grams_positive"),
        Index("ix_waste_entries_event_id_stream", "event_id", "stream"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    stream: Mapped[str] = mapped_column(String(20))
    #: Whole grams, so sums are exact (a float kilogram would drift).
    grams: Mapped[int]
    note: Mapped[str] = mapped_column(String(200), server_default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who weighed, as a person reads it, kept if the account is deleted later.
    recorded_by_label: Mapped[str] = mapped_column(String(254), server_default="")

    recorded_by: Mapped[User | None] = relationship()

    @property
    def kg(self) -> float:
        return self.grams / 1000
