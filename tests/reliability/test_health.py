"""/healthz: what a load balancer or a monitoring check asks before sending people to a server."""

from __future__ import annotations

import pytest

from tracker.extensions import db

#: Databases that cannot be reached: nothing listens on port 1; a directory that does not exist.
UNREACHABLE = {
    "postgresql": "postgresql+psycopg://tracker@127.0.0.1:1/tracker?connect_timeout=2",
    "sqlite": "sqlite:////nonexistent-directory/tracker.db",
}


def test_healthy_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("kind", sorted(UNREACHABLE))
def test_503_when_the_database_cannot_be_reached(make_app, kind):
    broken = make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE[kind])
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
    with broken.app_context():
        db.engine.dispose()


def test_health_needs_no_login_and_says_nothing_more(make_app):
    """Anonymous (the load balancer has no account); the answer names no host, URL or error."""
    broken = make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE["postgresql"])
    body = broken.test_client().get("/healthz").get_data(as_text=True)
    assert "127.0.0.1" not in body and "psycopg" not in body and "tracker" not in body
    with broken.app_context():
        db.engine.dispose()
