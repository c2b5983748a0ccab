"""Who may open which route. Every view declares its rule; a route without one is refused.

Roles are ranked: staff (door and checklists) < organiser (events, participants, exports)
< admin (accounts, templates, retention). ``@requires(Role.STAFF)`` admits all three.
``@public`` marks routes for people without an account (their ticket, the door page, login).
The rule is checked before the view runs, for pages and the API alike; a test walks every
registered route with every role so that a route added without a rule fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from tracker.auth.roles import Role, role_rank
from tracker.errors import error_response, wants_json

F = TypeVar("F", bound=Callable[..., Any])

#: Endpoints outside our blueprints that anyone may fetch.
PUBLIC_ENDPOINTS = frozenset({"static"})


@dataclass(frozen=True)
class Rule:
    minimum: Role | None  # None: public

    def admits(self, user: Any) -> bool:
        if self.minimum is None:
            return True
        return bool(user.is_authenticated) and role_rank(user.role) >= role_rank(self.minimum)


def public(view: F) -> F:
    view.access_rule = Rule(None)  # type: ignore[attr-defined]
    return view


def requires(minimum: Role) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.access_rule = Rule(minimum)  # type: ignore[attr-defined]
        return view

    return mark


def rule_for(endpoint: str | None) -> Rule | None:
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return Rule(None)
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def _refuse_anonymous() -> Any:
    if wants_json():
        return error_response(401, "unauthorized", "Send Authorization: Bearer <token>.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _enforce() -> Any:
    if request.endpoint is None:  # 404 or 405: let the error handlers answer
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        abort(403)  # a route nobody gave a rule: closed until someone does
    if rule.admits(current_user):
        return None
    if not current_user.is_authenticated:
        return _refuse_anonymous()
    abort(403)


def register_access(app: Flask) -> None:
    app.before_request(_enforce)
