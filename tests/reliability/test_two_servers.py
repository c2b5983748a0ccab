"""The production set-up with two app servers (README, "Several app servers behind a proxy"):
two gunicorns as production runs them, on one PostgreSQL and one Redis, with one upload folder
both can read. A limit counted on one is counted on the other, the board is right on both (a
scan through one reaches a screen streaming from the other), and a photo uploaded to one is
served by the other.

Runs in the suite's PostgreSQL run (`make test-pg`), in a database of its own; Redis is
TEST_REDIS_URL (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import http.client
import io
import json
import os
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade

from tests.compliance.helpers import jpeg_bytes
from tests.factories import UNIT, make_event
from tests.reliability.databases import new_database
from tests.reliability.servers import Server, free_port, request
from tracker.api.views import REFUSED_CALLS_LIMIT
from tracker.auth.offices import create_office
from tracker.auth.services import create_user, issue_token
from tracker.compliance.services import attach_template, load_builtin_templates
from tracker.db import utcnow
from tracker.events.registration import ParticipantInput, register_participants
from tracker.extensions import db

pytestmark = [pytest.mark.slow, pytest.mark.wall_clock]

SECRET = "two-servers-secret"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
#: Each server as the README runs it: two gthread workers of four threads.
PRODUCTION = ("--workers", "2", "--worker-class", "gthread", "--threads", "4")


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")


def _seed(make_app, url: str) -> dict:
    app = make_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET)
    with app.app_context():
        upgrade()
        now = utcnow()
        load_builtin_templates(now)
        office = create_office(UNIT, actor=None, now=now)
        organiser = create_user(
            "panitia@diskominfo.test", "correct horse battery", "organiser", offices=[office]
        )
        event = make_event(organiser, starts_at=now + timedelta(hours=1), title="Dua server")
        people = [
            ParticipantInput(name=f"Peserta {i}", agency="Dinas Kominfo", email=f"p{i}@x.go.id")
            for i in range(3)
        ]
        registered = register_participants(event, people, now, source="test")
        checklist = attach_template(event, "pergub-bali-97-2018", organiser, now)
        seeded = {
            "event": event.id,
            "codes": [p.ticket_code for p in registered],
            "token": issue_token(organiser, "two servers"),
            "checklist": checklist.id,
            "item": checklist.items[0].id,
        }
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return seeded


@pytest.fixture(scope="module")
def two_servers(make_app, database_url, tmp_path_factory):
    """Started once for the module's tests (each uses its own tickets and client address)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several app servers share a PostgreSQL (README); `make test-pg` runs this")
    _redis_or_skip()
    tmp_path = tmp_path_factory.mktemp("two-servers")
    with new_database(database_url, tmp_path) as url:
        yield from _run_two(make_app, url, tmp_path)


def _run_two(make_app, fresh_database_url: str, tmp_path: Path):
    seeded = _seed(make_app, fresh_database_url)
    shared = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_ENABLED": "1",
        # As behind the README's nginx: the client's address from X-Forwarded-For (each test
        # its own address, so counts in the one Redis never carry over).
        "TRUSTED_PROXIES": "1",
        "UPLOAD_FOLDER": str(tmp_path / "shared-uploads"),
        "BOARD_PUSH_SECONDS": "0.2",
        "BOARD_STREAM_SECONDS": "20",
    }
    servers = [
        Server(fresh_database_url, free_port(), tmp_path / f"{name}.log", SECRET, env=shared,
               args=PRODUCTION)
        for name in ("a", "b")
    ]  # fmt: skip
    try:
        for server in servers:
            server.start()
        yield {**seeded, "uploads": shared["UPLOAD_FOLDER"]}, servers[0].port, servers[1].port
    finally:
        for server in servers:
            server.stop()


def _scan(port: int, seeded: dict, code: str) -> None:
    body = {"code": code, "gate": "A", "nonce": uuid.uuid4().hex}
    path = f"/api/v1/events/{seeded['event']}/checkins"
    status, answer = request(port, "POST", path, body, seeded["token"])
    assert status == 201, answer


def _figures(port: int, seeded: dict) -> dict:
    path = f"/api/v1/events/{seeded['event']}/attendance"
    status, answer = request(port, "GET", path, token=seeded["token"])
    assert status == 200, answer
    return answer


def _stream(port: int, path: str, cookie: str, until: int, into: list[int]) -> None:
    """Read the board's stream until a figures event says ``until`` people are in."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Accept": "text/event-stream"})
        response = conn.getresponse()
        assert response.status == 200
        while line := response.fp.readline():
            if line.startswith(b"data: "):
                into.append(json.loads(line[6:])["checked_in"])
                if into[-1] >= until:
                    return
    finally:
        conn.close()


def test_the_board_is_right_on_both_servers(two_servers):
    seeded, a, b = two_servers
    assert _figures(b, seeded)["checked_in"] == 0
    _scan(a, seeded, seeded["codes"][0])
    assert _figures(b, seeded)["checked_in"] == 1  # B's cached figures moved with A's write
    assert _figures(a, seeded)["checked_in"] == 1

    # A screen logged in on A streams from B (one SECRET_KEY: the cookie is good on both).
    browser = requests.Session()
    page = browser.get(f"http://127.0.0.1:{a}/login")
    assert page.status_code == 200
    seen: list[int] = []
    cookie = "; ".join(f"{k}={v}" for k, v in _logged_in(browser, a).items())
    path = f"/events/{seeded['event']}/board/stream"
    reader = threading.Thread(target=_stream, args=(b, path, cookie, 2, seen))
    reader.start()
    _scan(a, seeded, seeded["codes"][1])
    reader.join(timeout=20)
    assert not reader.is_alive()
    assert seen[0] in (1, 2) and seen[-1] == 2


def _logged_in(browser: requests.Session, port: int) -> dict[str, str]:
    import re

    page = browser.get(f"http://127.0.0.1:{port}/login").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": "panitia@diskominfo.test", "password": "correct horse battery"}
    if csrf:
        form["csrf_token"] = csrf.group(1)
    answer = browser.post(f"http://127.0.0.1:{port}/login", data=form, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    return browser.cookies.get_dict()


def test_a_rate_limit_counted_on_one_server_is_counted_on_the_other(two_servers):
    """API calls refused 401: REFUSED_CALLS_LIMIT a minute per address, for all servers."""
    seeded, a, b = two_servers
    limit = int(REFUSED_CALLS_LIMIT.split()[0])
    client = {"X-Forwarded-For": f"10.{uuid.uuid4().int % 250}.7.7"}

    def call(port: int, token: str = "wrong") -> int:
        return request(port, "GET", "/api/v1/events", token=token, headers=client)[0]

    statuses = [call(a if i % 2 else b) for i in range(limit)]
    assert statuses == [401] * limit  # half on each server: neither reached the limit alone
    assert (call(a), call(b)) == (429, 429)
    assert call(b, seeded["token"]) == 200  # a good token is never limited


def test_a_photo_uploaded_to_one_server_is_served_by_the_other(two_servers):
    seeded, a, b = two_servers
    item = (
        f"/api/v1/events/{seeded['event']}/checklists/{seeded['checklist']}"
        f"/items/{seeded['item']}/photos"
    )
    auth = {"Authorization": f"Bearer {seeded['token']}"}
    upload = requests.post(
        f"http://127.0.0.1:{a}{item}",
        files={"photo": ("bukti.jpg", io.BytesIO(jpeg_bytes(800, 600)), "image/jpeg")},
        headers=auth,
        timeout=20,
    )
    assert upload.status_code == 201, upload.text
    photo = upload.json()
    from_b = requests.get(f"http://127.0.0.1:{b}{photo['url']}", headers=auth, timeout=20)
    from_a = requests.get(f"http://127.0.0.1:{a}{photo['url']}", headers=auth, timeout=20)
    assert from_b.status_code == 200 and from_b.content == from_a.content
    assert from_b.content[:3] == b"\xff\xd8\xff"
    assert any(path.is_file() for path in Path(seeded["uploads"]).rglob("*"))  # the one folder
