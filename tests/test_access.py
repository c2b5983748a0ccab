"""Every route has a role rule, and the rule holds for every role and for nobody.

This walks every registered route with every method. A route added without @public or
@requires(...) fails `test_every_route_declares_a_rule`.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter
from werkzeug.routing import Rule as UrlRule

from tests.conftest import PASSWORD, log_in
from tests.factories import open_event
from tracker.auth.access import OFFICE_OF, rule_for
from tracker.auth.models import User
from tracker.auth.offices import create_office, find_office
from tracker.auth.roles import role_rank
from tracker.auth.services import create_user
from tracker.db import utcnow
from tracker.extensions import db
from tracker.privacy.services import record_request

#: Public routes whose answer is, by design, the login page.
SEND_TO_LOGIN = {"auth.login", "auth.logout", "web.index"}
ROLES = [None, "staff", "organiser", "admin"]
#: Values for URL parameters: ids that do not exist, so an admitted call finds nothing to change.
PARAMS = {"int": 999_999, "default": "nothing-here"}


def _routes(app) -> list[tuple[UrlRule, str]]:
    walked = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            walked.append((rule, method))
    return walked


def _url(rule: UrlRule) -> str:
    values = {}
    for name, converter in rule._converters.items():  # noqa: SLF001 - werkzeug has no public API
        kind = "int" if isinstance(converter, IntegerConverter) else "default"
        values[name] = PARAMS[kind]
    return rule.build(values, append_unknown=False)[1]


def test_every_route_declares_a_rule(app):
    with app.test_request_context():
        missing = [r.endpoint for r, _ in _routes(app) if rule_for(r.endpoint) is None]
    assert missing == []


@pytest.mark.parametrize("role", ROLES)
def test_rules_hold_for_every_route(app, client, users, role):
    wrong = []
    for rule, method in _routes(app):
        log_in(client, users.by_role(role) if role else None)  # /logout ends the session
        with app.test_request_context():
            access = rule_for(rule.endpoint)
        response = client.open(_url(rule), method=method)
        status = response.status_code
        to_login = status == 302 and "/login" in response.headers.get("Location", "")
        if access.minimum is None or (role and role_rank(role) >= role_rank(access.minimum)):
            refused = status in (401, 403) or to_login
            if refused and rule.endpoint not in SEND_TO_LOGIN:
                wrong.append((method, rule.rule, status, "refused an admitted role"))
        elif role is None:
            expected_anon = 401 if rule.rule.startswith("/api/") else 302
            if status != expected_anon or (status == 302 and not to_login):
                wrong.append((method, rule.rule, status, "anonymous not sent away"))
        elif status != 403:
            wrong.append((method, rule.rule, status, "lower role not refused"))
    assert wrong == []


# --- offices: the same walk as people of another office ------------------------------------

OTHER_OFFICE = "Dinas Kesehatan Kabupaten Tabanan"


def _outsider(role: str) -> User:
    """An account of ``role`` in another office than the home office's events."""
    office = find_office(OTHER_OFFICE) or create_office(OTHER_OFFICE, actor=None, now=utcnow())
    user = create_user(f"{role}@dinkes.test", PASSWORD, role, role, offices=[office])
    db.session.commit()
    return user


def _real_ids(event, person, request_id) -> dict[str, int]:
    """The URL parameters naming real things of the home office's event."""
    return {"event_id": event.id, "participant_id": person.id, "request_id": request_id}


def _url_with(rule: UrlRule, ids: dict[str, int]) -> str:
    values = {}
    for name, converter in rule._converters.items():  # noqa: SLF001 - see _url
        kind = "int" if isinstance(converter, IntegerConverter) else "default"
        values[name] = ids.get(name, PARAMS[kind])
    return rule.build(values, append_unknown=False)[1]


@pytest.mark.parametrize("role", ["organiser", "staff"])
def test_people_of_another_office_reach_nothing_of_an_event(app, client, users, role):
    """Every route naming an event (or a privacy request of one) answers 404 to an organiser
    or staff member of another office, where their role would admit them: ids reveal nothing.
    Routes naming nothing an office owns keep the role rules above."""
    event, people = open_event()
    request_id = record_request(people[0], "access", "", utcnow()).id
    db.session.commit()
    outsider = _outsider(role)
    ids = _real_ids(event, people[0], request_id)
    wrong = []
    for rule, method in _routes(app):
        with app.test_request_context():
            access = rule_for(rule.endpoint)
        if access.minimum is None:
            continue  # public by design: the ticket, the door, the login
        log_in(client, outsider)
        response = client.open(_url_with(rule, ids), method=method)
        status = response.status_code
        owned = set(rule.arguments) & set(OFFICE_OF)
        if role_rank(role) < role_rank(access.minimum):
            if status != 403:
                wrong.append((method, rule.rule, status, "lower role not refused"))
        elif owned and status != 404:
            wrong.append((method, rule.rule, status, "another office's thing not hidden"))
        elif event.title.encode() in response.data:
            wrong.append((method, rule.rule, status, "another office's event shown"))
    assert wrong == []
