"""Login sessions that end on the server (issue 13.5).

The session cookie is signed, not stored: without a record on the server, a copy of it (a
shared computer, a lost phone) would stay good after "log out". So every login makes a row in
``login_sessions`` and puts its random key (only its SHA-256 is stored) in the cookie; a
request is logged in only while that row is open. Logging out closes the row; a password change
or a deactivation closes every row of the account and revokes its API tokens.

Staff accounts (door phones, often personal ones) also time out after an idle period an admin
sets (Settings): the cookie carries when it was last used, refreshed at most once a minute, and
is refused once it was idle longer. That needs no write on the server for each request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, bindparam, select, update

from tracker.auth.models import LoginSession, User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.settings import Setting, read_setting, write_setting

#: Where the cookie keeps the login's key and when it was last used (a Unix time).
SESSION_KEY, SEEN_KEY = "login", "seen"
IDLE_SETTING = "staff_idle_minutes"
DEFAULT_IDLE_MINUTES = 120
IDLE_RANGE = (5, 24 * 60)
#: How stale the cookie's "last used" may get before a request refreshes it.
SEEN_RESOLUTION = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user_id: int, now: datetime) -> str:
    """Open a login session and return the key for the cookie. Flushes."""
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user_id, key_hash=_hash(key), created_at=now))
    db.session.flush()
    return key


#: Adds columns about the account to a login statement, given its id column: the statement
#: and the values it binds (tracker.auth.access.with_office_role).
Widen = Callable[[Select[Any], ColumnElement[int]], tuple[Select[Any], dict[str, Any]]]

#: Built once: every request of a logged-in browser (a door phone's scans, a board's polls)
#: starts with it. The account of an open login session, and the staff idle limit beside it:
#: one round trip where the session, the account and the setting took three.
_OPEN_LOGIN = (
    select(User, select(Setting.value).where(Setting.key == IDLE_SETTING).scalar_subquery())
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(
        LoginSession.key_hash == bindparam("key_hash"),
        LoginSession.user_id == bindparam("user_id"),
        LoginSession.ended_at.is_(None),
    )
)


@dataclass(frozen=True)
class OpenLogin:
    user: User
    idle_minutes: int  # the staff idle limit (the admin's setting)
    more: tuple[Any, ...]  # what ``widen`` added to the statement, as read


def open_login(key: str | None, user_id: int, widen: Widen | None = None) -> OpenLogin | None:
    """The account of the cookie's login session if that session is open; None for a
    logged-out or ended session. With ``widen``, what it adds is read in the same statement."""
    if not key:
        return None
    query, params = widen(_OPEN_LOGIN, User.__table__.c.id) if widen else (_OPEN_LOGIN, {})
    row = db.session.execute(query, {"key_hash": _hash(key), "user_id": user_id, **params}).first()
    if row is None:
        return None
    user, idle, *more = row
    idle_minutes = int(idle if idle is not None else DEFAULT_IDLE_MINUTES)
    return OpenLogin(user, idle_minutes, tuple(more))


def end_session(key: str | None, now: datetime) -> None:
    """Close this login session (log out). Flushes."""
    if key:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.key_hash == _hash(key), LoginSession.ended_at.is_(None))
            .values(ended_at=now)
        )


def end_all_sessions(user_id: int, now: datetime) -> None:
    """Close every login session of the account (password changed, account deactivated)."""
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def idle_minutes() -> int:
    return int(read_setting(IDLE_SETTING, DEFAULT_IDLE_MINUTES))


def set_idle_minutes(minutes: int) -> None:
    """Raises ValidationFailed outside 5 minutes to 24 hours. Flushes; the caller audits."""
    low, high = IDLE_RANGE
    if not low <= minutes <= high:
        raise ValidationFailed(
            _("Give from %(low)d to %(high)d minutes.", low=low, high=high),
            {"idle_minutes": _("Out of range.")},
        )
    write_setting(IDLE_SETTING, minutes)


def idle_too_long(last_seen: float | None, now: datetime, minutes: int) -> bool:
    """Whether a staff session last used at ``last_seen`` (Unix time) has timed out."""
    if last_seen is None:
        return False
    return now.timestamp() - float(last_seen) > minutes * 60
