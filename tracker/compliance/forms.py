"""Forms of the checklist, sustainability and template pages. The services check the truth;
these validators only help the person filling them in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields import FieldList
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from tracker.compliance.models import (
    ANSWER_TYPE_LABELS,
    ITEM_CATEGORY_LABELS,
    STREAM_LABELS,
)
from tracker.forms import AppForm, SubForm, choices

#: Blank item rows offered at the end of the template form (no script needed to add items).
EXTRA_ITEM_ROWS = 3


class AttachForm(AppForm):
    template_key = SelectField(_l("Checklist template"), validators=[DataRequired()])


class ItemForm(AppForm):
    """One item's card. The three big buttons are submit buttons named ``status``; the
    view reads which one was pressed from ``request.form``."""

    value = StringField(_l("Value"), validators=[Length(max=500)])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
    photo = FileField(_l("Photo"))


class SignOffForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(
        _l("Position"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("e.g. Kepala Bidang PISKP"),
    )


class ReopenForm(AppForm):
    reason = StringField(_l("Why reopen it?"), validators=[Length(max=500)])


class WasteForm(AppForm):
    stream = SelectField(
        _l("Waste stream"), choices=choices((k.value, v) for k, v in STREAM_LABELS.items())
    )
    kg = StringField(
        _l("Weight (kg)"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("e.g. 2,5"),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    note = StringField(_l("Note"), validators=[Length(max=200)])


class SettingsForm(AppForm):
    refill_litres = StringField(
        _l("Refill water served (litres)"),
        validators=[Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    bottles_per_participant = StringField(
        _l("Assumption: single-use bottles per participant per day"),
        validators=[DataRequired(), Length(max=10)],
        render_kw={"inputmode": "decimal"},
    )


class TemplateItemForm(SubForm):
    """A row of the template form; a row with no Indonesian text is dropped."""

    text_id = TextAreaField(_l("Item (Indonesian)"), validators=[Length(max=2000)])
    text_en = TextAreaField(_l("Item (English)"), validators=[Length(max=2000)])
    basis = StringField(
        _l("Basis"), validators=[Length(max=200)], description=_l("e.g. Pergub Bali 97/2018")
    )
    category = SelectField(
        _l("Category"), choices=choices((k.value, v) for k, v in ITEM_CATEGORY_LABELS.items())
    )
    answer_type = SelectField(
        _l("Answer"), choices=choices((k.value, v) for k, v in ANSWER_TYPE_LABELS.items())
    )
    unit = StringField(_l("Unit (numbers only)"), validators=[Length(max=30)])
    required = BooleanField(_l("Required"))
    photo_on_fail = BooleanField(_l("Photo required when not compliant"))
    note_on_fail = BooleanField(_l("Note required when not compliant"))
    remove = BooleanField(_l("Remove this item"))


class TemplateForm(AppForm):
    key = StringField(
        _l("Key"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("Stable name for the API, e.g. pergub-bali-97-2018. Cannot change later."),
    )
    title = StringField(_l("Title (Indonesian)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    basis_regulation = StringField(
        _l("Regulation"),
        validators=[Length(max=200)],
        description=_l("e.g. Peraturan Gubernur Bali"),
    )
    basis_number = StringField(_l("Number"), validators=[Length(max=50)])
    basis_year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1945, max=2100)])
    basis_article = StringField(_l("Article"), validators=[Length(max=100)])
    basis_url = URLField(_l("Link"), validators=[Optional(), URL(), Length(max=500)])
    items = FieldList(FormField(TemplateItemForm), min_entries=0)
