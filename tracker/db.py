"""Database plumbing shared by every feature: UTC time columns and SQLite's settings.

SQLite is the embedded default and must take several gunicorn workers writing at once:
WAL lets readers go on while one writer writes, the busy timeout makes a writer wait for the
lock instead of failing, and write requests take the write lock when their transaction begins
(``BEGIN IMMEDIATE``), because a transaction that reads first and writes later cannot wait for
the lock in WAL mode: SQLite answers it "database is locked" at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, request
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter

from tracker.extensions import db

#: How long a SQLite writer waits for the lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 15_000
_IMMEDIATE = "sqlite_begin_immediate"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The largest id a row can have (INTEGER on PostgreSQL): the bound for ids in request bodies.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored as naive UTC on every database and read back timezone-aware.

    Raises ValueError when given a naive datetime: its zone would be a guess.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is deferred and late).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get(_IMMEDIATE)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def configure_sqlite(engine: Engine) -> None:
    """Install the WAL, busy-timeout and BEGIN handling on a SQLite engine (no-op otherwise)."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _on_sqlite_connect):
        return
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)


def begin_write() -> None:
    """Start the session's transaction as a writer (SQLite: BEGIN IMMEDIATE; others: no-op).

    Called before anything else touches the session in a request that will write, so the
    request waits its turn for the lock instead of failing halfway through.
    """
    if db.session().in_transaction():
        return
    if db.engine.dialect.name == "sqlite":
        db.session.connection(execution_options={_IMMEDIATE: True})


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs, at most 9 digits: a longer number is taken for no id, so the route
    does not match (404), instead of overflowing PostgreSQL's INTEGER (a 500). A pattern, not
    ``max=``: werkzeug answers a failed ``max`` with 405 when the path has other methods."""

    regex = r"\d{1,9}"


def register_db(app: Flask) -> None:
    """Bind Flask-SQLAlchemy and take the write lock early in requests that change data.

    Also installs IdConverter for ``<int:...>`` (before any blueprint adds its routes).
    """
    app.url_map.converters["int"] = IdConverter
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)

    @app.before_request
    def _begin_write_transaction() -> None:
        if request.method in _UNSAFE_METHODS:
            begin_write()
