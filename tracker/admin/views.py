"""Accounts, the retention default and the audit log: admin only."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from tracker import audit
from tracker.admin.forms import EditUserForm, SessionForm
from tracker.auth import services as accounts
from tracker.auth import sessions
from tracker.auth.access import requires
from tracker.auth.forms import UserForm
from tracker.auth.models import User
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import DomainError, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.forms import form_errors
from tracker.privacy import services as privacy
from tracker.privacy.forms import RetentionForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@requires(Role.ADMIN)
def users() -> str | Response:
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.email.data,
                form.password.data,
                form.role.data,
                form.name.data or "",
                actor=current_user,
                now=utcnow(),
            )
        except DomainError as exc:
            db.session.rollback()
            form_errors(form, ValidationFailed(exc.message, exc.fields))
        else:
            db.session.commit()
            flash(_("Account %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    everyone = db.session.scalars(select(User).order_by(User.email))
    return render_template("admin/users.html", users=list(everyone), form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_user(user_id: int) -> str | Response:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such account."))
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        change = accounts.AccountChange(
            form.name.data or "", form.role.data, form.active.data, form.password.data or ""
        )
        try:
            accounts.update_account(user, change, current_user, utcnow())
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Account saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/edit_user.html", user=user, form=form)


@bp.route("/settings", methods=["GET", "POST"])
@requires(Role.ADMIN)
def settings() -> str | Response:
    form = RetentionForm(days=privacy.retention_default())
    if form.validate_on_submit():
        privacy.set_retention_default(form.days.data, current_user, utcnow())
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("admin.settings"))
    idle = SessionForm(formdata=None, idle_minutes=sessions.idle_minutes())
    return render_template("admin/settings.html", form=form, idle=idle)


@bp.route("/settings/sessions", methods=["POST"])
@requires(Role.ADMIN)
def session_settings() -> str | Response:
    idle = SessionForm()
    if idle.validate_on_submit():
        before = sessions.idle_minutes()
        sessions.set_idle_minutes(idle.idle_minutes.data)
        audit.record(
            "account.idle_timeout",
            now=utcnow(),
            actor=current_user,
            details={"before": before, "after": idle.idle_minutes.data},
        )
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("admin.settings"))
    form = RetentionForm(formdata=None, days=privacy.retention_default())
    return render_template("admin/settings.html", form=form, idle=idle), 422


@bp.route("/audit")
@requires(Role.ADMIN)
def audit_log() -> str:
    prefix = request.args.get("action", "")[:60]
    entries = audit.entries(action_prefix=prefix, limit=500)
    return render_template("admin/audit.html", entries=entries, prefix=prefix)
