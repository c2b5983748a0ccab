"""What every feature's forms share: the base ``Form`` (WTForms' own messages in the reader's
language), select choices, the empty confirming form, and a service's field errors shown beside
the form's fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import get_translations
from flask_wtf import FlaskForm
from wtforms import Form, SelectChoice

from tracker.errors import ValidationFailed

#: ``render_kw`` for a field whose text must never be cut: without it WTForms writes the
#: Length validator's ``maxlength``, and a browser silently cuts a longer name pasted in
#: (a name printed cut on a badge or certificate is wrong); the server refuses it with a message.
REFUSE_NOT_CUT = {"maxlength": False}


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def N_(msgid: str) -> str:  # noqa: N802 - Babel's conventional name for "mark, do not translate"
    return msgid


def ngettext(singular: str, plural: str, n: int) -> str:
    """Marks a plural message for ``make extract-messages`` (Babel finds ``ngettext`` calls);
    translated at run time by ``_Translations``."""
    return singular if n == 1 else plural


#: WTForms' and Flask-WTF's own messages, which our forms show: WTForms ships no Indonesian
#: catalogue, so they are translated in ours ("This field is required." read English on
#: Indonesian pages). Extracted from here; WTForms formats their placeholders itself.
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        2,
    ),
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        2,
    ),
    ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        2,
    ),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid URL."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        2,
    ),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("This field is disabled and cannot have a value."),
    N_("File does not have an approved extension."),
)


class _Translations:
    """WTForms' translations object, answered from this application's catalogue. The raw
    catalogue, not Flask-Babel's ``gettext``: that one would fill the placeholders itself."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


_TRANSLATIONS = _Translations()


class AppForm(FlaskForm):
    """The base of every form here: like FlaskForm (CSRF), with WTForms' messages translated."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> _Translations:
            return _TRANSLATIONS


class SubForm(Form):
    """A form inside a form (``FormField``): no CSRF of its own, its messages translated."""

    class Meta(Form.Meta):
        def get_translations(self, form: Any) -> _Translations:
            return _TRANSLATIONS


class ConfirmForm(AppForm):
    """An empty form: its CSRF token is what a confirming or deleting POST needs."""


def form_errors(
    form: FlaskForm, exc: ValidationFailed, renamed: Mapping[str, str] | None = None
) -> None:
    """Show a service's field errors beside the form's fields (the rest above the form).

    ``renamed`` maps the start of a service's field name to the form's, where they differ
    (the event form's ``venue.name`` is its ``new_venue_name``).
    """
    unplaced = []
    for name, message in exc.fields.items():
        for service_prefix, form_prefix in (renamed or {}).items():
            name = name.replace(service_prefix, form_prefix)
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(message)]
        else:
            unplaced.append(str(message))
    form.form_errors = [exc.message, *unplaced]
