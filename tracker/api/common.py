"""What every API module shares: reading bodies, turning pydantic errors into our JSON errors."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, TypeAdapter, ValidationError

from tracker.errors import DomainError, ValidationFailed

M = TypeVar("M")


class BadJson(DomainError):
    code = "invalid_json"
    status = 400


def json_body() -> Any:
    """The request's JSON. Raises BadJson for a missing or malformed body."""
    if not request.is_json:
        raise BadJson(_("Send a JSON body with Content-Type: application/json."))
    payload = request.get_json(silent=True)
    if payload is None:
        raise BadJson(_("The body is not valid JSON."))
    return payload


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        key = ".".join(str(part) for part in error["loc"]) or "body"
        errors.setdefault(key, error["msg"])
    return errors


def parse(schema: type[M] | Any, payload: Any) -> M:
    """Validate a payload against a pydantic model or type. Raises ValidationFailed (422)."""
    try:
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            return schema.model_validate(payload)  # type: ignore[return-value]
        return TypeAdapter(schema).validate_python(payload)
    except ValidationError as exc:
        raise ValidationFailed(_("The request has errors."), _field_errors(exc)) from None


def query_int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValidationFailed(
            _(
                "%(name)s must be a whole number from %(low)d to %(high)d.",
                name=name,
                low=low,
                high=high,
            ),
            {name: _("Out of range.")},
        )
    return int(raw)
