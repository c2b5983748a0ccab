"""What every feature's forms share: select choices, the empty confirming form, and a service's
field errors shown beside the form's fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from tracker.errors import ValidationFailed


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class ConfirmForm(FlaskForm):
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
