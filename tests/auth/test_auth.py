"""Login, logout, CSRF, API tokens and the `user` commands."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, log_in
from tracker.auth import services
from tracker.auth.models import ApiToken, User
from tracker.db import utcnow
from tracker.errors import Conflict, ValidationFailed
from tracker.extensions import db


def test_login_with_the_right_password(client, users):
    response = client.post(
        "/login", data={"email": "Organiser@Diskominfo.test ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/events").status_code == 200


def test_login_with_a_wrong_password_says_so_without_saying_which(client, users):
    for email in (users.organiser.email, "nobody@diskominfo.test"):
        response = client.post("/login", data={"email": email, "password": "wrong-password"})
        assert response.status_code == 200
        assert b'role="alert"' in response.data
    assert client.get("/events").status_code == 302


def test_inactive_account_cannot_log_in(client, users):
    users.staff.active = False
    db.session.commit()
    client.post("/login", data={"email": users.staff.email, "password": PASSWORD})
    assert client.get("/events").status_code == 302


def test_login_redirects_only_within_the_site(client, users):
    data = {"email": users.staff.email, "password": PASSWORD}
    ok = client.post("/login?next=/events?scope=past", data=data)
    assert ok.headers["Location"] == "/events?scope=past"
    log_in(client, None)
    evil = client.post("/login?next=https://evil.example/", data=data)
    assert evil.headers["Location"] == "/events"
    log_in(client, None)
    evil2 = client.post("/login?next=//evil.example/", data=data)
    assert evil2.headers["Location"] == "/events"


def test_logout_ends_the_session(client, users):
    log_in(client, users.organiser)
    assert client.post("/logout").status_code == 302
    assert client.get("/events").headers["Location"].startswith("/login")


def test_passwords_are_stored_hashed_with_a_current_algorithm(users):
    assert PASSWORD not in users.admin.password_hash
    assert users.admin.password_hash.startswith(("scrypt:", "pbkdf2:sha256"))


def test_create_user_refuses_bad_input(app):
    with pytest.raises(ValidationFailed):
        services.create_user("not-an-email", PASSWORD, "staff")
    with pytest.raises(ValidationFailed):
        services.create_user("a@b.test", "short", "staff")
    with pytest.raises(ValidationFailed):
        services.create_user("a@b.test", PASSWORD, "superuser")
    services.create_user("a@b.test", PASSWORD, "staff")
    with pytest.raises(Conflict):
        services.create_user("A@B.test", PASSWORD, "staff")


# --- CSRF ---------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(make_app, app):
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def test_forms_refuse_posts_without_the_csrf_token(csrf_client, users):
    response = csrf_client.post("/login", data={"email": users.staff.email, "password": PASSWORD})
    assert response.status_code == 400
    assert csrf_client.get("/events").status_code == 302  # not logged in


def test_forms_accept_posts_with_the_csrf_token(csrf_client, users):
    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(
        "/login", data={"email": users.staff.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert csrf_client.get("/events").status_code == 200


def test_api_calls_with_the_session_cookie_need_the_csrf_header(csrf_client, users):
    log_in(csrf_client, users.organiser)
    body = {
        "title": "T",
        "organiser_unit": "U",
        "starts_at": "2026-07-22T09:00",
        "ends_at": "2026-07-22T15:00",
    }
    refused = csrf_client.post("/api/v1/events", json=body)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "csrf_failed"


def test_api_calls_with_a_token_need_no_csrf(csrf_client, users):
    token = services.issue_token(users.organiser)
    db.session.commit()
    body = {
        "title": "T",
        "organiser_unit": "U",
        "starts_at": "2026-07-22T09:00",
        "ends_at": "2026-07-22T15:00",
    }
    response = csrf_client.post(
        "/api/v1/events", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201


# --- API tokens ---------------------------------------------------------------------------


def test_tokens_are_stored_hashed_and_work_until_revoked(client, users):
    token = services.issue_token(users.staff)
    db.session.commit()
    stored = db.session.scalar(select(ApiToken))
    assert token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/events", headers=headers).status_code == 200
    services.revoke_tokens(users.staff, utcnow())
    db.session.commit()
    refused = client.get("/api/v1/events", headers=headers)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"


def test_a_made_up_token_is_refused(client, users):
    response = client.get("/api/v1/events", headers={"Authorization": "Bearer trk_made-up"})
    assert response.status_code == 401


# --- CLI ----------------------------------------------------------------------------------


def test_cli_user_create_and_token(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "user",
            "create",
            "kabid@tabanankab.go.id",
            "--role",
            "organiser",
            "--password",
            "rahasia-sekali",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "kabid@tabanankab.go.id"))
    assert user.role == "organiser"
    result = runner.invoke(args=["user", "token", "kabid@tabanankab.go.id"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert services.user_for_token(token, utcnow()).id == user.id


def test_cli_user_create_prompts_for_the_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["user", "create", "staf@tabanankab.go.id", "--role", "staff"],
        input="rahasia-sekali\nrahasia-sekali\n",
    )
    assert result.exit_code == 0, result.output
    assert services.authenticate("staf@tabanankab.go.id", "rahasia-sekali") is not None


def test_cli_reports_errors_without_a_traceback(app, users):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "user",
            "create",
            users.staff.email,
            "--role",
            "staff",
            "--password",
            "rahasia-sekali",
        ]
    )
    assert result.exit_code == 1
    assert users.staff.email in result.output and "Traceback" not in result.output
    result = runner.invoke(args=["user", "token", "nobody@x.test"])
    assert result.exit_code == 1 and "nobody@x.test" in result.output


def test_cli_office_create_and_user_in_two_offices(app):
    runner = app.test_cli_runner()
    for name in ("Diskominfo Kabupaten Tabanan", "Dinas Kesehatan Kabupaten Tabanan"):
        result = runner.invoke(args=["office", "create", name, "--address", "Jl. Pahlawan 19"])
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["office", "create", "diskominfo  kabupaten tabanan"])
    assert result.exit_code == 1 and "diskominfo kabupaten tabanan" in result.output
    result = runner.invoke(
        args=[
            "user",
            "create",
            "wayan@tabanankab.go.id",
            "--role",
            "organiser",
            "--office",
            "Diskominfo Kabupaten Tabanan",
            "--office",
            "dinas kesehatan kabupaten tabanan",
            "--password",
            "rahasia-sekali",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "wayan@tabanankab.go.id"))
    assert sorted((m.office.name, m.role) for m in user.memberships) == [
        ("Dinas Kesehatan Kabupaten Tabanan", "organiser"),
        ("Diskominfo Kabupaten Tabanan", "organiser"),
    ]


def test_cli_user_create_refuses_an_unknown_office(app):
    result = app.test_cli_runner().invoke(
        args=["user", "create", "x@tabanankab.go.id", "--role", "staff", "--office", "Nowhere"]
        + ["--password", "rahasia-sekali"]
    )
    assert result.exit_code == 1 and "flask office create" in result.output
    assert db.session.scalar(select(User).where(User.email == "x@tabanankab.go.id")) is None
