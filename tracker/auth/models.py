"""Staff accounts and their API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'organiser', 'staff')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; the unique constraint is the truth about "one account per address".
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), server_default="")
    #: Werkzeug's salted hash (scrypt); never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Office(db.Model):
    """A government office (Diskominfo, Dinas Kesehatan, a kecamatan ...) that owns events.

    Its name, address and logo are what a letterhead (kop) prints.
    """

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: As the office writes itself, e.g. "Diskominfo Kabupaten Tabanan"; unique (case as typed).
    name: Mapped[str] = mapped_column(String(300), unique=True)
    address: Mapped[str] = mapped_column(String(500), server_default="")
    #: The storage key of the logo image; empty: none.
    logo: Mapped[str] = mapped_column(String(32), server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="office", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Office {self.name}>"


class Membership(db.Model):
    """An account's role in one office: ``organiser`` or ``staff``. An admin needs none."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "office_id", name="uq_memberships_user_office"),
        CheckConstraint("role IN ('organiser', 'staff')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="memberships")
    office: Mapped[Office] = relationship(back_populates="memberships")


class DoorDevice(db.Model):
    """A phone or laptop paired to scan one event's tickets, and nothing else.

    The organiser's screen shows a QR with a one-time pairing code (``pairing_hash``, minutes
    long); the device that opens it gets its own secret in a cookie (``token_hash``). Both are
    kept as SHA-256 only. The device reaches the scanner routes of its event until
    ``expires_at`` (the check-in window's end plus the sync grace) or until revoked.
    """

    __tablename__ = "door_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: What the organiser called it ("HP Wayan", "Laptop meja 2").
    label: Mapped[str] = mapped_column(String(64), server_default="")
    pairing_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    paired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@dataclass(frozen=True, eq=False)
class DeviceAccount(UserMixin):
    """Who a paired door device acts as: staff, for its one event only (``auth.access`` lets
    it reach the routes marked ``@for_devices`` of that event and nothing else). Its ``id`` is
    the organiser who paired it (the audit log's account), its ``email`` names the device."""

    id: int | None
    email: str
    name: str
    device_id: int
    device_event_id: int
    role: str = "staff"


class Principal(Protocol):
    """Who acts, as services and the audit log see it: an account's id, e-mail, name and role.

    A logged-in page's User and an API call's TokenAccount both are one; services type their
    ``actor`` with it, so they need neither an ORM object nor Flask's ``current_user``.
    """

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True, eq=False)
class TokenAccount(UserMixin):
    """Who an API token acts for: the account's id, e-mail, name and role, read with the token.

    Not an ORM object: a call with a token needs nothing else of the account (a Principal is
    all the services take), and loading one would cost every call. Equal to the User with the
    same id (Flask-Login's ``UserMixin.__eq__``).
    """

    id: int
    email: str
    name: str
    role: str


class ApiToken(db.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the token, so a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(100), server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(server_default=false(), default=False)

    user: Mapped[User] = relationship(back_populates="tokens")


class PasswordLink(db.Model):
    """A one-time link to set an account's password: made when an organiser adds a member of
    staff (or asks for a new link), sent by them by e-mail or WhatsApp, good once and until
    ``expires_at``. Only the token's SHA-256 is stored, like API tokens."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the password was set with it.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a newer link for the account replaced it.
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class LoginSession(db.Model):
    """One login, from the login form to "log out" (tracker/auth/sessions.py): the cookie holds
    a random key, this row its SHA-256; the request is logged in only while ``ended_at`` is
    empty."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Logged out, or ended by a password change or deactivation.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
