"""How a request is tied to an account: the session cookie for pages, a bearer token for the API."""

from __future__ import annotations

from flask import Flask, Request, g
from flask_babel import lazy_gettext as _l

from tracker.auth.models import User
from tracker.auth.services import user_for_token
from tracker.db import utcnow
from tracker.extensions import db, login_manager

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


@login_manager.request_loader
def _load_user_from_token(request: Request) -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = user_for_token(token.strip(), utcnow(), touch=request.method in _WRITE_METHODS)
    if user is not None:
        g.token_auth = True  # the API skips the CSRF check for token calls, not cookie calls
    return user


def register_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
