"""Database plumbing shared by every feature: UTC time columns and SQLite's settings.

SQLite is the embedded default and must take several gunicorn workers writing at once:
WAL lets readers go on while one writer writes, the busy timeout makes a writer wait for the
lock instead of failing, and write requests take the write lock when their transaction begins
(``BEGIN IMMEDIATE``), because a transaction that reads first and writes later cannot wait for
the lock in WAL mode: SQLite answers it "database is locked" at once.
"""

from __future__ import annotations

import fcntl
import os
import select
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import click
from flask import Flask, current_app, request
from sqlalchemy import DateTime, Insert, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter

from tracker.extensions import db

#: How long a SQLite writer waits for the lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 15_000
_IMMEDIATE = "sqlite_begin_immediate"
_LATE = "sqlite_begin_late"
F = TypeVar("F", bound=Callable[..., Any])
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


#: Which thread holds each lock file in this process (see WriterQueueConnection).
_QUEUE_HOLDERS: dict[str, int] = {}


class WriterQueueConnection(sqlite3.Connection):
    """pysqlite's connection, whose writers queue on a lock file before they ask SQLite.

    SQLite makes a second writer poll for its lock, sleeping 1, 2, 5, 10 ... 100 ms between
    tries, so under a burst of scans the lock sits free while writers sleep. Here a writer
    first takes ``flock`` on ``<database>-writers`` (each connection has its own file
    description, so the kernel queues workers, processes and threads alike, and wakes the next
    one the moment the lock is let go), and lets go right after its COMMIT or ROLLBACK.

    A writer waits as long as the transaction ahead of it takes (gunicorn's worker timeout
    bounds a stuck one). A thread that holds the lock through another connection (a test's own
    session beside a request it makes) does not queue behind itself: SQLite's busy timeout
    decides then, as it does for processes that do not use the file (the sqlite3 shell).
    """

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._queue_path = ""
        self._queue_fd: int | None = None
        self._queued = False
        path = os.fsdecode(database)
        if path and path != ":memory:" and not path.startswith("file:"):
            self._queue_path = os.path.abspath(path) + "-writers"
            self._queue_fd = os.open(self._queue_path, os.O_RDWR | os.O_CREAT, 0o600)

    def queue_for_write(self) -> None:
        """Wait for this app's other writers (the lock is held until commit or rollback)."""
        if self._queue_fd is None or self._queued:
            return
        me = threading.get_ident()
        if _QUEUE_HOLDERS.get(self._queue_path) == me:
            return
        fcntl.flock(self._queue_fd, fcntl.LOCK_EX)
        self._queued = True
        _QUEUE_HOLDERS[self._queue_path] = me

    def _leave_queue(self) -> None:
        if self._queued:
            self._queued = False
            _QUEUE_HOLDERS.pop(self._queue_path, None)
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)  # type: ignore[arg-type]

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave_queue()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None


def _begin_immediate(conn: Any) -> None:
    """BEGIN IMMEDIATE, after queueing behind this app's other writers."""
    driver = conn.connection.driver_connection
    if isinstance(driver, WriterQueueConnection):
        driver.queue_for_write()
    conn.exec_driver_sql("BEGIN IMMEDIATE")


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
    options = conn.get_execution_options()
    if options.get(_LATE):
        return  # reads run as they come (each one consistent); begin_write() sends the BEGIN
    if options.get(_IMMEDIATE):
        _begin_immediate(conn)
    else:
        conn.exec_driver_sql("BEGIN")


def configure_sqlite(engine: Engine) -> None:
    """Install the WAL, busy-timeout and BEGIN handling on a SQLite engine (no-op otherwise)."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _on_sqlite_connect):
        return
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)


def _server_closed(dbapi_connection: Any) -> bool:
    """Whether the database server has closed a pooled connection, told without a round trip.

    Between requests a connection's socket has nothing to read: every answer was read to its
    end. A server that restarts, or ends the connection (pg_terminate_backend, an idle
    timeout), sends its goodbye and closes; the socket then reads, and that is enough to know.
    SQLAlchemy's ``pool_pre_ping`` asks with a ``SELECT 1`` instead: a round trip that cost
    every request (a scan, a board's poll) about a tenth of its database work."""
    if dbapi_connection.closed:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def _on_server_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    if _server_closed(dbapi_connection):
        # The pool replaces the connection with a new one and hands that out instead.
        raise DisconnectionError("the database server closed this connection")


def configure_server(engine: Engine) -> None:
    """On a database server (PostgreSQL): replace a pooled connection the server has closed
    before a request gets it (no-op on SQLite, where no server can go away)."""
    if engine.dialect.name == "sqlite" or event.contains(engine, "checkout", _on_server_checkout):
        return
    event.listen(engine, "checkout", _on_server_checkout)


def begin_write() -> None:
    """Make the session's transaction a writer (SQLite: BEGIN IMMEDIATE; others: no-op).

    Requests that change data call it, through ``register_db``'s hook, before anything else
    touches the session, so they wait their turn for the lock instead of failing halfway. A
    view marked ``@writes_late`` calls it itself, after its reads: on SQLite those ran outside
    a transaction, and the write lock every worker queues for is held for the writes alone.
    In a transaction that began otherwise (a command, a test) it changes nothing.
    """
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if not session.in_transaction():
        session.connection(execution_options={_IMMEDIATE: True})
        return
    connection = session.connection()
    options = connection.get_execution_options()
    if options.get(_LATE) and not options.get(_IMMEDIATE):
        _begin_immediate(connection)
        connection.execution_options(**{_IMMEDIATE: True})


def insert_many(statement: Insert, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` with ``statement`` without firing statement triggers once per row.

    A plain executemany is one statement per row with psycopg 3, and on PostgreSQL each
    statement fires the statement-level triggers that bump an event's attendance version
    (migration 0010): one update of the same row per inserted row, in one transaction, where
    every update walks the versions the earlier ones left. The cost grew with the square of the
    rows (20,000 participants in batches of 2,000: 2 s for the first batch, 6.5 s for the
    tenth; 200,000 did not finish in 15 minutes). So on PostgreSQL the rows go in by one COPY,
    which fires the triggers once. (Multi-row INSERTs did too, but psycopg parses a statement
    of 1,000 rows' placeholders in Python: 5.6 s of CPU for 20,000 participants, against a
    tenth of that for their COPY.) SQLite's triggers are per row whatever the statement, and
    its executemany, a loop in C, is the cheapest there: given the rows as tuples, bound once
    (SQLAlchemy's executemany built and bound each row's dict anew: a third of the import's
    saving).

    A statement neither can stand for (its own ``values()``, RETURNING, a column the rows leave
    to a Python-side default) goes through SQLAlchemy: multi-row INSERTs on PostgreSQL.
    Raises IntegrityError (SQLAlchemy's, whichever way the rows went) when a row breaks a
    constraint; the transaction must then be rolled back, as after a failed INSERT.
    """
    if not rows:
        return
    dialect = db.session.get_bind().dialect
    columns = list(rows[0])
    table = statement.table
    if isinstance(table, Table) and _bare(statement, table, columns):
        if dialect.name == "sqlite":
            _executemany(table, columns, rows)
            return
        if dialect.driver == "psycopg":
            _copy(table, columns, rows)
            return
    if dialect.name == "sqlite":
        db.session.execute(statement, rows)
        return
    key = list(statement.table.primary_key.columns)  # type: ignore[attr-defined]
    db.session.execute(statement.returning(*key), rows).close()


def _bare(statement: Insert, table: Table, columns: list[str]) -> bool:
    """Whether ``statement`` is a bare INSERT of ``columns`` whose other columns need nothing
    from Python (a server default or NULL is the database's, whichever way the rows go)."""
    if statement._values or statement._returning or statement._multi_values:
        return False
    if statement._post_values_clause is not None:
        return False
    given = set(columns)
    if not given <= set(table.c.keys()):
        return False
    return all(c.key in given or c.default is None for c in table.columns)


def _bound_rows(
    table: Table, columns: list[str], rows: list[dict[str, Any]], dialect: Any
) -> Iterator[list[Any]]:
    """Each row's values in ``columns`` order, bound as the columns' types bind them
    (UTCDateTime: naive UTC). A value the row before had too (an import's one ``now``) is
    bound once."""
    binds = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in columns]
    last: list[Any] = [_UNSET] * len(columns)
    out: list[Any] = [None] * len(columns)
    for row in rows:
        values = [row[key] for key in columns]
        for index, bind in enumerate(binds):
            value = values[index]
            if bind is None:
                continue
            if value is not last[index]:
                last[index], out[index] = value, bind(value)
            values[index] = out[index]
        yield values


_UNSET = object()


def _column_list(table: Table, columns: list[str], dialect: Any) -> str:
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(table.c[key].name) for key in columns)
    return f"{dialect.identifier_preparer.format_table(table)} ({names})"


def _executemany(table: Table, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """One executemany of positional rows on the session's connection (SQLite)."""
    db.session.flush()  # what session.execute would do first: pending objects go in before
    connection = db.session.connection()
    dialect = connection.dialect
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {_column_list(table, columns, dialect)} VALUES ({marks})"
    connection.exec_driver_sql(sql, [tuple(v) for v in _bound_rows(table, columns, rows, dialect)])


def _copy(table: Table, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """COPY ``rows`` into ``table`` on the session's own connection (so in its transaction)."""
    db.session.flush()  # as for _executemany
    connection = db.session.connection()
    dialect = connection.dialect
    sql = f"COPY {_column_list(table, columns, dialect)} FROM STDIN"
    driver = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for values in _bound_rows(table, columns, rows, dialect):
                copy.write_row(values)
    except dialect.loaded_dbapi.Error as exc:
        error = dialect.loaded_dbapi.Error
        raise DBAPIError.instance(sql, None, exc, error, dialect=dialect) from exc


def writes_late(view: F) -> F:
    """Mark a view that reads first and calls ``begin_write()`` itself before it writes.

    For the busiest writes (a scan at the door): on SQLite, the lock that serialises every
    writer is then held for a few statements instead of the whole request.
    """
    view.writes_late = True  # type: ignore[attr-defined]
    return view


def view_writes_late() -> bool:
    """Whether the current request's view is marked ``@writes_late``."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "writes_late", False))


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
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options["connect_args"] = {
            "factory": WriterQueueConnection,
            **options.get("connect_args", {}),
        }
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        configure_server(db.engine)

    @app.before_request
    def _begin_write_transaction() -> None:
        if request.method not in _UNSAFE_METHODS:
            return
        if not view_writes_late():
            begin_write()
        elif db.session.get_bind().dialect.name == "sqlite":
            db.session.connection(execution_options={_LATE: True})


# --- migrations: Flask-Migrate only when something migrates ----------------------------------


class _LazyMigrations:
    """``app.extensions["migrate"]`` until something reads it (``flask db ...``, the backup's
    revision check, the tests' ``flask_migrate.upgrade()``, ``migrations/env.py``): then
    Flask-Migrate is bound for real, which replaces this in ``app.extensions``.

    Flask-Migrate imports Alembic, Mako and Pygments (about 11 MB); a web worker never migrates
    (README, gunicorn settings)."""

    def __init__(self, app: Flask, directory: str) -> None:
        self._app = app
        self._directory = directory

    def load(self) -> Any:
        if self._app.extensions.get("migrate") is not self:
            return self._app.extensions["migrate"]  # loaded already
        from flask_migrate import Migrate

        Migrate(compare_type=True, render_as_batch=True).init_app(
            self._app, db, directory=self._directory
        )
        return self._app.extensions["migrate"]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.load(), name)


class _LazyDbCommands(click.Command):
    """``flask db``: Flask-Migrate's command group, imported when the command runs (its context,
    and so its options, subcommands and help, are the real group's)."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


def register_migrations(app: Flask, directory: str) -> None:
    """``flask db ...`` and ``app.extensions["migrate"]``, as ``Migrate.init_app`` gives them,
    without importing Flask-Migrate until they are used."""
    app.extensions["migrate"] = _LazyMigrations(app, directory)
    app.cli.add_command(_LazyDbCommands("db", help="Perform database migrations."))
