from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.auth.forms import UserForm
from tracker.auth.sessions import IDLE_RANGE
from tracker.forms import AppForm


class EditUserForm(AppForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=UserForm.role.kwargs["choices"])
    active = BooleanField(_l("Active (may log in)"))
    password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(min=8, max=200)],
        description=_l("Leave empty to keep the current password."),
    )


class SessionForm(AppForm):
    idle_minutes = IntegerField(
        _l("Staff accounts are logged out after this many idle minutes"),
        validators=[DataRequired(), NumberRange(*IDLE_RANGE)],
        description=_l(
            "Door and checklist phones are often personal ones and get lost: a staff login "
            "left unused this long ends (5 to 1440 minutes)."
        ),
    )
