"""Who may open which route. Every view declares its rule; a route without one is refused.

Roles are ranked: staff (door and checklists) < organiser (events, participants, exports)
< admin (accounts, templates, retention). ``@requires(Role.STAFF)`` admits all three.
``@public`` marks routes for people without an account (their ticket, the door page, login).
The rule is checked before the view runs, for pages and the API alike; a test walks every
registered route with every role so that a route added without a rule fails the suite.

Offices: a URL parameter that names something an office owns (``event_id``, a privacy
request's ``request_id``) is registered with ``owned_by`` by the feature that owns it. Before
the view runs, an account that is not an admin must be a member of that office with the
route's role there: no membership answers 404 (so ids reveal nothing), a lower role 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, Integer, ScalarSelect, Select, bindparam

from tracker.auth.offices import is_admin, role_in_office_query, role_of
from tracker.auth.roles import Role, role_rank
from tracker.errors import error_response, wants_json

F = TypeVar("F", bound=Callable[..., Any])

#: Endpoints outside our blueprints that anyone may fetch.
PUBLIC_ENDPOINTS = frozenset({"static"})

#: URL parameter -> a scalar subquery of the id of the office that owns the thing it names
#: (NULL: no such thing, or nobody's). Filled by the features (``owned_by``), so this floor
#: imports none of them. A subquery, so the check is one SELECT (it runs before every scan).
OFFICE_OF: dict[str, Callable[[Any], ScalarSelect[int]]] = {}
#: URL parameter -> the caller's role in that office, one statement built once with the
#: parameter bound at run time: the check runs before every request (a scan, a board's poll),
#: and building and compiling an ORM query each time cost more than running it.
_ROLE_QUERY: dict[str, Select[tuple[str]]] = {}


#: (a login statement, URL parameter) -> the statement with the account's role in that office
#: beside it (``with_office_role``).
_WITH_ROLE: dict[tuple[int, str], Select[Any]] = {}


def owned_by(param: str, office_of: Callable[[Any], ScalarSelect[int]]) -> None:
    """Declare that the URL parameter ``param`` names something whose office ``office_of``
    selects (given the id, or a bound parameter standing for it): every route with it is then
    checked against the caller's offices."""
    OFFICE_OF[param] = office_of
    _ROLE_QUERY[param] = role_in_office_query(office_of(bindparam(param, type_=Integer)))


@dataclass(frozen=True)
class Rule:
    minimum: Role | None  # None: public

    def admits(self, user: Any) -> bool:
        if self.minimum is None:
            return True
        return bool(user.is_authenticated) and role_rank(user.role) >= role_rank(self.minimum)


def for_devices(view: F) -> F:
    """Mark a staff route a paired door device may use too (for its own event only)."""
    view.for_devices = True  # type: ignore[attr-defined]
    return view


def _device_refusal(rule: Rule) -> Any:
    """A paired door device reaches public routes, and the ``@for_devices`` routes of its one
    event (404 for another's); anything else is refused (403)."""
    if rule.minimum is None:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "for_devices", False):
        abort(403)
    if (request.view_args or {}).get("event_id") != current_user.device_event_id:
        abort(404)
    return None


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


def _owned_in_url() -> tuple[str, int] | None:
    """The first URL parameter naming something an office owns, with its value."""
    for param, value in (request.view_args or {}).items():
        if param in _ROLE_QUERY and isinstance(value, int):
            return param, value
    return None


def with_office_role(
    login: Select[Any], user_id: ColumnElement[int]
) -> tuple[Select[Any], dict[str, Any]]:
    """A login statement (the account of a token or a session, ``user_id`` its id column) with
    one more column: the account's role in the office of what the URL names, and the value to
    bind; as it is, with nothing to bind, when the URL names nothing an office owns. The
    loader hands that column to ``note_office_role``: the check before the view then sends no
    SELECT of its own (one round trip less for every scan and every board's poll)."""
    owned = _owned_in_url()
    if owned is None:
        return login, {}
    param, value = owned
    key = (id(login), param)  # login statements are built once, at import
    widened = _WITH_ROLE.get(key)
    if widened is None:
        office = OFFICE_OF[param](bindparam(param, type_=Integer))
        role = role_in_office_query(office, user_id).scalar_subquery()
        widened = _WITH_ROLE[key] = login.add_columns(role)
    g.office_role_asked = owned
    return widened, {param: value}


def note_office_role(user_id: int, more: tuple[Any, ...]) -> None:
    """What ``with_office_role`` added, as the login statement read it: that account's role."""
    asked = g.pop("office_role_asked", None)
    if asked is not None and more:
        g.office_role = (user_id, *asked, more[0])


def _role_in_office(param: str, value: int) -> str | None:
    known = g.get("office_role")
    if known is not None and known[:3] == (current_user.id, param, value):
        return known[3]
    return role_of(_ROLE_QUERY[param], current_user.id, {param: value})


def _check_offices(minimum: Role) -> None:
    """Aborts 404 when the caller is not in the office owning what the URL names, 403 when
    their role there is below the route's."""
    for param, value in (request.view_args or {}).items():
        if param not in _ROLE_QUERY or not isinstance(value, int):
            continue
        role = _role_in_office(param, value)
        if role is None:
            abort(404)
        if role_rank(role) < role_rank(minimum):
            abort(403)


def require_in_office(minimum: Role) -> None:
    """Inside a view, for what only a higher role may do on its route: aborts 403 unless the
    caller's account, and their role in the office of what the URL names, reach ``minimum``."""
    if role_rank(current_user.role) < role_rank(minimum):
        abort(403)
    if not is_admin(current_user):
        _check_offices(minimum)


def _enforce() -> Any:
    if request.endpoint is None:  # 404 or 405: let the error handlers answer
        return None
    g.pop("office_role", None)  # only as read by this request's login (below, current_user)
    rule = rule_for(request.endpoint)
    if rule is None:
        abort(403)  # a route nobody gave a rule: closed until someone does
    if getattr(current_user, "device_event_id", None) is not None:
        return _device_refusal(rule)
    if rule.admits(current_user):
        if rule.minimum is not None and not is_admin(current_user):
            _check_offices(rule.minimum)
        return None
    if not current_user.is_authenticated:
        return _refuse_anonymous()
    abort(403)


def register_access(app: Flask) -> None:
    app.before_request(_enforce)
