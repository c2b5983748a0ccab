"""The team page (organisers add door and compliance staff) and the one-time set-password
link those people open."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth import team as team_service
from tracker.auth.access import public, requires
from tracker.auth.forms import SetPasswordForm, TeamMemberForm
from tracker.auth.offices import visible_offices
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import DomainError, NotFound, ValidationFailed
from tracker.extensions import db, limiter
from tracker.forms import form_errors
from tracker.http import site_url

bp = Blueprint("team", __name__)


def _team_page(form: TeamMemberForm, invitation: team_service.Invitation | None = None) -> str:
    link = site_url(url_for("team.set_password", token=invitation.token)) if invitation else None
    members = team_service.team(utcnow(), visible_offices(current_user, Role.ORGANISER))
    return render_template(
        "auth/team.html", form=form, members=members, invitation=invitation, link=link
    )


@bp.route("/team", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def team() -> str:
    form = TeamMemberForm()
    if not form.validate_on_submit():
        return _team_page(form)
    try:
        invitation = team_service.add_team_member(
            form.email.data, form.name.data, form.role.data, current_user, utcnow()
        )
    except DomainError as exc:
        db.session.rollback()
        form_errors(form, ValidationFailed(exc.message, exc.fields))
        return _team_page(form)
    db.session.commit()
    return _team_page(TeamMemberForm(formdata=None), invitation)


@bp.route("/team/<int:user_id>/link", methods=["POST"])
@requires(Role.ORGANISER)
def new_link(user_id: int) -> str:
    user = team_service.get_team_member(user_id, visible_offices(current_user, Role.ORGANISER))
    token = team_service.new_password_link(user, current_user, utcnow())
    db.session.commit()
    return _team_page(TeamMemberForm(formdata=None), team_service.Invitation(user, token))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"])
def set_password(token: str) -> str | Response | tuple[str, int]:
    now = utcnow()
    try:
        link = team_service.live_link(token, now)
    except NotFound as exc:
        return render_template("auth/link_invalid.html", message=exc.message), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            team_service.set_password_with_link(token, form.password.data, now)
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Your password is set. Log in with your e-mail and it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=link.user)
