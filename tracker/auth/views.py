"""Login, logout and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.auth import sessions
from tracker.auth.access import public
from tracker.auth.forms import LoginForm
from tracker.auth.models import User
from tracker.auth.services import authenticate
from tracker.db import utcnow
from tracker.extensions import db, limiter
from tracker.i18n import LANGUAGES

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an absolute URL in ``next`` would be an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        if not urlsplit(target).netloc:
            return target
    return url_for("events.index")


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute; 100 per hour", methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            _start(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form)


def _start(user: User) -> None:
    now = utcnow()
    session.clear()  # nothing of an earlier visitor's cookie carries over
    key = sessions.start_session(user.id, now)
    db.session.commit()
    login_user(user)
    session[sessions.SESSION_KEY] = key
    session[sessions.SEEN_KEY] = int(now.timestamp())


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    """Ends the session on the server too: a copy of the cookie no longer logs anyone in."""
    sessions.end_session(session.pop(sessions.SESSION_KEY, None), utcnow())
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
@public
def switch_language(code: str) -> Response:
    if code in LANGUAGES:
        session["lang"] = code
    referrer = urlsplit(request.referrer or "")
    back = referrer.path + ("?" + referrer.query if referrer.query else "")
    return redirect(_safe_next(request.args.get("next") or back or None))
