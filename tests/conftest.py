"""Fixtures: one database per session built by the migrations, emptied after every test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL points at one
(`make test-pg`). That database is wiped: never point it at real data.
"""

from __future__ import annotations

import contextvars
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.clock import TUESDAY_NINE
from tests.factories import UNIT
from tracker import create_app
from tracker.auth.models import Office, User
from tracker.auth.offices import create_office, find_office
from tracker.auth.services import create_user, issue_token
from tracker.auth.sessions import SEEN_KEY, SESSION_KEY, start_session
from tracker.db import utcnow
from tracker.extensions import db

PASSWORD = "correct horse battery"


class IsolatedClient(FlaskClient):
    """A test client whose requests run like production ones: in their own app context.

    Flask would otherwise reuse the test's app context, so ``g`` (where Flask-Login caches
    the user) and the database session would leak from one request into the next. After the
    request the test's own session is committed, so it sees what the request wrote (and a
    SQLite read snapshot does not hide it).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        # Buffered: a streamed body read later would run outside the request's context.
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.commit()
        return response


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def make_app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Flask]]:
    """Apps on the suite's database; their connection pools are closed when the session ends
    (an unclosed PostgreSQL connection is a ResourceWarning, and warnings are errors)."""
    uploads = tmp_path_factory.mktemp("uploads")
    board_cache = tmp_path_factory.mktemp("board-cache")
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "TRACKER_ENV": "testing",
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "UPLOAD_FOLDER": str(uploads),
            # Jobs wait in memory until a test runs them (jobs fixture): no worker, no file.
            "QUEUE_URL": "memory://",
            # The test client's host is localhost: tests/checkin/test_loopback.py turns the
            # "links point at this computer" warning back on.
            "LOOPBACK_WARNING": False,
            # The board's stream ends within a second (a test reading it reads to its end).
            "BOARD_STREAM_SECONDS": 1.0,
            "BOARD_PUSH_SECONDS": 0.2,
            # The figures the workers share (tracker/checkin/board_cache.py), in the test's
            # folder, emptied with the tables.
            "BOARD_CACHE_URL": f"file://{board_cache}",
        }
        config.update(overrides)
        app = create_app(config)
        app.test_client_class = IsolatedClient
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture(scope="session")
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
    yield app


def _empty_all_tables() -> None:
    from tracker.checkin.live_figures import forget_cached

    forget_cached()  # figures cached under versions of rows about to go
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        _truncate(", ".join(f'"{t.name}"' for t in tables))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def _truncate(names: str, attempts: int = 5) -> None:
    """TRUNCATE, again when PostgreSQL chose it as a deadlock's victim: a browser test's live
    server may still be answering a request of the page just closed, holding a table lock."""
    for attempt in range(attempts):
        try:
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        except OperationalError as exc:
            db.session.rollback()
            if "deadlock" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.2)


def pytest_configure(config: pytest.Config) -> None:
    """``TEST_WALL_CLOCK=15:30`` runs the whole session as if the wall clock read 15:30 UTC
    today (23:30 WITA): what a test does not pin to a named moment is then caught by CI's run at
    that hour, whenever CI runs. The process's clock only: tests marked ``wall_clock`` (their
    servers run in other processes) are left out of that run."""
    at = os.environ.get("TEST_WALL_CLOCK")
    if at:
        hour, minute = (int(part) for part in at.split(":"))
        now = datetime.now(UTC)
        moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        config._wall_clock = time_machine.travel(moment, tick=True)  # type: ignore[attr-defined]
        config._wall_clock.start()  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    wall_clock = getattr(config, "_wall_clock", None)
    if wall_clock is not None:
        wall_clock.stop()


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller | None]:
    """Every test runs at TUESDAY_NINE (the clock ticks on from there); ``clock.move_to(...)``
    or ``clock.shift(...)`` takes it elsewhere. Defined before the other autouse fixtures, so
    that what they build is built at that moment too. None for tests marked ``wall_clock``."""
    if request.node.get_closest_marker("wall_clock"):
        yield None
        return
    with time_machine.travel(TUESDAY_NINE, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _app_context(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that uses the database runs in an app context and leaves the tables empty."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        yield
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Accounts:
    admin: User
    organiser: User
    staff: User

    def by_role(self, role: str) -> User:
        return getattr(self, role)


def home_office() -> Office:
    """The office of the suite's accounts and of the factories' events (tests/factories.UNIT)."""
    return find_office(UNIT) or create_office(UNIT, actor=None, now=utcnow())


@pytest.fixture
def users(app: Flask) -> Accounts:
    """An admin, and an organiser and a staff member of the home office (tests/factories.UNIT)."""
    home = [home_office()]
    accounts = Accounts(
        admin=create_user("admin@diskominfo.test", PASSWORD, "admin", "Admin"),
        organiser=create_user(
            "organiser@diskominfo.test", PASSWORD, "organiser", "Organiser", offices=home
        ),
        staff=create_user("staff@diskominfo.test", PASSWORD, "staff", "Staff", offices=home),
    )
    db.session.commit()
    return accounts


def log_in(client: FlaskClient, user: User | None) -> FlaskClient:
    """Put the user in the client's session (the login form itself is tested separately)."""
    key = None
    if user is not None:  # an open login session, as the login form makes (auth/sessions.py)
        key = start_session(user.id, utcnow())
        db.session.commit()
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
            session[SESSION_KEY] = key
            session[SEEN_KEY] = int(utcnow().timestamp())
    return client


@pytest.fixture
def as_role(client: FlaskClient, users: Accounts) -> Callable[[str | None], FlaskClient]:
    """``as_role("organiser")`` is the client logged in as the organiser; None: anonymous."""

    def become(role: str | None) -> FlaskClient:
        return log_in(client, users.by_role(role) if role else None)

    return become


class ApiClient:
    """The test client with a bearer token and JSON helpers."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kw: Any) -> Any:
        return self._call("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self._call("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self._call("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self._call("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self._call("DELETE", path, **kw)


@pytest.fixture
def api(app: Flask, users: Accounts) -> Callable[[str | None], ApiClient]:
    """``api("organiser")``: an API client with a token of that role; None: no token."""
    tokens = {role: issue_token(users.by_role(role)) for role in ("admin", "organiser", "staff")}
    db.session.commit()

    def for_role(role: str | None) -> ApiClient:
        return ApiClient(app.test_client(), tokens[role] if role else None)

    return for_role
