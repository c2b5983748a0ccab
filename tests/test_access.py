"""Every route has a role rule, and the rule holds for every role and for nobody.

This walks every registered route with every method. A route added without @public or
@requires(...) fails `test_every_route_declares_a_rule`.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter
from werkzeug.routing import Rule as UrlRule

from tests.conftest import log_in
from tracker.auth.access import rule_for
from tracker.auth.roles import role_rank

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
