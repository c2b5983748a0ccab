"""What every page shares: the home redirect, the health check, headers, template helpers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.auth.access import public
from tracker.auth.roles import Role, role_rank
from tracker.events.models import EVENT_STATUS_LABELS, PARTICIPANT_CATEGORY_LABELS
from tracker.extensions import db
from tracker.i18n import current_language

bp = Blueprint("web", __name__)

#: No inline script or style anywhere: every script and stylesheet is a file in static/.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@bp.route("/")
@public
def index() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for("events.index"))
    return redirect(url_for("auth.login"))


@bp.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    """For a load balancer: 200 when the app can reach its database, 503 when it cannot."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Ticket URLs carry the ticket code: never send them to another site as a referrer.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    if request.is_secure and current_app.config.get("ENV_NAME") == "production":
        # Over HTTPS (the proxy's X-Forwarded-Proto counts with TRUSTED_PROXIES): browsers keep
        # to HTTPS for a year. Never over plain HTTP, where the header would mean nothing, and
        # never in development, so a laptop's http://127.0.0.1 is not pinned.
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(_security_headers)


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto from TRUSTED_PROXIES proxies in front of the app (the
    client's address is what the rate limits count; the scheme makes external URLs https)."""
    count = app.config.get("TRUSTED_PROXIES", 0)
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _can(role: str) -> bool:
    return bool(current_user.is_authenticated) and role_rank(current_user.role) >= role_rank(role)


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def _helpers() -> dict[str, Any]:
        return {
            "can": _can,
            "Role": Role,
            "EVENT_STATUS_LABELS": EVENT_STATUS_LABELS,
            "PARTICIPANT_CATEGORY_LABELS": PARTICIPANT_CATEGORY_LABELS,
            "lang": current_language(),
        }
