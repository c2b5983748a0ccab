"""Offices and their members: admin only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from tracker.auth import offices
from tracker.auth.access import requires
from tracker.auth.models import Membership, Office, User
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import DomainError, ValidationFailed
from tracker.extensions import db
from tracker.forms import AppForm, choices, form_errors

bp = Blueprint("offices", __name__, url_prefix="/admin/offices")


class OfficeForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=offices.NAME_MAX)])
    address = StringField(_l("Address"), validators=[Length(max=offices.ADDRESS_MAX)])


class MemberForm(AppForm):
    email = EmailField(_l("E-mail of the account"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role in this office"),
        choices=choices(
            [
                ("organiser", _l("Organiser")),
                ("staff", _l("Staff")),
                ("", _l("(not a member)")),
            ]
        ),
    )


@bp.route("", methods=["GET", "POST"])
@requires(Role.ADMIN)
def index() -> str | Response:
    form = OfficeForm()
    if form.validate_on_submit():
        try:
            office = offices.create_office(
                form.name.data, form.address.data or "", actor=current_user, now=utcnow()
            )
        except DomainError as exc:
            db.session.rollback()
            form_errors(form, ValidationFailed(exc.message, exc.fields))
        else:
            db.session.commit()
            flash(_("Office %(name)s created.", name=office.name), "success")
            return redirect(url_for("offices.show", office_id=office.id))
    return render_template("offices/index.html", offices=offices.list_offices(), form=form)


def _members(office_id: int) -> list[Membership]:
    query = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.office_id == office_id)
        .order_by(User.email)
    )
    return list(db.session.scalars(query))


@bp.route("/<int:office_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def show(office_id: int) -> str | Response:
    office = offices.get_office(office_id)
    form = OfficeForm(obj=office)
    if form.validate_on_submit():
        try:
            offices.update_office(
                office, form.name.data, form.address.data or "", current_user, utcnow()
            )
        except DomainError as exc:
            db.session.rollback()
            form_errors(form, ValidationFailed(exc.message, exc.fields))
        else:
            db.session.commit()
            flash(_("Office saved."), "success")
            return redirect(url_for("offices.show", office_id=office.id))
    return _render(office, form, MemberForm())


def _render(office: Office, form: OfficeForm, member_form: MemberForm) -> str:
    return render_template(
        "offices/show.html",
        office=office,
        form=form,
        member_form=member_form,
        members=_members(office.id),
    )


@bp.route("/<int:office_id>/members", methods=["POST"])
@requires(Role.ADMIN)
def set_member(office_id: int) -> str | Response:
    """Add an account to the office, change its role there, or take it out."""
    office = offices.get_office(office_id)
    form = MemberForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if user is None:
            form.email.errors.append(_("No account with this e-mail."))
        elif user.role == Role.ADMIN:
            form.email.errors.append(_("An admin reaches every office already."))
        else:
            offices.set_membership(
                user, office, form.role.data or None, actor=current_user, now=utcnow()
            )
            db.session.commit()
            flash(_("Members saved."), "success")
            return redirect(url_for("offices.show", office_id=office.id))
    return _render(office, OfficeForm(obj=office), form)
