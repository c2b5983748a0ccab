"""Configuration from the environment, and the SQLite settings for several workers."""

import pytest
from sqlalchemy import text

from config import ConfigError, database_url, load_config
from tracker import create_app
from tracker.extensions import db


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config({}, str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"TRACKER_ENV": "production", "SECRET_KEY": ""})


def test_production_with_secret_key_has_secure_cookies(tmp_path):
    config = load_config({"SECRET_KEY": "s" * 40, "BASE_URL": "https://x.test"}, str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_keeps_a_generated_key_across_restarts(tmp_path):
    first = load_config({"TRACKER_ENV": "development"}, str(tmp_path))["SECRET_KEY"]
    second = load_config({"TRACKER_ENV": "development"}, str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 40


def test_defaults(tmp_path):
    config = load_config({"TRACKER_ENV": "development"}, str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/tracker.db"
    assert config["TIMEZONE"] == "Asia/Makassar"
    assert config["PORT"] == 5000
    assert config["BABEL_DEFAULT_LOCALE"] == "id"


def test_environment_overrides(tmp_path):
    env = {
        "TRACKER_ENV": "development",
        "TIMEZONE": "Asia/Jakarta",
        "PORT": "8080",
        "DATABASE_URL": "postgres://u@db/x",
    }
    config = load_config(env, str(tmp_path))
    assert config["TIMEZONE"] == "Asia/Jakarta"
    assert config["PORT"] == 8080
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/x"


def test_unknown_timezone_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        load_config({"TRACKER_ENV": "development", "TIMEZONE": "Mars/Olympus"}, str(tmp_path))


def test_database_url_forms():
    assert database_url("postgresql://a@b/c", "/x") == "postgresql+psycopg://a@b/c"
    assert database_url("sqlite:////tmp/a.db", "/x") == "sqlite:////tmp/a.db"


def test_sqlite_runs_with_wal_and_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings; this run is on PostgreSQL")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_factory_does_not_touch_the_database(tmp_path):
    missing = tmp_path / "nowhere" / "db.sqlite"
    create_app(
        {
            "TRACKER_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}",
        }
    )
    assert not missing.exists()
