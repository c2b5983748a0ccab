"""Domain errors raised by services, and how every error reaches a person or an API client.

Services raise DomainError subclasses; views do not catch them. Under ``/api/`` every error,
HTTP or domain, is answered as ``{"error": {"code", "message", "fields"}}``; pages get an HTML
error page. The 500 handler rolls the session back so nothing half-written is committed.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, SecurityError, TooManyRequests

from tracker.extensions import db, login_manager


class DomainError(Exception):
    """A request the domain refuses: ``code`` is for API clients, ``message`` for people."""

    code = "invalid_request"
    status = 400

    def __init__(self, message: str, fields: dict[str, Any] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra


class NotFound(DomainError):
    code = "not_found"
    status = 404


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422


class Conflict(DomainError):
    code = "conflict"
    status = 409


class DuplicateParticipant(Conflict):
    code = "duplicate_participant"


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(
    status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> tuple[Response, int]:
    return jsonify(error={"code": code, "message": message, "fields": fields or {}}), status


def _http_code(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def _handle_domain(exc: DomainError) -> Any:
    db.session.rollback()
    if wants_json():
        body, status = error_response(exc.status, exc.code, exc.message, exc.fields)
        payload = body.get_json()
        payload["error"].update(exc.extra)
        return jsonify(payload), status
    return render_template("error.html", status=exc.status, message=exc.message), exc.status


#: What a person reads for an HTTP error that carries only werkzeug's own (English) words.
HTTP_MESSAGES = {
    400: _l("The request could not be understood. Reload the page and try again."),
    401: _l("Log in first."),
    403: _l("You may not open this page."),
    404: _l("This page or record does not exist, or is no longer here."),
    405: _l("This address does not take this kind of request."),
    413: _l("The file or form is too large."),
    415: _l("This kind of content is not accepted here."),
}


def _http_message(exc: HTTPException) -> str:
    """The error's own description when the code gave one, else ours in the reader's language:
    werkzeug's default descriptions are English ("The requested URL was not found...")."""
    if exc.description and exc.description != type(exc).description:
        return str(exc.description)
    return str(HTTP_MESSAGES.get(exc.code or 500, _l("The request was not accepted.")))


def _handle_http(exc: HTTPException) -> Any:
    status = exc.code or 500
    message = _http_message(exc)
    if wants_json():
        return error_response(status, _http_code(exc), message)
    return render_template("error.html", status=status, message=message), status


def _retry_after(exc: TooManyRequests) -> int:
    """Seconds until the limit's window is surely over (Flask-Limiter puts it on the error)."""
    limit = getattr(getattr(exc, "limit", None), "limit", None)
    return int(limit.get_expiry()) if limit is not None else 60


def _handle_too_many(exc: TooManyRequests) -> Any:
    """A rate limit was hit (login, API tokens, the door): say to wait, not which limit."""
    custom = getattr(getattr(exc, "limit", None), "error_message", None)
    message = (
        exc.description
        if custom
        else _("Too many attempts from your connection. Wait a minute and try again.")
    )
    if wants_json():
        response, _status = error_response(429, "too_many_requests", message)
    else:
        response = make_response(render_template("error.html", status=429, message=message))
    response.headers["Retry-After"] = str(_retry_after(exc))
    return response, 429


def _handle_csrf(exc: CSRFError) -> Any:
    message = _("The form expired or was sent twice. Reload the page and try again.")
    if wants_json():
        return error_response(400, "csrf_failed", message)
    return render_template("error.html", status=400, message=message), 400


def _handle_unexpected(exc: Exception) -> Any:
    db.session.rollback()
    message = _("Something went wrong on our side. Nothing was saved; please try again.")
    if wants_json():
        return error_response(500, "internal_error", message)
    return render_template("error.html", status=500, message=message), 500


def _handle_database_lost(exc: Exception) -> Any:
    """The database went away (restarted, network cut, connection dropped): 503, try again,
    rather than a 500 that says something broke. Nothing was saved: the transaction is gone."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone: there is nothing to roll back
        db.session.invalidate()
    message = _(
        "The database cannot be reached right now. Nothing was saved; try again in a minute."
    )
    if wants_json():
        response = make_response(*error_response(503, "database_unavailable", message))
    else:
        g._login_user = login_manager.anonymous_user()  # the page must not ask the database

        response = make_response(render_template("error.html", status=503, message=message), 503)
    response.headers["Retry-After"] = "30"
    return response


def _handle_untrusted_host(exc: SecurityError) -> Response:
    """A Host header outside TRUSTED_HOSTS: plain text, because without a trusted host there
    is no URL to build, so the error page (its links) cannot be drawn."""
    return Response("Unknown host.\n", status=400, mimetype="text/plain")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, _handle_domain)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(TooManyRequests, _handle_too_many)
    app.register_error_handler(SecurityError, _handle_untrusted_host)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(500, _handle_unexpected)
    # OperationalError: the server closed the connection, refused it, or timed out;
    # InterfaceError: the driver's connection is already closed.
    app.register_error_handler(OperationalError, _handle_database_lost)
    app.register_error_handler(InterfaceError, _handle_database_lost)
