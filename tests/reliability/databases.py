"""Brand-new databases of the suite's kind, for tests that run servers or need their own data."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextlib.contextmanager
def new_database(database_url: str, directory: Path) -> Iterator[str]:
    """An empty database: a SQLite file in ``directory``, or (when the suite runs on
    PostgreSQL) a database created for the caller and dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{directory / f'fresh-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"tracker_rel_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
