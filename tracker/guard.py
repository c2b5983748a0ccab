"""Requests refused before any view runs, because no view could answer them sensibly.

* Text with a NUL character (U+0000), anywhere: in the path, the query, a form field or the
  JSON body. Nobody types one, PostgreSQL cannot store or even compare one (the query fails,
  the person gets a 500), and SQLite would store it and cut the text short elsewhere.
* A JSON body nested so deeply that Python's parser gives up with RecursionError (which
  Flask does not turn into a 400 by itself).

Both are answered 400 with the usual error body, so the API and the pages say what is wrong
and nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _

from tracker.errors import DomainError

NUL = "\x00"
_JSON_NUL = b"\\u0000"
_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class ForbiddenCharacter(DomainError):
    code = "invalid_characters"
    status = 400


class JsonTooDeep(DomainError):
    code = "invalid_json"
    status = 400


def _texts(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON value, keys included; iterative, so depth is no danger."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _request_texts() -> Iterator[str]:
    yield request.path
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    if request.mimetype in _FORMS:
        for key, value in request.form.items(multi=True):
            yield key
            yield value
    if request.is_json:
        try:
            payload = request.get_json(silent=True)  # parsed once: the view gets it from cache
        except RecursionError:
            raise JsonTooDeep(_("The JSON body is nested too deeply.")) from None
        # UTF-8 JSON can only carry a NUL escaped; only a body with one (or with NUL bytes, as
        # UTF-16 and UTF-32 have) is worth walking.
        body = request.get_data(cache=True)
        if _JSON_NUL in body or b"\x00" in body:
            yield from _texts(payload)


def _refuse_what_no_view_can_take() -> None:
    # A multipart part may come without a name: werkzeug then gives None, not a string.
    if any(isinstance(text, str) and NUL in text for text in _request_texts()):
        raise ForbiddenCharacter(
            _("The request contains a NUL character (U+0000); remove it and send it again.")
        )


def register_input_guard(app: Flask) -> None:
    app.before_request(_refuse_what_no_view_can_take)
