"""Writes and look-ups for accounts and API tokens. Services flush; the caller commits.

Creating and changing an account is written to the audit log here, whoever asks: the admin's
page, ``flask user create``, the demo."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from tracker import audit
from tracker.auth.models import ApiToken, Membership, Office, Principal, TokenAccount, User
from tracker.auth.roles import Role
from tracker.auth.sessions import Widen, end_all_sessions
from tracker.contact import ContactError, normalise_email
from tracker.db import utcnow
from tracker.errors import Conflict, NotFound, ValidationFailed
from tracker.extensions import db

MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "trk_"
#: A token's last use is written at most this often, so the API does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=5)

# Checked against when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-password")


def _clean_email(raw: str) -> str:
    try:
        email = normalise_email(raw)
    except ContactError:
        email = None
    if not email:
        raise ValidationFailed(_("Enter a valid e-mail address."), {"email": _("Invalid.")})
    return email


def _check_role(role: str) -> None:
    if role not in {r.value for r in Role}:
        raise ValidationFailed(_("Unknown role."), {"role": ", ".join(r.value for r in Role)})


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("The password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            {"password": _("Too short.")},
        )


def create_user(
    email: str,
    password: str,
    role: str,
    name: str = "",
    *,
    offices: list[Office] | tuple[Office, ...] = (),
    actor: Principal | None = None,
    actor_label: str = "",
    now: datetime | None = None,
) -> User:
    """Create an account, audited as ``account.create`` (``actor_label`` names who acted when
    no account did, e.g. the command line), a member of ``offices`` with its role in each (an
    admin needs none). Raises ValidationFailed (bad e-mail, role, short password) or Conflict
    (the e-mail has an account already)."""
    email = _clean_email(email)
    _check_role(role)
    _check_password(password)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(_("An account with this e-mail exists already."), {"email": email})
    user = User(email=email, password_hash=generate_password_hash(password), role=role, name=name)
    if role != Role.ADMIN:
        user.memberships = [Membership(office=office, role=role) for office in set(offices)]
    db.session.add(user)
    db.session.flush()
    audit.record(
        "account.create",
        now=now or utcnow(),
        actor=actor,
        actor_label=actor_label,
        subject_type="user",
        subject_id=user.id,
        details={"role": user.role, "offices": sorted(o.name for o in offices)},
    )
    return user


@dataclass
class AccountChange:
    """What the admin's account form may change."""

    name: str
    role: str
    active: bool
    #: Empty: the password stays.
    password: str = ""


def update_account(user: User, change: AccountChange, actor: Principal, now: datetime) -> User:
    """Change an account, audited as ``account.update``; a deactivated account or a changed
    password ends every login session and API token of the account. Raises ValidationFailed
    (unknown role, short password, or an admin taking away their own admin access)."""
    _check_role(change.role)
    if user.id == actor.id and (change.role != Role.ADMIN or not change.active):
        raise ValidationFailed(
            _("You cannot take away your own admin access."),
            {"role": _("You cannot take away your own admin access.")},
        )
    before = {"role": user.role, "active": user.active}
    user.name, user.role, user.active = change.name, change.role, change.active
    if change.password:
        set_password(user, change.password, now)
    if not user.active:
        end_all_sessions(user.id, now)
        revoke_tokens(user, now)
    db.session.flush()
    audit.record(
        "account.update",
        now=now,
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        details={"before": before, "after": {"role": user.role, "active": user.active}},
    )
    return user


def get_user_by_email(email: str) -> User:
    """Raises NotFound when no account has this e-mail."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(_("No account with the e-mail %(email)s.", email=email))
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None (never says which was wrong)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def set_password(user: User, password: str, now: datetime | None = None) -> None:
    """Raises ValidationFailed for a short password. Every login session and API token of the
    account ends: whoever knew the old password is out."""
    _check_password(password)
    now = now or utcnow()
    user.password_hash = generate_password_hash(password)
    end_all_sessions(user.id, now)
    revoke_tokens(user, now)
    db.session.flush()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, label: str = "") -> str:
    """Create an API token for the user and return it; only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user=user, token_hash=_hash_token(token), prefix=token[:10], label=label)
    )
    db.session.flush()
    return token


@dataclass(frozen=True)
class TokenUse:
    """A live token's account, and what is needed to note the token's use."""

    user: TokenAccount
    token_id: int
    last_used_at: datetime | None
    #: What ``widen`` added to the statement, as read.
    more: tuple[Any, ...] = ()

    def due(self, now: datetime) -> bool:
        """Whether the last use is old enough to be written again (coarsely)."""
        return self.last_used_at is None or now - self.last_used_at > LAST_USED_RESOLUTION


_USERS, _TOKENS = User.__table__.c, ApiToken.__table__.c
#: Built once, plain columns: every API call runs it.
_TOKEN_QUERY = (
    select(_USERS.id, _USERS.email, _USERS.name, _USERS.role, _TOKENS.id, _TOKENS.last_used_at)
    .join_from(ApiToken.__table__, User.__table__, _TOKENS.user_id == _USERS.id)
    .where(
        _TOKENS.token_hash == bindparam("token_hash"),
        _TOKENS.revoked.is_(False),
        _USERS.active.is_(True),
    )
)


def live_token(token: str, widen: Widen | None = None) -> TokenUse | None:
    """The token's use, or None when it is unknown, revoked or its user inactive; with
    ``widen``, what it adds is read in the same statement (``TokenUse.more``)."""
    query, params = widen(_TOKEN_QUERY, _USERS.id) if widen else (_TOKEN_QUERY, {})
    row = (
        db.session.connection().execute(query, {"token_hash": _hash_token(token), **params}).first()
    )
    if row is None:
        return None
    user_id, email, name, role, token_id, last_used_at, *more = row
    account = TokenAccount(user_id, email, name, role)
    return TokenUse(account, token_id, last_used_at, tuple(more))


def note_token_use(token_id: int, now: datetime) -> None:
    """Write a token's last use (one UPDATE)."""
    db.session.execute(
        update(ApiToken.__table__).where(ApiToken.id == token_id).values(last_used_at=now)
    )


def user_for_token(token: str, now: datetime, touch: bool = False) -> TokenAccount | None:
    """The active account a live token belongs to, or None.

    With ``touch`` (requests that write anyway) the token's last use is noted, coarsely; a
    read-only request never writes for it, so reads never wait for SQLite's write lock.
    """
    use = live_token(token)
    if use is None:
        return None
    if touch and use.due(now):
        note_token_use(use.token_id, now)
    return use.user


def revoke_tokens(user: User, now: datetime) -> int:
    """Revoke every live token of the user; returns how many."""
    count = 0
    for row in user.tokens:
        if not row.revoked:
            row.revoked, row.revoked_at = True, now
            count += 1
    db.session.flush()
    return count
