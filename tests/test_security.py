"""No way in: security headers, a CSP the templates can live with, session cookies, and rate
limits on guessing passwords and API tokens (shared between servers through Redis)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import IntegerConverter
from werkzeug.routing import Rule as UrlRule

from tests.conftest import PASSWORD, log_in
from tracker.api.views import REFUSED_CALLS_LIMIT
from tracker.auth.services import issue_token
from tracker.db import utcnow
from tracker.demo import make_demo
from tracker.events.models import Participant
from tracker.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _address() -> str:
    """A client address of its own per test, so rate-limit counters never carry over."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# --- headers ----------------------------------------------------------------------------------


def _assert_secure_headers(response) -> None:
    csp = _policy(response)
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts == ["'self'"], scripts  # no 'unsafe-inline', 'unsafe-eval', data: or hosts
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp.get("style-src", [])
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")


@pytest.mark.parametrize(
    "path",
    ["/login", "/no-such-page", "/api/v1/openapi.json", "/api/v1/events", "/static/css/app.css"],
)
def test_every_kind_of_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # a static file is streamed from disk
    _assert_secure_headers(response)


def test_logged_in_pages_and_api_answers_carry_them_too(as_role, api):
    event = make_demo(utcnow()).event
    db.session.commit()
    page = as_role("organiser").get(f"/events/{event.id}")
    assert page.status_code == 200
    _assert_secure_headers(page)
    answer = api("organiser").get(f"/api/v1/events/{event.id}")
    assert answer.status_code == 200
    _assert_secure_headers(answer)


# --- what the CSP forbids, in the templates and in the pages they make ----------------------

#: Script types that are data, not code: the browser does not run them, CSP does not block them.
DATA_SCRIPTS = ("application/json", "application/ld+json")
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_HANDLER = re.compile(r"(?<![\w:.-])on[a-z]{3,}\s*=\s*[\"'{]", re.I)
_STYLE_ATTR = re.compile(r"(?<![\w:.-])style\s*=\s*[\"'{]", re.I)
_STYLE_BLOCK = re.compile(r"<style\b", re.I)
_JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)
_JINJA_COMMENT = re.compile(r"{#.*?#}", re.S)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def csp_violations(text: str) -> list[tuple[int, str]]:
    """Where ``text`` (a template or a page) has what the CSP would block, by line."""
    text = _JINJA_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found = []
    for match in _SCRIPT.finditer(text):
        attributes, body = match.group(1), match.group(2)
        kind = re.search(r"type\s*=\s*[\"']([^\"']+)", attributes)
        is_data = kind is not None and kind.group(1).strip().lower() in DATA_SCRIPTS
        if "src=" not in attributes and body.strip() and not is_data:
            found.append((_line(text, match.start()), "inline <script>"))
    for pattern, what in (
        (_HANDLER, "inline on...= handler"),
        (_STYLE_ATTR, "style= attribute"),
        (_STYLE_BLOCK, "inline <style>"),
        (_JS_URL, "javascript: URL"),
    ):
        found += [(_line(text, m.start()), what) for m in pattern.finditer(text)]
    return sorted(found)


def test_the_checker_finds_what_the_csp_blocks():
    """The scanner below must not pass by missing things: each rule caught once, data kept."""
    sample = "\n".join(
        [
            '<script>alert("x")</script>',
            '<script src="/static/js/app.js"></script>',
            '<script type="application/json" id="cfg">{"a": 1}</script>',
            '<button onclick="go()">Go</button>',
            '<div style="color: red">',
            "{{ form.name(style='width: 3em') }}",
            "<style>p { color: red }</style>",
            '<a href="javascript:void(0)">x</a>',
            '<div data-style="x" data-onload="y">',
            "{# <script>in a comment</script> #}",
        ]
    )
    assert [line for line, _what in csp_violations(sample)] == [1, 4, 5, 6, 7, 8]


def _templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_what_the_csp_blocks(template):
    assert csp_violations(template.read_text(encoding="utf-8")) == []


def _get_routes(app) -> list[UrlRule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set()) and rule.endpoint != "static"
    ]


def test_no_page_the_app_renders_has_what_the_csp_blocks(app, users):
    """Every GET page, as the admin, with the demo event: macros and form widgets included.

    A plain test client (not the suite's isolated one), so that streamed downloads can be read
    to the end in the context that started them; nothing here writes.
    """
    client = FlaskClient(app, app.response_class, use_cookies=True)
    demo = make_demo(utcnow())
    db.session.commit()
    person = db.session.scalars(select(Participant).order_by(Participant.id)).first()
    event_id, person_id, code = demo.event.id, person.id, person.ticket_code
    checked, wrong = 0, {}
    for rule in _get_routes(app):
        args = {}
        for name, converter in rule._converters.items():  # noqa: SLF001 - no public API
            if isinstance(converter, IntegerConverter):
                args[name] = person_id if "participant" in name else event_id
            else:
                args[name] = code
        url = rule.build(args, append_unknown=False)[1]
        log_in(client, users.admin)  # again each time: a page may have logged us out
        response = client.get(url)
        body = response.get_data()  # read streamed answers (exports) to the end
        response.close()
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        body = body.decode()
        checked += response.status_code == 200
        problems = csp_violations(body)
        if problems:
            wrong[url] = problems
    assert checked >= 10  # pages really rendered, not just redirects and 404s
    assert wrong == {}


# --- cookies ------------------------------------------------------------------------------------


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "the login form has no CSRF token"
    return match.group(1)


def test_production_session_cookie_is_secure_httponly_and_lax(make_app, users):
    production = make_app(
        TRACKER_ENV="production",
        SECRET_KEY="a-long-production-secret-for-the-test",
        BASE_URL="https://tracker.test",
        WTF_CSRF_ENABLED=True,
    )
    assert production.config["SESSION_COOKIE_SECURE"] is True
    client = production.test_client()
    page = client.get("/login", base_url="https://tracker.test")
    response = client.post(
        "/login",
        base_url="https://tracker.test",
        headers={"Referer": "https://tracker.test/login"},  # checked for HTTPS posts
        data={
            "email": users.organiser.email,
            "password": PASSWORD,
            "csrf_token": _csrf_token(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    _dispose(production)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "samesite=lax"} <= flags


def test_development_cookie_is_httponly_and_lax_but_works_over_http(client, users):
    response = client.post("/login", data={"email": users.staff.email, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=lax"} <= flags and "secure" not in flags


# --- rate limits ------------------------------------------------------------------------------


@pytest.fixture
def limited(make_app, app):
    """An app with rate limiting on (the suite's app has it off), in-memory counters.

    Flask-Limiter's extension object is shared by every app of the process and takes the
    settings of the app made last; the fixture makes a fresh one after the test too, so no
    Redis storage is left behind for the next test that turns limits on.
    """
    made = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    yield made
    _dispose(made)
    _reset_limiter(make_app)


def _dispose(app) -> None:
    """Close the app's pooled connections (PostgreSQL warns about ones left to the GC)."""
    with app.app_context():
        db.engine.dispose()


def _reset_limiter(make_app) -> None:
    _dispose(make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://"))


def _wrong_login(client, address: str):
    return client.post(
        "/login",
        data={"email": "organiser@diskominfo.test", "password": "salah-sandi"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_eleventh_failed_login_in_a_minute_gets_a_429_page(limited, users):
    client, address = limited.test_client(), _address()
    statuses = [_wrong_login(client, address).status_code for _ in range(10)]
    assert statuses == [200] * 10  # the form again, with "wrong e-mail or password"
    refused = _wrong_login(client, address)
    assert refused.status_code == 429
    assert "text/html" in refused.headers["Content-Type"]
    page = refused.get_data(as_text=True)
    assert "Wait a minute" in page or "Tunggu" in page
    assert int(refused.headers["Retry-After"]) > 0
    _assert_secure_headers(refused)
    # The right password does not help now either, but another address is not affected.
    right = client.post(
        "/login",
        data={"email": users.organiser.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": address},
    )
    assert right.status_code == 429
    assert _wrong_login(client, _address()).status_code == 200


def test_behind_a_trusted_proxy_each_client_has_its_own_count(make_app, app, users):
    behind = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", TRUSTED_PROXIES=1)
    client, proxy, guesser, colleague = behind.test_client(), _address(), _address(), _address()

    def attempt(who: str):
        return client.post(
            "/login",
            data={"email": "organiser@diskominfo.test", "password": "salah-sandi"},
            environ_base={"REMOTE_ADDR": proxy},
            headers={"X-Forwarded-For": who},
        )

    assert [attempt(guesser).status_code for _ in range(10)] == [200] * 10
    assert attempt(guesser).status_code == 429
    assert attempt(colleague).status_code == 200  # same proxy, another person
    _dispose(behind)
    _reset_limiter(make_app)


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_dodge_the_limit(limited, users):
    client, address = limited.test_client(), _address()
    statuses = [
        client.post(
            "/login",
            data={"email": "organiser@diskominfo.test", "password": "salah-sandi"},
            environ_base={"REMOTE_ADDR": address},
            headers={"X-Forwarded-For": _address()},  # a new "address" every time
        ).status_code
        for _ in range(11)
    ]
    assert statuses == [200] * 10 + [429]


def _limit_count() -> int:
    return int(REFUSED_CALLS_LIMIT.split()[0])


def test_guessing_api_tokens_is_limited_per_address(limited, users):
    token = issue_token(users.staff)
    db.session.commit()
    client, guesser = limited.test_client(), _address()
    paths = ["/api/v1/events", "/api/v1/events/1", "/api/v1/events/1/attendance"]
    for i in range(_limit_count()):
        response = client.get(
            paths[i % len(paths)],
            headers={"Authorization": f"Bearer trk_guess{i}"},
            environ_base={"REMOTE_ADDR": guesser},
        )
        assert response.status_code == 401, i
    refused = client.get(
        "/api/v1/events",
        headers={"Authorization": "Bearer trk_one-more"},
        environ_base={"REMOTE_ADDR": guesser},
    )
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["error"]["code"] == "too_many_requests"
    assert body["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    # A door device elsewhere with a good token goes on working.
    ok = client.get(
        "/api/v1/events",
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": _address()},
    )
    assert ok.status_code == 200


def test_calls_with_a_good_token_never_count_against_the_limit(limited, users):
    token = issue_token(users.staff)
    db.session.commit()
    client, device = limited.test_client(), _address()
    statuses = {
        client.get(
            "/api/v1/events",
            headers={"Authorization": f"Bearer {token}"},
            environ_base={"REMOTE_ADDR": device},
        ).status_code
        for _ in range(_limit_count() + 5)
    }
    assert statuses == {200}


def test_a_good_token_behind_the_guessers_address_is_not_refused(limited, users):
    """Everyone on a venue's Wi-Fi shares one public address: a guesser there must not lock
    the door's devices out."""
    token = issue_token(users.staff)
    db.session.commit()
    client, venue = limited.test_client(), _address()
    for i in range(_limit_count() + 1):
        client.get(
            "/api/v1/events",
            headers={"Authorization": f"Bearer trk_guess{i}"},
            environ_base={"REMOTE_ADDR": venue},
        )
    guess = client.get(
        "/api/v1/events",
        headers={"Authorization": "Bearer trk_one-more"},
        environ_base={"REMOTE_ADDR": venue},
    )
    door = client.get(
        "/api/v1/events",
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": venue},
    )
    assert guess.status_code == 429
    assert door.status_code == 200


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


#: The second server: another process with the same settings, making failed logins.
_OTHER_SERVER = """
import json, sys
from tracker import create_app
config = json.loads(sys.argv[1])
app = create_app(config)
client = app.test_client()
statuses = [
    client.post("/login", data={"email": "x@diskominfo.test", "password": "salah-sandi"},
                environ_base={"REMOTE_ADDR": config["ADDRESS"]}).status_code
    for _ in range(int(sys.argv[2]))
]
print(json.dumps(statuses))
"""


def test_servers_share_the_login_counter_through_redis(make_app, app, database_url):
    if not _redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    address = _address()
    settings = {
        "TRACKER_ENV": "testing",
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
    }
    here = make_app(**settings)
    try:
        client = here.test_client()
        first = [_wrong_login(client, address).status_code for _ in range(6)]
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                _OTHER_SERVER,
                json.dumps({**settings, "ADDRESS": address}),
                "5",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        second = json.loads(other.stdout.strip().splitlines()[-1])
    finally:
        _dispose(here)
        _reset_limiter(make_app)
    assert first == [200] * 6
    assert second == [200] * 4 + [429]  # the other server counted this one's six
