"""How a request is tied to an account: the session cookie for pages, a bearer token for the API."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, Request, g, session
from flask_babel import lazy_gettext as _l

from tracker.auth import devices, sessions
from tracker.auth.access import note_office_role, with_office_role
from tracker.auth.models import DeviceAccount, TokenAccount, User
from tracker.auth.roles import Role
from tracker.auth.services import live_token, note_token_use
from tracker.db import utcnow, view_writes_late
from tracker.extensions import login_manager

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The account of an open login session (tracker/auth/sessions.py): a cookie whose session
    was logged out or ended, or a staff cookie idle too long, logs nobody in."""
    key = session.get(sessions.SESSION_KEY)
    found = sessions.open_login(key, int(user_id), with_office_role) if user_id.isdigit() else None
    if found is None:
        return None
    user = found.user
    if not user.active:
        return None
    if user.role == Role.STAFF and not _fresh_enough(utcnow(), found.idle_minutes):
        return None
    note_office_role(user.id, found.more)
    return user


def _fresh_enough(now: datetime, idle_minutes: int) -> bool:
    """A staff session idle longer than the admin's setting has timed out; otherwise the
    cookie's last use moves on (at most once a minute, so most answers send no new cookie)."""
    seen = session.get(sessions.SEEN_KEY)
    if sessions.idle_too_long(seen, now, idle_minutes):
        session.clear()
        return False
    if seen is None or now.timestamp() - float(seen) > sessions.SEEN_RESOLUTION.total_seconds():
        session[sessions.SEEN_KEY] = int(now.timestamp())
    return True


@login_manager.request_loader
def _load_user_from_token(request: Request) -> TokenAccount | DeviceAccount | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _load_device(request)
    use = live_token(token.strip(), with_office_role)
    if use is None:
        return None
    note_office_role(use.user.id, use.more)
    g.token_auth = True  # the API skips the CSRF check for token calls, not cookie calls
    now = utcnow()
    # A request that writes anyway notes the token's use (coarsely); a read never writes.
    if request.method in _WRITE_METHODS and use.due(now):
        if view_writes_late():
            g.token_use_due = use.token_id  # by note_late_token_use(), with the view's writes
        else:
            note_token_use(use.token_id, now)
    return use.user


def _load_device(request: Request) -> DeviceAccount | None:
    """A paired door device, by its cookie; its last use is noted like a token's."""
    secret = request.cookies.get(devices.DEVICE_COOKIE, "")
    if not secret:
        return None
    now = utcnow()
    found = devices.live_device(secret, now)
    if found is None:
        return None
    account, last_used = found
    if request.method in _WRITE_METHODS and devices.due(last_used, now):
        if view_writes_late():
            g.device_use_due = account.device_id
        else:
            devices.note_device_use(account.device_id, now)
    return account


def note_late_token_use(now: datetime) -> None:
    """In a ``@writes_late`` view, once it writes: the token's (or the door device's) last
    use, if it is due."""
    token_id = g.pop("token_use_due", None)
    if token_id is not None:
        note_token_use(token_id, now)
    device_id = g.pop("device_use_due", None)
    if device_id is not None:
        devices.note_device_use(device_id, now)


def register_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
