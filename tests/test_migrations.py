"""The schema comes only from migrations: one head, upgrade from empty, and no drift from the
models (a model changed without a migration fails here)."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tracker.extensions import db


def _script(app) -> ScriptDirectory:
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def test_one_head(app):
    assert len(_script(app).get_heads()) == 1


def test_suite_database_is_at_head_and_matches_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() == _script(app).get_current_head()
        assert compare_metadata(context, db.metadata) == []


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A brand-new empty database of the suite's kind."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"tracker_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_builds_every_table(make_app, empty_database_url):
    fresh = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with fresh.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        assert "alembic_version" in tables
        db.engine.dispose()


def test_offices_migration_keeps_every_event_reachable(make_app, empty_database_url):
    """0013 makes an office of every organiser unit in use (spaces and case aside), puts each
    event in its unit's office, keeps today's accounts reaching what they reached, and moves
    each certificate register to its office."""
    fresh = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with fresh.app_context():
        upgrade(revision="0009")
        at = "2026-11-24 01:00:00"
        with db.engine.begin() as conn:
            for email, role in (("a@x.test", "admin"), ("o@x.test", "organiser")):
                conn.execute(
                    text(
                        "INSERT INTO users (email, password_hash, role, created_at) "
                        "VALUES (:e, 'x', :r, :at)"
                    ),
                    {"e": email, "r": role, "at": at},
                )
            for title, unit in (
                ("A", "Diskominfo Kabupaten Tabanan"),
                ("B", "diskominfo  kabupaten tabanan "),
                ("C", "Dinas Kesehatan"),
                ("D", ""),
            ):
                conn.execute(
                    text(
                        "INSERT INTO events (title, organiser_unit, starts_at, ends_at, topics, "
                        "speakers, created_at, updated_at) "
                        "VALUES (:t, :u, :at, :at, '[]', '[]', :at, :at)"
                    ),
                    {"t": title, "u": unit, "at": at},
                )
            conn.execute(
                text(
                    "INSERT INTO certificate_registers (office_key, office, pattern, updated_at) "
                    "VALUES ('dinas kesehatan', 'Dinas Kesehatan', '{seq}', :at)"
                ),
                {"at": at},
            )
        upgrade()
        with db.engine.connect() as conn:
            offices = dict(conn.execute(text("SELECT name, id FROM offices")).all())
            events = dict(
                conn.execute(
                    text(
                        "SELECT e.title, o.name FROM events e JOIN offices o ON o.id = e.office_id"
                    )
                ).all()
            )
            members = conn.execute(
                text(
                    "SELECT u.email, m.office_id, m.role FROM memberships m "
                    "JOIN users u ON u.id = m.user_id"
                )
            ).all()
            register_office = conn.execute(
                text("SELECT office_id FROM certificate_registers")
            ).scalar_one()
        db.engine.dispose()
    assert set(offices) == {"Diskominfo Kabupaten Tabanan", "Dinas Kesehatan", "Kantor tanpa nama"}
    assert events == {
        "A": "Diskominfo Kabupaten Tabanan",
        "B": "Diskominfo Kabupaten Tabanan",
        "C": "Dinas Kesehatan",
        "D": "Kantor tanpa nama",
    }
    assert sorted(members) == sorted(("o@x.test", i, "organiser") for i in offices.values())
    assert register_office == offices["Dinas Kesehatan"]
