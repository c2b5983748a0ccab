"""Forms of the certificate pages: the design, the office's register, issuing and revoking."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.forms import AppForm, choices
from tracker.i18n import LANGUAGES


class DesignForm(AppForm):
    language = SelectField(_l("Language of the certificate"), choices=choices(LANGUAGES.items()))
    title = StringField(_l("Title"), validators=[Length(max=120)])
    body = TextAreaField(_l("Text"), validators=[Length(max=2000)], render_kw={"rows": 5})
    speaker_body = TextAreaField(
        _l("Text for speakers (empty: the text above)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 3},
    )
    committee_body = TextAreaField(
        _l("Text for the committee (empty: the text above)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 3},
    )
    jp = StringField(_l("JP (training hours)"), validators=[Length(max=10)])
    place = StringField(
        _l("Place on the signature line"),
        validators=[Length(max=100)],
        description=_l("e.g. Tabanan"),
    )
    signer_position = StringField(_l("Signing official: position"), validators=[Length(max=200)])
    signer_name = StringField(_l("Signing official: name"), validators=[Length(max=200)])
    signer_nip = StringField(_l("Signing official: NIP"), validators=[Length(max=30)])
    logo = FileField(_l("Office logo (JPEG, PNG, WebP)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    background = FileField(_l("Background image, A4 landscape (optional)"))
    remove_background = BooleanField(_l("Remove the background"))


class RegisterForm(AppForm):
    pattern = StringField(
        _l("Number pattern"),
        validators=[DataRequired(), Length(max=200)],
        description=_l(
            "{seq:03} is the running number (001), {year} restarts it every year; "
            "also {month} (07) and {roman_month} (VII)."
        ),
    )
    p12 = FileField(_l("Signing certificate (PKCS#12, .p12 or .pfx)"))
    p12_password = PasswordField(_l("Its password"), validators=[Length(max=200)])
    remove_signing = BooleanField(_l("Stop signing (remove the certificate)"))


class ReasonForm(AppForm):
    reason = StringField(_l("Reason"), validators=[Length(max=1000)])


class IssueForm(AppForm):
    """Issue to everyone who completed: a confirmation only."""


class BundleForm(AppForm):
    format = SelectField(choices=choices([("pdf", "PDF"), ("zip", "ZIP")]))
