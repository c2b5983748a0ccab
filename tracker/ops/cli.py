"""``flask backup PATH`` and ``flask restore PATH``: a consistent copy of the database and back.

SQLite is copied by the commands themselves (see tracker.ops.backup). For PostgreSQL they print
the pg_dump / pg_restore command lines for the configured database and exit with status 3,
because no copy was made: a cron job that runs ``flask backup`` on PostgreSQL must fail loudly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.ops.backup import (
    BackupError,
    backup_sqlite,
    check_backup,
    postgres_commands,
    restore_sqlite,
    sqlite_file,
)

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

#: Exit status when the command only printed what to run (PostgreSQL): no copy was made.
#: Not 2, which is click's answer to a usage error.
NOT_DONE = 3


def _database() -> tuple[str, Path | None]:
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        return url, sqlite_file(url)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


def _postgres_only(url: str, path: Path, which: str) -> None:
    commands = postgres_commands(url, str(path))
    click.echo(f"The database is PostgreSQL: use its own tools. To {which}, run:")
    click.echo("  " + (commands.backup if which == "back it up" else commands.restore))
    click.echo("(libpq reads the password from PGPASSWORD or ~/.pgpass.)")
    raise SystemExit(NOT_DONE)


def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory  # here: only restore needs Alembic

    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the database to PATH while the app keeps running (SQLite)."""
    url, database = _database()
    if database is None:
        _postgres_only(url, path, "back it up")
        return
    try:
        revision = backup_sqlite(database, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up {database} to {path} (schema revision {revision}).")


def _check_revision(revision: str) -> str:
    """Refuse a backup whose schema this code does not know (made by a newer version)."""
    scripts = _scripts()
    try:
        known = scripts.get_revision(revision)
    except Exception:  # noqa: BLE001 - alembic raises several types for an unknown id
        known = None
    if known is None:
        raise click.ClickException(
            f"The backup has schema revision {revision}, which this version of the app does "
            "not know. Restore it with the version of the app that made it."
        )
    return scripts.get_current_head() or revision


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database with the backup at PATH (SQLite); the current one is kept."""
    url, database = _database()
    if database is None:
        _postgres_only(url, path, "restore it")
        return
    try:
        revision = check_backup(path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    head = _check_revision(revision)
    if not yes:
        click.confirm(
            f"Replace every record in {database} with the backup {path}? Stop the app "
            "servers first. The current database is kept beside it as .before-restore.",
            abort=True,
        )
    try:
        restored = restore_sqlite(path, database)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if restored.previous is not None:
        click.echo(f"The database as it was is kept at {restored.previous}.")
    click.echo(f"Restored {path} into {database} (schema revision {revision}).")
    if revision != head:
        click.echo("The backup's schema is older than this version: run `flask db upgrade` now.")
