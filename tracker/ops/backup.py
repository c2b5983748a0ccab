"""Backing up and restoring the database. Pure module: no Flask, no app configuration.

SQLite is copied with SQLite's own online-backup API (``sqlite3.Connection.backup``), never
with ``cp``: the app keeps a write-ahead log beside the file (``-wal``), and a plain copy taken
while a request writes can be torn or miss the last committed check-ins. The backup API reads
one consistent snapshot while the app goes on writing.

A restore writes the backup into the live database through the same API, so the app's open
connections see the restored data instead of a file swapped under their feet; the current
database is first copied to ``<db>.before-restore`` so a wrong restore can be undone.

PostgreSQL is backed up with its own tools; :func:`postgres_commands` spells them out.
"""

from __future__ import annotations

import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

#: How long a backup or restore waits for a writer to finish before giving up, in seconds.
LOCK_TIMEOUT = 30.0


class BackupError(RuntimeError):
    """The backup or restore cannot be done; ``str(exc)`` says why, for the operator."""


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases.

    Raises BackupError for an in-memory SQLite database (nothing to back up).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        raise BackupError(f"{url} is not a SQLite database file.")
    return Path(parsed.database)


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    mode = "ro" if read_only else "rw"
    try:
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=LOCK_TIMEOUT
        )
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot open {path}: {exc}.") from None


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    try:
        source.backup(target)  # all pages in one step: one consistent snapshot
    except sqlite3.Error as exc:
        raise BackupError(f"The copy failed: {exc}.") from None


def backup_sqlite(database: Path, target: Path) -> str:
    """Copy the live SQLite database to ``target`` and return the copy's schema revision.

    The copy is written to ``<target>.part`` and renamed when complete and checked, so a
    crash never leaves a half-written file under the backup's name. Raises BackupError when
    the database is missing, the target exists or is the database itself, or the copy fails
    its integrity check.
    """
    if not database.is_file():
        raise BackupError(f"There is no database at {database}.")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    if target.resolve() == database.resolve():
        raise BackupError("The backup cannot be written over the database itself.")
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    source = _connect(database, read_only=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            _copy(source, copy)
            # One self-contained file: the copy carries the live database's WAL mode along.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    try:
        revision = check_backup(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)
    return revision


def check_backup(path: Path) -> str:
    """The schema revision of a backup file, after checking that it is one of ours.

    Raises BackupError when the file is missing, is not a SQLite database, fails SQLite's
    integrity check, or has no ``alembic_version`` (it is not this app's database).
    """
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    conn = _connect(path, read_only=True)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"{path} is damaged: {verdict}")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            raise BackupError(f"{path} is not a tracker database (no alembic_version).") from None
        raise BackupError(f"{path} is not a SQLite database: {exc}.") from None
    finally:
        conn.close()
    if row is None:
        raise BackupError(f"{path} has no schema revision; it is not a tracker database.")
    return str(row[0])


def free_name(path: Path) -> Path:
    """``path``, else ``path.2``, ``path.3``...: the first free name, so nothing is overwritten."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate


@dataclass(frozen=True)
class Restored:
    revision: str
    #: Where the database as it was before the restore was kept; None when there was none.
    previous: Path | None


def restore_sqlite(backup: Path, database: Path) -> Restored:
    """Replace the database's content with the backup's, keeping the current one beside it.

    Raises BackupError when the backup is not a sound tracker database (see check_backup) or
    the database stays locked by a writer for LOCK_TIMEOUT seconds.
    """
    revision = check_backup(backup)
    if database.exists() and backup.resolve() == database.resolve():
        raise BackupError("The backup is the database itself.")
    previous = None
    if database.exists():
        previous = free_name(database.with_name(database.name + ".before-restore"))
        backup_sqlite(database, previous)
    source = _connect(backup, read_only=True)
    try:
        target = sqlite3.connect(database, timeout=LOCK_TIMEOUT)
        try:
            _copy(source, target)
        finally:
            target.close()
    finally:
        source.close()
    return Restored(revision, previous)


@dataclass(frozen=True)
class PostgresCommands:
    backup: str
    restore: str


def postgres_commands(url: str, path: str) -> PostgresCommands:
    """The pg_dump / pg_restore command lines for a PostgreSQL URL, password left out.

    libpq reads the password from PGPASSWORD or ~/.pgpass; the printed command never
    carries it, so it does not end up in a terminal's scrollback or a ticket.
    """
    given = make_url(url)
    bare = URL.create(
        "postgresql",
        username=given.username,
        host=given.host,
        port=given.port,
        database=given.database,
        query=given.query,
    )
    conninfo = bare.render_as_string(hide_password=False)
    dbname = shlex.quote(conninfo)
    target = shlex.quote(path)
    return PostgresCommands(
        backup=f"pg_dump --format=custom --no-owner --dbname={dbname} --file={target}",
        restore=(
            "pg_restore --clean --if-exists --no-owner --single-transaction "
            f"--dbname={dbname} {target}"
        ),
    )
