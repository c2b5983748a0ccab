"""The message form: what, to whom, on which channel, when."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.events.forms import DATETIME_FORMAT
from tracker.forms import AppForm, choices
from tracker.i18n import LANGUAGES
from tracker.messages.models import AUDIENCE_LABELS, CHANNEL_LABELS, KIND_LABELS

LANGUAGE_CHOICES = choices(LANGUAGES.items())


class MessageForm(AppForm):
    kind = SelectField(_l("Message"), choices=choices(KIND_LABELS.items()))
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="id")
    channel = SelectField(_l("Send by"), choices=choices(CHANNEL_LABELS.items()))
    audience = SelectField(_l("To"), choices=choices(AUDIENCE_LABELS.items()), default="all")
    agency = SelectField(_l("Agency"), choices=[], validate_choice=False)
    person = SelectField(_l("Person"), choices=[], validate_choice=False)
    when = RadioField(
        _l("When"),
        choices=choices([("now", _l("Now")), ("at", _l("At a set time (the event's time zone)"))]),
        default="now",
    )
    send_at = DateTimeLocalField(_l("Send at"), format=DATETIME_FORMAT, validators=[Optional()])
    subject = StringField(_l("Subject (e-mail)"), validators=[Length(max=200)])
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=3000)],
        render_kw={"rows": 12},
    )
