"""The door page's two forms: check in (ticket code, phone or e-mail) and register as a walk-in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, RadioField, StringField, TelField
from wtforms.validators import DataRequired, Length, Optional

from tracker.checkin.signatures import MAX_DATA_URL
from tracker.forms import REFUSE_NOT_CUT, AppForm, choices

#: "Apakah Anda membawa tumbler sendiri?" (Pergub Bali 97/2018; SE Sekda Bali 2/2025).
TUMBLER_QUESTION = _l("Did you bring your own tumbler?")
TUMBLER_CHOICES = choices([("yes", _l("Yes")), ("no", _l("No"))])


def tumbler_answer(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class _DoorForm(AppForm):
    """No CSRF token: the door page is for people without an account, so a forged post could
    not act for anybody, and without the token the page needs no cookie at all (some phones'
    browsers refuse them). The signed door pass (tracker.checkin.door_codes) stands in for it."""

    class Meta:
        csrf = False

    door_pass = HiddenField(validators=[DataRequired()])


class _SignedDoorForm(_DoorForm):
    """A door form that checks a person in, so carries their signature where the event asks."""

    #: The pad's drawing as a data URL, when the event asks for a signature (checked and
    #: re-encoded by tracker.checkin.signatures); ``pad`` is "1" when the browser showed it.
    signature = HiddenField(validators=[Optional(), Length(max=MAX_DATA_URL)])
    pad = HiddenField(validators=[Optional(), Length(max=1)])


class DoorCheckInForm(_SignedDoorForm):
    who = StringField(
        _l("Your phone number, e-mail or ticket code"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("The phone number or e-mail you registered with, e.g. 0812-3456-7890."),
    )
    tumbler = RadioField(TUMBLER_QUESTION, choices=TUMBLER_CHOICES, validators=[DataRequired()])


class WalkInForm(_SignedDoorForm):
    name = StringField(
        _l("Full name"), validators=[DataRequired(), Length(max=200)], render_kw=REFUSE_NOT_CUT
    )
    agency = StringField(
        _l("Agency (instansi / OPD)"), validators=[DataRequired(), Length(max=300)]
    )
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    phone = TelField(_l("Phone number"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    tumbler = RadioField(TUMBLER_QUESTION, choices=TUMBLER_CHOICES, validators=[DataRequired()])
    consent = BooleanField(
        _l("I agree that my data is kept for this event's attendance list, as described below."),
        validators=[DataRequired()],
    )

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        ok = super().validate(extra_validators)
        if not (self.phone.data or "").strip() and not (self.email.data or "").strip():
            self.phone.errors = [*self.phone.errors, _l("Give a phone number or an e-mail.")]
            return False
        return ok
