"""The team page: an organiser adds door and compliance staff, who set their own password with
a one-time link (issue 11.4); the demo's logins; flask commands in `make run`'s instance."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from config import DEVELOPMENT_MARKER, load_config
from tests.conftest import PASSWORD, log_in
from tracker.auth import team
from tracker.auth.models import User
from tracker.auth.offices import create_office
from tracker.auth.services import create_user
from tracker.db import utcnow
from tracker.extensions import db

NEW_PASSWORD = "a door staff password"


def _add(client, name="Ni Luh Door", email="door1@diskominfo.test", role="staff"):
    return client.post("/team", data={"name": name, "email": email, "role": role})


def _link_path(response) -> str:
    match = re.search(r'value="https?://[^/"]+(/set-password/[A-Za-z0-9_-]+)"', response.text)
    assert match, response.text[:3000]
    return match.group(1)


def _log_in_with(client, email, password):
    log_in(client, None)
    client.post("/login", data={"email": email, "password": password})
    return client.get("/events").status_code == 200


def test_organiser_adds_staff_who_sets_a_password_with_the_link(client, users):
    log_in(client, users.organiser)
    response = _add(client)
    assert response.status_code == 200
    path = _link_path(response)
    member = db.session.scalar(select(User).where(User.email == "door1@diskominfo.test"))
    assert (member.role, member.name) == ("staff", "Ni Luh Door")
    pending = {m.user.email: m for m in team.team(users.organiser.created_at)}
    assert not pending["door1@diskominfo.test"].has_password
    assert pending["door1@diskominfo.test"].link_expires_at is not None

    log_in(client, None)
    assert client.get(path).status_code == 200
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "confirm": "something else"})
    assert mismatch.status_code == 200 and 'aria-invalid="true"' in mismatch.text
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert _log_in_with(client, "door1@diskominfo.test", NEW_PASSWORD)

    log_in(client, None)
    assert client.get(path).status_code == 404  # used once
    assert client.post(path, data={"password": "x" * 12, "confirm": "x" * 12}).status_code == 404


def test_the_team_list_says_who_can_log_in(client, users):
    log_in(client, users.organiser)
    path = _link_path(_add(client))
    page = client.get("/team").text
    assert "Ni Luh Door" in page and "door1@diskominfo.test" in page
    assert "Staff" in page and "staff@diskominfo.test" in page  # made with a password: can log in
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    members = {m.user.email: m for m in team.team(users.organiser.created_at)}
    assert members["door1@diskominfo.test"].has_password
    assert members["staff@diskominfo.test"].has_password


def test_a_new_link_replaces_the_old_one(client, users):
    log_in(client, users.organiser)
    old = _link_path(_add(client))
    member = db.session.scalar(select(User).where(User.email == "door1@diskominfo.test"))
    new = _link_path(client.post(f"/team/{member.id}/link"))
    assert old != new
    log_in(client, None)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_link_expires_after_a_week(client, users, clock):
    log_in(client, users.organiser)
    path = _link_path(_add(client))
    clock.shift(team.LINK_LIFETIME + timedelta(minutes=1))
    log_in(client, None)
    assert client.get(path).status_code == 404


def test_an_organiser_adds_staff_only_and_bad_input_gets_a_message(client, users):
    log_in(client, users.organiser)
    assert _add(client, role="admin").status_code == 200
    assert db.session.scalar(select(User).where(User.email == "door1@diskominfo.test")) is None
    taken = _add(client, email=users.staff.email)
    assert taken.status_code == 200 and 'role="alert"' in taken.text
    assert _add(client, email="not-an-email").status_code == 200
    assert _add(client, name="").status_code == 200
    assert db.session.scalar(select(User).where(User.email == "not-an-email")) is None


def test_an_organiser_cannot_make_links_for_organisers_or_admins(client, users):
    log_in(client, users.organiser)
    assert client.post(f"/team/{users.admin.id}/link").status_code == 404
    assert client.post(f"/team/{users.organiser.id}/link").status_code == 404


def test_staff_cannot_open_the_team_page(client, users):
    log_in(client, users.staff)
    assert client.get("/team").status_code == 403
    assert _add(client).status_code == 403


def test_an_unknown_link_is_refused(client):
    assert client.get("/set-password/not-a-real-token").status_code == 404


def test_a_deactivated_account_cannot_use_its_link(client, users):
    log_in(client, users.organiser)
    path = _link_path(_add(client))
    member = db.session.scalar(select(User).where(User.email == "door1@diskominfo.test"))
    member.active = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_the_demo_prints_an_organiser_and_an_admin_login(app, users):
    from tracker.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD

    output = app.test_cli_runner().invoke(args=["demo"]).output
    assert DEMO_ADMIN_EMAIL in output and DEMO_ADMIN_PASSWORD in output
    admin = db.session.scalar(select(User).where(User.email == DEMO_ADMIN_EMAIL))
    assert admin.role == "admin"
    again = app.test_cli_runner().invoke(args=["demo"])
    assert again.exit_code == 0  # made once


def test_flask_commands_run_in_make_runs_instance_without_variables(tmp_path):
    # `make run` (TRACKER_ENV=development) marks its instance folder ...
    made = load_config({"TRACKER_ENV": "development"}, str(tmp_path))
    assert (tmp_path / DEVELOPMENT_MARKER).exists()
    # ... so `.venv/bin/flask --app wsgi user create ...` there, with no variables, runs on the
    # same database with the same key instead of stopping on "SECRET_KEY is not set".
    plain = load_config({}, str(tmp_path))
    assert plain["ENV_NAME"] == "development"
    assert plain["SECRET_KEY"] == made["SECRET_KEY"]
    assert plain["SQLALCHEMY_DATABASE_URI"] == made["SQLALCHEMY_DATABASE_URI"]


def test_a_production_set_up_is_never_taken_for_make_runs_instance(tmp_path):
    load_config({"TRACKER_ENV": "development"}, str(tmp_path))
    production = load_config({"SECRET_KEY": "s" * 40, "BASE_URL": "https://x.test"}, str(tmp_path))
    assert production["ENV_NAME"] == "production"
    assert production["SESSION_COOKIE_SECURE"] is True


def test_the_team_is_the_organisers_offices_staff(client, users):
    """An organiser of another office neither sees the home office's staff nor makes a
    set-password link for them (which would take their account over); their new staff join
    their own office."""
    dinkes = create_office("Dinas Kesehatan Kabupaten Tabanan", actor=None, now=utcnow())
    outsider = create_user("kadis@dinkes.test", PASSWORD, "organiser", offices=[dinkes])
    db.session.commit()
    log_in(client, outsider)
    assert users.staff.email not in client.get("/team").text
    assert client.post(f"/team/{users.staff.id}/link").status_code == 404
    assert _add(client, email="door9@dinkes.test").status_code == 200
    member = db.session.scalar(select(User).where(User.email == "door9@dinkes.test"))
    assert [m.office_id for m in member.memberships] == [dinkes.id]
    log_in(client, users.organiser)
    assert "door9@dinkes.test" not in client.get("/team").text
