from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.auth.roles import Role
from tracker.forms import AppForm


class LoginForm(AppForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class UserForm(AppForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(Role.STAFF.value, _l("Staff (door, checklists)")),
            SelectChoice(Role.ORGANISER.value, _l("Organiser (events, participants, reports)")),
            SelectChoice(Role.ADMIN.value, _l("Admin (accounts, templates)")),
        ],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8, max=200)])


class TeamMemberForm(AppForm):
    """An organiser adds door or compliance staff; the person sets their own password."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(Role.STAFF.value, _l("Staff (door, checklists)"))],
    )


class SetPasswordForm(AppForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=8, max=200)]
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
