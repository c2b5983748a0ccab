"""The event team: an organiser adds door and compliance staff and sends each a one-time link
to set their own password, so nobody shares the organiser's password at the door.

Links are 256 random bits, stored as SHA-256 (like API tokens), good once and for
LINK_LIFETIME; a new link for the same account replaces the old one. Services flush; the view
commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, select, update

from tracker import audit
from tracker.auth.models import Membership, PasswordLink, Principal, User
from tracker.auth.offices import list_offices, visible_offices
from tracker.auth.roles import Role
from tracker.auth.services import create_user, set_password
from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db

LINK_LIFETIME = timedelta(days=7)
#: The roles an organiser may give from the team page (admins make organisers and admins).
TEAM_ROLES = (Role.STAFF,)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Invitation:
    user: User
    #: The link's token, shown once to the organiser who sends it; only its hash is kept.
    token: str


def add_team_member(
    email: str, name: str, role: str, actor: Principal, now: datetime
) -> Invitation:
    """Create a staff account without a usable password, and its first set-password link.

    Raises ValidationFailed (bad e-mail, no name, a role an organiser may not give) or
    Conflict (the e-mail has an account already)."""
    if role not in TEAM_ROLES:
        raise ValidationFailed(_("Unknown role."), {"role": _("Unknown role.")})
    if not name.strip():
        raise ValidationFailed(_("Give the person's name."), {"name": _("Required.")})
    # Nobody knows this password: the person sets their own with the link. They work in the
    # offices where the organiser organises (an admin adds them to offices on the Offices page).
    ids = visible_offices(actor, Role.ORGANISER)
    offices = list_offices(ids) if ids else []
    user = create_user(
        email, secrets.token_urlsafe(32), role, name.strip(), offices=offices, actor=actor, now=now
    )
    return Invitation(user, new_password_link(user, actor, now))


def new_password_link(user: User, actor: Principal, now: datetime) -> str:
    """A fresh link for the account; any earlier unused link stops working."""
    db.session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.user_id == user.id,
            PasswordLink.used_at.is_(None),
            PasswordLink.replaced_at.is_(None),
        )
        .values(replaced_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordLink(
            user_id=user.id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + LINK_LIFETIME,
            created_by_id=actor.id,
        )
    )
    audit.record(
        "account.password_link", now=now, actor=actor, subject_type="user", subject_id=user.id
    )
    db.session.flush()
    return token


def live_link(token: str, now: datetime) -> PasswordLink:
    """The unused, unexpired link of an active account. Raises NotFound otherwise (unknown,
    used, replaced or expired: the page says to ask the organiser for a new one)."""
    link = db.session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _hash(token)))
    spent = link is None or link.used_at is not None or link.replaced_at is not None
    if spent or link.expires_at <= now or not link.user.active:
        raise NotFound(_("This link is no longer valid. Ask your organiser for a new one."))
    return link


def set_password_with_link(token: str, password: str, now: datetime) -> User:
    """Set the password and use the link up. Raises NotFound (see ``live_link``) or
    ValidationFailed (password too short)."""
    link = live_link(token, now)
    set_password(link.user, password, now)
    link.used_at = now
    audit.record(
        "account.password_set",
        now=now,
        actor=link.user,
        subject_type="user",
        subject_id=link.user_id,
    )
    db.session.flush()
    return link.user


@dataclass(frozen=True)
class Member:
    user: User
    #: Whether the person has set a password with their link (False: still to send or use).
    has_password: bool
    link_expires_at: datetime | None


def _staff(offices: set[int] | None) -> Select[tuple[User]]:
    """Staff accounts; of these offices only (None: all, for an admin)."""
    query = select(User).where(User.role == Role.STAFF.value)
    if offices is not None:
        members = select(Membership.user_id).where(Membership.office_id.in_(offices))
        query = query.where(User.id.in_(members))
    return query


def team(now: datetime, offices: set[int] | None = None) -> list[Member]:
    """The staff accounts of these offices (None: every one), with whether each has set a
    password yet."""
    users = db.session.scalars(_staff(offices).order_by(User.name, User.email)).all()
    links = db.session.scalars(
        select(PasswordLink).where(PasswordLink.user_id.in_([u.id for u in users]))
    ).all()
    set_by_link = {link.user_id for link in links if link.used_at is not None}
    pending = {
        link.user_id: link.expires_at
        for link in links
        if link.used_at is None and link.replaced_at is None and link.expires_at > now
    }
    invited = {link.user_id for link in links}
    return [Member(u, u.id not in invited or u.id in set_by_link, pending.get(u.id)) for u in users]


def get_team_member(user_id: int, offices: set[int] | None = None) -> User:
    """A staff account of these offices (None: any). Raises NotFound for any other id: an
    organiser manages staff only, and only their own offices' (no link for someone else's)."""
    user = db.session.scalar(_staff(offices).where(User.id == user_id))
    if user is None:
        raise NotFound(_("No such account."))
    return user
