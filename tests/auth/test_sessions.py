"""Sessions end (issue 13.5): logout ends the session on the server, a password change or a
deactivation ends every session and token of the account, staff sessions time out when idle."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import PASSWORD
from tracker.auth import sessions
from tracker.auth.services import AccountChange, issue_token, update_account
from tracker.db import utcnow
from tracker.extensions import db


def _logged_in(app, user):
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.get("/events").status_code == 200
    return client


def _copy(app, client):
    """Another browser with the same session cookie (a copied cookie, a shared computer)."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def _is_in(client) -> bool:
    return client.get("/events").status_code == 200


def test_logout_ends_the_session_on_the_server(app, users):
    client = _logged_in(app, users.organiser)
    copy = _copy(app, client)
    assert _is_in(copy)
    client.post("/logout")
    assert not _is_in(client)
    assert not _is_in(copy)  # the cookie's copy is refused: the session ended on the server


def test_logging_out_ends_only_that_session(app, users):
    office, phone = _logged_in(app, users.organiser), _logged_in(app, users.organiser)
    phone.post("/logout")
    assert _is_in(office) and not _is_in(phone)


def test_a_password_change_ends_every_session_and_token(app, users):
    first, second = _logged_in(app, users.staff), _logged_in(app, users.staff)
    token = issue_token(users.staff)
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/events", headers=bearer).status_code == 200
    update_account(
        users.staff, AccountChange("Staff", "staff", True, "a new password!"), users.admin, utcnow()
    )
    db.session.commit()
    assert not _is_in(first) and not _is_in(second)
    assert app.test_client().get("/api/v1/events", headers=bearer).status_code == 401
    fresh = app.test_client()
    fresh.post("/login", data={"email": users.staff.email, "password": "a new password!"})
    assert _is_in(fresh)


def test_the_admins_page_changing_a_password_logs_the_person_out(app, users):
    staff = _logged_in(app, users.staff)
    admin = _logged_in(app, users.admin)
    admin.post(
        f"/admin/users/{users.staff.id}",
        data={"name": "Staff", "role": "staff", "active": "y", "password": "another password"},
    )
    assert not _is_in(staff)
    assert _is_in(admin)


def test_deactivation_ends_every_session_and_token(app, users):
    staff = _logged_in(app, users.staff)
    token = issue_token(users.staff)
    db.session.commit()
    update_account(users.staff, AccountChange("Staff", "staff", False), users.admin, utcnow())
    db.session.commit()
    assert not _is_in(staff)
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/events", headers=bearer).status_code == 401
    # Active again, the old cookie still logs nobody in: its session ended.
    update_account(users.staff, AccountChange("Staff", "staff", True), users.admin, utcnow())
    db.session.commit()
    assert not _is_in(staff)


def test_a_staff_session_times_out_when_idle(app, users, clock):
    staff, organiser = _logged_in(app, users.staff), _logged_in(app, users.organiser)
    minutes = sessions.DEFAULT_IDLE_MINUTES
    clock.shift(timedelta(minutes=minutes - 10))
    assert _is_in(staff)  # used: the idle period starts again
    clock.shift(timedelta(minutes=minutes - 10))
    assert _is_in(staff)
    clock.shift(timedelta(minutes=minutes + 1))
    assert not _is_in(staff)
    assert _is_in(organiser)  # only staff sessions time out


def test_the_admin_sets_the_idle_period(app, users, clock):
    admin = _logged_in(app, users.admin)
    assert admin.post("/admin/settings/sessions", data={"idle_minutes": "2"}).status_code == 422
    assert admin.post("/admin/settings/sessions", data={"idle_minutes": "x"}).status_code == 422
    assert admin.post("/admin/settings/sessions", data={"idle_minutes": "15"}).status_code == 302
    assert sessions.idle_minutes() == 15
    assert 'value="15"' in admin.get("/admin/settings").text
    staff = _logged_in(app, users.staff)
    clock.shift(timedelta(minutes=16))
    assert not _is_in(staff)


def test_a_cookie_without_a_session_key_logs_nobody_in(app, users):
    client = app.test_client()
    with client.session_transaction() as session:  # a cookie signed before sessions existed
        session["_user_id"] = str(users.admin.id)
        session["_fresh"] = True
    assert not _is_in(client)
