from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import Length, Optional

from tracker.auth.forms import UserForm
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
