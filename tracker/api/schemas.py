"""The API's request bodies. They validate input and, through their JSON Schema, write the
request side of the OpenAPI description, so the two cannot drift apart."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tracker.db import MAX_ID

Status = Literal["draft", "open", "closed"]
CategoryName = Literal["participant", "speaker", "committee", "press"]
Basis = Literal["public_service", "consent"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class VenueIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(default="", max_length=500)
    room: str = Field(default="", max_length=200)
    capacity: int | None = Field(default=None, gt=0, le=1_000_000)


class EventIn(Strict):
    """Times without an offset are read in ``timezone``; times with one keep it."""

    title: str = Field(min_length=1, max_length=300)
    organiser_unit: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=5000)
    starts_at: datetime
    ends_at: datetime
    timezone: str = Field(default="Asia/Makassar", max_length=64)
    venue: VenueIn | None = None
    venue_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    topics: list[str] = Field(default_factory=list, max_length=100)
    speakers: list[str] = Field(default_factory=list, max_length=100)
    livestream_url: str = Field(default="", max_length=500, pattern=r"^(https?://\S+)?$")
    expected_participants: int | None = Field(default=None, ge=0, le=1_000_000)
    allow_walk_ins: bool = False
    ask_signature: bool = False
    status: Status = "draft"
    checkin_opens_at: datetime | None = None
    checkin_closes_at: datetime | None = None
    retention_days: int | None = Field(default=None, ge=1, le=3650)
    privacy_contact: str = Field(default="", max_length=254)


class SignerIn(Strict):
    """The official who signs the event's daftar hadir; an empty name: the certificates'."""

    position: str = Field(default="", max_length=200)
    name: str = Field(default="", max_length=200)
    #: 18 digits (spaces, dots and dashes are dropped); never the NIK.
    nip: str = Field(default="", max_length=40)


class EventPatch(Strict):
    """Any subset of the event's fields; absent fields stay as they are."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    organiser_unit: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    timezone: str | None = Field(default=None, max_length=64)
    venue: VenueIn | None = None
    venue_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    topics: list[str] | None = Field(default=None, max_length=100)
    speakers: list[str] | None = Field(default=None, max_length=100)
    livestream_url: str | None = Field(default=None, max_length=500, pattern=r"^(https?://\S+)?$")
    expected_participants: int | None = Field(default=None, ge=0, le=1_000_000)
    allow_walk_ins: bool | None = None
    ask_signature: bool | None = None
    status: Status | None = None
    checkin_opens_at: datetime | None = None
    checkin_closes_at: datetime | None = None
    retention_days: int | None = Field(default=None, ge=1, le=3650)
    privacy_contact: str | None = Field(default=None, max_length=254)
    archived: bool | None = None
    #: Who signs the daftar hadir; null or an empty name: the certificate design's official.
    daftar_hadir_official: SignerIn | None = None


class ParticipantIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    agency: str = Field(default="", max_length=300)
    position: str = Field(default="", max_length=200)
    #: A civil servant's NIP, 18 digits (spaces, dots and dashes are dropped); never the NIK.
    nip: str = Field(default="", max_length=40)
    category: CategoryName = "participant"
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    legal_basis: Basis = "public_service"
