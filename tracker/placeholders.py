"""Texts an organiser writes with placeholders: ``Yth. {name}, ...``.

Shared by the messages (invitations, reminders), the ticket-links CSV and the certificates'
body text. Pure functions, no Flask. A placeholder is a name in braces; ``{{`` and ``}}`` are
literal braces. Anything else (a name that does not exist, ``{0}``, ``{name.attr}``, a lone
brace) is refused with a message that says what is wrong, before anything is sent or printed.
The functions are pure; ``field_errors`` words the refusal for a form (Flask-Babel).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping

from flask_babel import gettext as _

_FORMATTER = string.Formatter()


class PlaceholderError(ValueError):
    """The text cannot be filled in; ``str()`` says why, for the person who wrote it."""

    def __init__(self, message: str, placeholder: str = "") -> None:
        super().__init__(message)
        self.placeholder = placeholder


def placeholders_in(text: str) -> list[str]:
    """The placeholder names in the text, in order. Raises PlaceholderError for a lone brace."""
    try:
        return [name for _literal, name, _spec, _conv in _FORMATTER.parse(text) if name is not None]
    except ValueError as exc:
        raise PlaceholderError(f"a brace {{ or }} without its pair ({exc})") from None


def check(text: str, allowed: Iterable[str]) -> None:
    """Raises PlaceholderError naming the first placeholder that is not one of ``allowed``."""
    known = set(allowed)
    for name in placeholders_in(text):
        if name not in known:
            raise PlaceholderError(f"{{{name}}}", placeholder=name)


def fill(text: str, values: Mapping[str, object]) -> str:
    """The text with each ``{name}`` replaced. Raises PlaceholderError like ``check``; format
    specs and conversions are ignored, so a value is always inserted as it is written."""
    check(text, values)
    parts = []
    for literal, name, _spec, _conv in _FORMATTER.parse(text):
        parts.append(literal)
        if name is not None:
            parts.append(str(values[name]))
    return "".join(parts)


def field_errors(texts: Mapping[str, str], allowed: Iterable[str]) -> dict[str, str]:
    """For each field whose text has a placeholder that is not ``allowed`` (or a lone brace),
    what to tell the person, naming the placeholders that exist."""
    known = tuple(allowed)
    errors = {}
    for field, text in texts.items():
        try:
            check(text, known)
        except PlaceholderError as exc:
            names = ", ".join("{" + name + "}" for name in known)
            errors[field] = (
                _(
                    "%(placeholder)s does not exist; use %(known)s.",
                    placeholder=str(exc),
                    known=names,
                )
                if exc.placeholder or str(exc) == "{}"
                else _("A { or } is missing its pair; write {{ or }} for a brace itself.")
            )
    return errors
