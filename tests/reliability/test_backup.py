"""`flask backup` and `flask restore`: a consistent copy taken while the app writes, and back.

The SQLite tests use a database file of their own whatever the suite runs on; the PostgreSQL
test (with TEST_DATABASE_URL) runs the pg_dump command the backup command prints.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tracker.extensions import db
from tracker.ops.backup import check_backup


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    """An app on a SQLite file of its own, built by the migrations."""
    path = tmp_path / "tracker.db"
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        db.engine.dispose()
    app.db_path = path
    yield app
    with app.app_context():
        db.engine.dispose()


def _cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def _venues(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM venues ORDER BY id")]
    finally:
        conn.close()


def _add_venue(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("INSERT INTO venues (name, created_at) VALUES (?, '2026-07-22 01:00:00')", (name,))
    conn.commit()


class Writer(threading.Thread):
    """Commits one venue after another, v0, v1, ..., until stopped: the app at work."""

    def __init__(self, path) -> None:
        super().__init__(daemon=True)
        self.path, self.written, self.stop, self.error = path, 0, threading.Event(), None

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=15)
        try:
            while not self.stop.is_set():
                _add_venue(conn, f"v{self.written}")
                self.written += 1
        except BaseException as exc:  # noqa: BLE001 - checked by the test
            self.error = exc
        finally:
            conn.close()


def test_backup_while_the_app_writes_is_a_consistent_snapshot(sqlite_app, tmp_path):
    writer = Writer(sqlite_app.db_path)
    writer.start()
    while writer.written < 200 and writer.error is None:
        time.sleep(0.01)
    at_start = writer.written
    result = _cli(sqlite_app, "backup", str(tmp_path / "backup.db"))
    at_end = writer.written
    time.sleep(0.05)
    writer.stop.set()
    writer.join(timeout=10)

    assert writer.error is None
    assert result.exit_code == 0, result.output
    assert "backup.db" in result.output
    assert writer.written > at_end  # the app kept writing during and after the copy
    names = _venues(tmp_path / "backup.db")
    # Every commit up to one moment, none after it, nothing torn: v0 ... v(k-1).
    assert at_start <= len(names) <= at_end
    assert names == [f"v{i}" for i in range(len(names))]
    assert check_backup(tmp_path / "backup.db")  # integrity check and schema revision
    assert not (tmp_path / "backup.db.part").exists()
    assert not (tmp_path / "backup.db-wal").exists()  # one self-contained file


def test_restore_brings_the_data_back_and_keeps_what_it_replaced(sqlite_app, tmp_path):
    conn = sqlite3.connect(sqlite_app.db_path)
    for name in ("Ruang Rapat", "Aula"):
        _add_venue(conn, name)
    assert _cli(sqlite_app, "backup", str(tmp_path / "backup.db")).exit_code == 0
    conn.execute("DELETE FROM venues WHERE name = 'Aula'")
    _add_venue(conn, "Gedung Baru")
    conn.close()

    with sqlite_app.app_context():  # a running app's pooled connection, open across the restore
        assert db.session.scalar(text("SELECT COUNT(*) FROM venues WHERE name = 'Aula'")) == 0
        db.session.commit()
        result = _cli(sqlite_app, "restore", str(tmp_path / "backup.db"), "--yes")
        assert result.exit_code == 0, result.output
        names = db.session.scalars(text("SELECT name FROM venues ORDER BY id")).all()
        assert names == ["Ruang Rapat", "Aula"]
        db.session.remove()

    kept = sqlite_app.db_path.with_name("tracker.db.before-restore")
    assert str(kept) in result.output
    assert _venues(kept) == ["Ruang Rapat", "Gedung Baru"]
    # A second restore never overwrites the first one's safety copy.
    assert _cli(sqlite_app, "restore", str(tmp_path / "backup.db"), "--yes").exit_code == 0
    assert _venues(kept) == ["Ruang Rapat", "Gedung Baru"]
    assert sqlite_app.db_path.with_name("tracker.db.before-restore.2").exists()


def test_restore_asks_first_and_a_no_changes_nothing(sqlite_app, tmp_path):
    conn = sqlite3.connect(sqlite_app.db_path)
    _add_venue(conn, "Aula")
    assert _cli(sqlite_app, "backup", str(tmp_path / "backup.db")).exit_code == 0
    _add_venue(conn, "Gedung Baru")
    conn.close()
    result = _cli(sqlite_app, "restore", str(tmp_path / "backup.db"), input="n\n")
    assert result.exit_code != 0
    assert "Stop the app servers first" in result.output
    assert _venues(sqlite_app.db_path) == ["Aula", "Gedung Baru"]
    assert not sqlite_app.db_path.with_name("tracker.db.before-restore").exists()


def _not_ours(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    return path


def _from_the_future(sqlite_app, tmp_path):
    path = tmp_path / "future.db"
    shutil.copy(sqlite_app.db_path, path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    ("make_file", "reason"),
    [
        (lambda app, tmp: tmp.joinpath("notes.txt").write_text("daftar hadir") and None, "not"),
        (lambda app, tmp: _not_ours(tmp), "alembic_version"),
        (_from_the_future, "9999"),
    ],
    ids=["not-sqlite", "not-a-tracker-database", "unknown-revision"],
)
def test_restore_refuses_what_is_not_a_backup_of_this_app(sqlite_app, tmp_path, make_file, reason):
    path = make_file(sqlite_app, tmp_path) or tmp_path / "notes.txt"
    conn = sqlite3.connect(sqlite_app.db_path)
    _add_venue(conn, "Aula")
    conn.close()
    result = _cli(sqlite_app, "restore", str(path), "--yes")
    assert result.exit_code == 1
    assert reason in result.output
    assert _venues(sqlite_app.db_path) == ["Aula"]


def test_backup_never_overwrites_a_file(sqlite_app, tmp_path):
    existing = tmp_path / "backup.db"
    existing.write_text("yesterday's backup")
    result = _cli(sqlite_app, "backup", str(existing))
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert existing.read_text() == "yesterday's backup"


def test_on_postgresql_the_commands_print_pg_dump_and_pg_restore(make_app, tmp_path):
    app = make_app(
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://panitia:rahasia@db.local:5433/tracker"
    )
    backup = _cli(app, "backup", str(tmp_path / "tracker.dump"))
    (tmp_path / "tracker.dump").write_bytes(b"PGDMP")
    restore = _cli(app, "restore", str(tmp_path / "tracker.dump"), "--yes")
    assert (backup.exit_code, restore.exit_code) == (3, 3), backup.output  # nothing copied
    dump_line = (
        f"--dbname=postgresql://panitia@db.local:5433/tracker --file={tmp_path}/tracker.dump"
    )
    assert "pg_dump --format=custom" in backup.output and dump_line in backup.output
    assert "pg_restore --clean --if-exists" in restore.output
    assert "rahasia" not in backup.output + restore.output  # the password is never printed


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL") or not shutil.which("pg_dump"),
    reason="needs PostgreSQL (TEST_DATABASE_URL) and pg_dump",
)
def test_the_printed_pg_dump_command_makes_a_backup_pg_restore_reads(
    make_app, fresh_database_url, tmp_path
):
    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    with app.app_context():
        upgrade()
        db.session.execute(text("INSERT INTO venues (name, created_at) VALUES ('Aula', now())"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    result = _cli(app, "backup", str(tmp_path / "tracker.dump"))
    line = next(row.strip() for row in result.output.splitlines() if "pg_dump" in row)
    subprocess.run(shlex.split(line), check=True, timeout=60)
    listing = subprocess.run(
        ["pg_restore", "--list", str(tmp_path / "tracker.dump")],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "TABLE DATA public venues" in listing
    assert "TABLE DATA public alembic_version" in listing
    data = subprocess.run(
        ["pg_restore", "--data-only", "--table=venues", "--file=-", str(tmp_path / "tracker.dump")],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "Aula" in data
