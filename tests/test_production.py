"""Production cannot be misconfigured quietly (issue 13.6): it refuses to start without
BASE_URL (or TRUSTED_HOSTS), several workers refuse memory:// rate limits, HSTS over HTTPS, a
JPEG's comment is stripped, report dates at the calendar's edges answer 422, a lost database
answers 503."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from config import ConfigError, load_config, worker_limits_problem
from tests.conftest import log_in
from tests.factories import dispose
from tracker.compliance.photos import prepare_photo

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET = {"SECRET_KEY": "s" * 48}


def test_production_refuses_to_start_without_base_url(tmp_path):
    with pytest.raises(ConfigError, match="BASE_URL"):
        load_config(SECRET, str(tmp_path))
    with pytest.raises(ConfigError, match="BASE_URL"):
        load_config({**SECRET, "BASE_URL": "  "}, str(tmp_path))
    config = load_config({**SECRET, "BASE_URL": "https://hadir.example.go.id/"}, str(tmp_path))
    assert config["BASE_URL"] == "https://hadir.example.go.id"
    hosts = load_config({**SECRET, "TRUSTED_HOSTS": "hadir.example.go.id, 10.0.0.5"}, "/x")
    assert hosts["TRUSTED_HOSTS"] == ["hadir.example.go.id", "10.0.0.5"]


def test_with_trusted_hosts_a_forged_host_header_gets_nowhere(make_app, app):
    production = make_app(TRACKER_ENV="production", TRUSTED_HOSTS="hadir.example.go.id")
    try:
        client = production.test_client()
        assert client.get("/login", base_url="https://hadir.example.go.id").status_code == 200
        assert client.get("/login", base_url="https://evil.example").status_code == 400
    finally:
        dispose(production)


@pytest.mark.parametrize(
    ("env", "workers", "refused"),
    [
        ({}, 2, True),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, 4, True),
        ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"}, 4, False),
        ({}, 1, False),
        ({"RATELIMIT_ENABLED": "0"}, 4, False),
        ({"TRACKER_ENV": "testing"}, 4, False),
    ],
)
def test_several_workers_refuse_memory_rate_limits(tmp_path, env, workers, refused):
    problem = worker_limits_problem({**SECRET, **env}, workers, str(tmp_path))
    assert (problem is not None) == refused
    if refused:
        assert "RATELIMIT_STORAGE_URI" in problem


def test_gunicorn_with_two_workers_and_memory_limits_does_not_start(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "RATELIMIT_"))},
        "TRACKER_ENV": "production",
        "SECRET_KEY": "s" * 48,
        "BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/t.db",
    }
    done = subprocess.run(
        [str(GUNICORN), "--workers", "2", "--bind", "127.0.0.1:0", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "RATELIMIT_STORAGE_URI" in done.stderr


def test_hsts_only_over_https_in_production(make_app, app):
    production = make_app(TRACKER_ENV="production", BASE_URL="https://hadir.example.go.id")
    try:
        client = production.test_client()
        secure = client.get("/login", base_url="https://hadir.example.go.id")
        assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
        plain = client.get("/login", base_url="http://hadir.example.go.id")
        assert "Strict-Transport-Security" not in plain.headers
    finally:
        dispose(production)
    assert (
        "Strict-Transport-Security"
        not in app.test_client().get("/login", base_url="https://x.test").headers
    )  # not in testing or development


def test_a_jpegs_comment_is_stripped_with_the_rest_of_the_metadata():
    source = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(
        source, "JPEG", comment=b"Rumah Nyoman, -8.5412 115.1230"
    )
    assert b"Rumah Nyoman" in source.getvalue()
    prepared = prepare_photo(source.getvalue())
    for data in (prepared.data, prepared.thumb):
        assert b"Rumah Nyoman" not in data
        assert b"\xff\xfe" not in data[: data.find(b"\xff\xda")]  # no COM segment before the scan
        assert Image.open(io.BytesIO(data)).info.get("comment") in (None, b"")


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01&to=0001-12-31",
        "from=9999-01-01&to=9999-12-31",
        "from=2026-01-01&to=9999-12-31",
        "from=0001-01-01",
    ],
)
def test_report_dates_at_the_calendars_edges_answer_422(client, users, api, query):
    assert api("organiser").get(f"/api/v1/reports?{query}").status_code == 422
    assert api("organiser").get(f"/api/v1/reports.csv?{query}").status_code == 422
    log_in(client, users.organiser)
    assert client.get(f"/reports?{query}").status_code == 422
    assert client.get(f"/reports.csv?{query}").status_code == 422


def test_a_lost_database_answers_503(make_app, app, users, api):
    # Nothing listens on port 1: every connection is refused, as when the server is down.
    lost = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/gone")
    try:
        client = lost.test_client()
        answer = client.get("/api/v1/events", headers={"Authorization": "Bearer trk_anything"})
        assert answer.status_code == 503
        assert answer.get_json()["error"]["code"] == "database_unavailable"
        assert answer.headers["Retry-After"] == "30"
        log_in(client, None)
        with client.session_transaction() as session:
            session["_user_id"], session["login"] = "1", "a-key"
        page = client.get("/events")
        assert page.status_code == 503 and b"<html" in page.data.lower()
        assert lost.test_client().get("/healthz").status_code == 503
    finally:
        dispose(lost)
