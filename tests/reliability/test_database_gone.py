"""A pooled connection the database server closed (a restart, pg_terminate_backend, an idle
timeout) is replaced before a request gets it: the request is answered, not failed; a healthy
one is handed out again as it is, without a statement to ask (tracker.db.configure_server)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import event, text

from tracker.extensions import db


@pytest.fixture
def server_db(app) -> Iterator[None]:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a database server's connections; this run is on SQLite")
    db.session.remove()  # the test's own connection back in the pool too
    yield
    db.session.remove()


def _pooled_pids() -> list[int]:
    """The server process of every connection in the pool, each checked out once."""
    held = [db.engine.connect() for _ in range(max(db.engine.pool.checkedin(), 1))]
    try:
        return [conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() for conn in held]
    finally:
        for conn in held:
            conn.rollback()
            conn.close()


def _terminate(pids: list[int]) -> None:
    """From a connection of its own, end those server processes and wait until they are gone."""
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn:
        for pid in pids:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _attempt in range(100):
            alive = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)
            ).fetchone()
            if alive == (0,):
                return
            time.sleep(0.05)
    raise AssertionError(f"server processes {pids} did not end")


def _connects() -> list[object]:
    made: list[object] = []
    event.listen(db.engine, "connect", lambda *_args: made.append(1))
    return made


def test_requests_go_on_after_the_server_closed_every_pooled_connection(server_db, client):
    assert client.get("/healthz").status_code == 200
    killed = _pooled_pids()
    _terminate(killed)

    for _request in range(3):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.get_json()["database"] == "ok"
    assert db.session.execute(text("SELECT pg_backend_pid()")).scalar() not in killed


def test_a_live_connection_is_reused_without_a_ping(server_db, client):
    assert client.get("/healthz").status_code == 200
    made = _connects()

    for _request in range(10):
        assert client.get("/healthz").status_code == 200

    assert made == []  # no connection was replaced
    assert not db.engine.pool._pre_ping  # noqa: SLF001 - no SELECT 1 before each request
