from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from tracker.forms import AppForm, choices
from tracker.privacy.models import REQUEST_KIND_LABELS, RequestKind


class RequestForm(AppForm):
    kind = SelectField(
        _l("Request"), choices=choices((k.value, v) for k, v in REQUEST_KIND_LABELS.items())
    )
    details = TextAreaField(_l("What the person asks for"), validators=[Length(max=2000)])


class SelfRequestForm(AppForm):
    """What a participant may ask for through their own ticket link."""

    kind = RadioField(
        _l("I ask for"),
        choices=choices(
            [
                (RequestKind.CORRECTION.value, _l("my data to be corrected")),
                (RequestKind.DELETION.value, _l("my data to be deleted")),
            ]
        ),
        validators=[DataRequired()],
    )
    details = TextAreaField(
        _l("Details (for a correction: what is wrong and the right value)"),
        validators=[Length(max=2000)],
    )


class CloseRequestForm(AppForm):
    status = SelectField(
        _l("Outcome"), choices=choices([("done", _l("Done")), ("refused", _l("Refused"))])
    )
    outcome = TextAreaField(
        _l("What was done, or why it was refused"), validators=[Length(max=2000)]
    )


class RetentionForm(AppForm):
    days = IntegerField(
        _l("Default retention period (days after an event)"),
        validators=[DataRequired(), NumberRange(min=1, max=3650)],
    )
