"""The /api/v1 blueprint: every API module's blueprint nested under one prefix.

Token calls (``Authorization: Bearer``) need no CSRF token. Calls from our own pages carry the
session cookie, so for them an unsafe method needs the ``X-CSRFToken`` header: otherwise any
site could make a logged-in browser post here.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from tracker.api import (
    agenda,
    certificates,
    checkins,
    compliance,
    events,
    presence,
    signatures,
    summaries,
)
from tracker.api.openapi import build_spec
from tracker.auth.access import public
from tracker.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
for _child in (
    events.bp,
    agenda.bp,
    checkins.bp,
    presence.bp,
    compliance.bp,
    summaries.bp,
    certificates.bp,
    signatures.bp,
):
    bp.register_blueprint(_child)
    csrf.exempt(_child)  # Flask-WTF matches the exact blueprint, not its parent

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: Calls answered 401 (no token, or a wrong, revoked or expired one), per client address and
#: across all of /api/v1: slows down token guessing. Once an address is over the limit, its
#: calls get 429 until the minute is over, except calls with a good token: those never count
#: and are never refused (a door device behind the same router as the guesser goes on working,
#: and the busiest calls skip the limiter's store).
REFUSED_CALLS_LIMIT = "30 per minute"


def _refused(response: Response) -> bool:
    return response.status_code == 401


limiter.shared_limit(REFUSED_CALLS_LIMIT, scope="api-refused", deduct_when=_refused)(bp)


@limiter.request_filter
def _good_token_call() -> bool:
    """API calls with a good token skip the limiter altogether (no limit applies to them)."""
    blueprint = request.blueprint or ""
    in_api = blueprint == bp.name or blueprint.startswith(bp.name + ".")
    return bool(in_api and current_user.is_authenticated and g.get("token_auth"))


@bp.before_request
def _csrf_for_cookie_calls() -> None:
    if request.method in _UNSAFE and current_user.is_authenticated and not g.get("token_auth"):
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except ValidationError as exc:
            raise CSRFError(str(exc)) from None


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    return jsonify(build_spec())
