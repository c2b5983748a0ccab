"""The OpenAPI 3.1 description of /api/v1.

Request bodies come from the pydantic models that validate them. A test checks that every
registered /api/v1 route is described here, so the description stays true as the API grows.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic.json_schema import models_json_schema

from tracker.api import schemas

_REF = "#/components/schemas/{model}"
_MODELS = [schemas.EventIn, schemas.EventPatch, schemas.ParticipantIn, schemas.VenueIn]
#: Modules of later features add their (path, method) descriptions here at import time.
EXTRA_PATHS: dict[str, dict[str, Any]] = {}
EXTRA_MODELS: list[type] = []

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object"},
            },
        }
    },
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


def json_body(name: str | dict[str, Any]) -> dict[str, Any]:
    schema = ref(name) if isinstance(name, str) else name
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    body = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return body


def errors(*codes: int) -> dict[str, Any]:
    texts = {
        400: "Malformed request",
        401: "No or bad token",
        403: "Role not allowed",
        404: "Not found",
        409: "Conflict",
        413: "Body too large",
        422: "Invalid fields",
        429: "Too many calls without a valid token; wait a minute (see Retry-After)",
    }
    return {str(c): answer(texts[c], ref("Error")) for c in codes}


def op(
    summary: str,
    responses: dict[str, Any],
    body: dict | None = None,
    params: list | None = None,
    public: bool = False,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = body
    if params:
        operation["parameters"] = params
    if public:
        operation["security"] = []
    return operation


def path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def query_param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


_OBJ = {"type": "object"}
_EVENT_ID = [path_param("event_id")]


def _core_paths() -> dict[str, dict[str, Any]]:
    participants_answer = {"type": "object", "properties": {"participants": {"type": "array"}}}
    return {
        "/api/v1/events": {
            "get": op(
                "List events",
                {"200": answer("Events", _OBJ), **errors(401, 422)},
                params=[query_param("scope", {"enum": ["all", "upcoming", "past", "archived"]})],
            ),
            "post": op(
                "Create an event",
                {"201": answer("The event", _OBJ), **errors(400, 401, 403, 404, 422)},
                body=json_body("EventIn"),
            ),
        },
        "/api/v1/events/{event_id}": {
            "get": op(
                "One event",
                {"200": answer("The event", _OBJ), **errors(401, 404)},
                params=_EVENT_ID,
            ),
            "patch": op(
                "Change an event",
                {"200": answer("The event", _OBJ), **errors(400, 401, 403, 404, 422)},
                body=json_body("EventPatch"),
                params=_EVENT_ID,
            ),
        },
        "/api/v1/events/{event_id}/participants": {
            "get": op(
                "List participants",
                {"200": answer("Participants", _OBJ), **errors(401, 403, 404, 422)},
                params=[
                    *_EVENT_ID,
                    query_param("q", {"type": "string"}),
                    query_param("limit", {"type": "integer", "minimum": 1}),
                    query_param("offset", {"type": "integer", "minimum": 0}),
                ],
            ),
            "post": op(
                "Register one participant or a list (all or nothing)",
                {
                    "201": answer("Created", participants_answer),
                    **errors(400, 401, 403, 404, 409, 422),
                },
                body=json_body(
                    {
                        "oneOf": [
                            ref("ParticipantIn"),
                            {"type": "array", "items": ref("ParticipantIn")},
                        ]
                    }
                ),
                params=_EVENT_ID,
            ),
        },
        "/api/v1/events/{event_id}/participants/import": {
            "post": op(
                "Import a CSV or XLSX roster",
                {
                    "200": answer("Counts and row errors", _OBJ),
                    **errors(400, 401, 403, 404, 409, 413, 422),
                },
                body={
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "dry_run": {"type": "boolean"},
                                },
                            }
                        }
                    },
                },
                params=_EVENT_ID,
            ),
        },
        "/api/v1/openapi.json": {
            "get": op("This description", {"200": answer("OpenAPI 3.1", _OBJ)}, public=True),
        },
    }


def _with_common_errors(paths: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Answers any call may get: 400 (a NUL character or JSON nested too deeply, refused by
    tracker.guard) and 429 (too many calls without a valid token). Operations that describe
    their own 400 keep it."""
    paths = copy.deepcopy(paths)  # EXTRA_PATHS belongs to the modules that filled it
    for operations in paths.values():
        for operation in operations.values():
            for code, description in errors(400, 429).items():
                operation["responses"].setdefault(code, description)
    return paths


def build_spec() -> dict[str, Any]:
    _, definitions = models_json_schema(
        [(m, "validation") for m in [*_MODELS, *EXTRA_MODELS]], ref_template=_REF
    )
    components = {**definitions.get("$defs", {}), "Error": _ERROR}
    return {
        "openapi": "3.1.0",
        "info": {"title": "tracker API", "version": "1"},
        "paths": _with_common_errors({**_core_paths(), **EXTRA_PATHS}),
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
