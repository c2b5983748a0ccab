"""Request bodies of the compliance API and its part of the OpenAPI description.

Importing this module adds the paths and models to tracker.api.openapi.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from tracker.api import openapi
from tracker.api.schemas import Strict
from tracker.compliance import checklist_templates, measurements, services

StatusName = Literal["compliant", "non_compliant", "not_applicable"]
StreamName = Literal["organic", "inorganic", "residue", "recyclable"]
CategoryName = Literal[
    "plastic",
    "water",
    "waste",
    "communication",
    "venue",
    "equipment",
    "accessibility",
    "consumption",
    "documentation",
    "other",
]


class TemplateItemIn(Strict):
    text_id: str = Field(min_length=1, max_length=2000)
    text_en: str = Field(default="", max_length=2000)
    basis: str = Field(default="", max_length=200)
    category: CategoryName = "other"
    required: bool = False
    answer_type: Literal["yes_no", "number", "text"] = "yes_no"
    unit: str = Field(default="", max_length=30)
    photo_on_fail: bool = False
    note_on_fail: bool = False


class TemplateIn(Strict):
    """A whole template version. Saving a key that exists writes its next version."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")
    title: str = Field(min_length=1, max_length=300)
    title_en: str = Field(default="", max_length=300)
    basis_regulation: str = Field(default="", max_length=200)
    basis_number: str = Field(default="", max_length=50)
    basis_year: int | None = Field(default=None, ge=1945, le=2100)
    basis_article: str = Field(default="", max_length=100)
    basis_url: str = Field(default="", max_length=500, pattern=r"^(https?://\S+)?$")
    items: list[TemplateItemIn] = Field(min_length=1, max_length=checklist_templates.MAX_ITEMS)


class AttachIn(Strict):
    template_key: str = Field(min_length=1, max_length=80)


class ItemPatch(Strict):
    """Any of the three; absent fields stay. ``status: null`` makes the item open again."""

    status: StatusName | None = None
    value: str | int | float | None = Field(default=None)
    note: str | None = Field(default=None, max_length=services.NOTE_MAX)


class SignOffIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    position: str = Field(min_length=1, max_length=200)


class ReopenIn(Strict):
    reason: str = Field(default="", max_length=500)


class WasteIn(Strict):
    stream: StreamName
    kg: float = Field(gt=0, le=100_000)
    note: str = Field(default="", max_length=200)


class SustainabilityPatch(Strict):
    refill_litres: float | None = Field(default=None, ge=0, le=measurements.MAX_LITRES)
    bottles_per_participant: float | None = Field(default=None, ge=0, le=measurements.MAX_BOTTLES)


# --- OpenAPI ----------------------------------------------------------------------------

_OBJ = {"type": "object"}
_E = openapi.path_param("event_id")
_C = openapi.path_param("checklist_id")
_I = openapi.path_param("item_id")
_P = openapi.path_param("photo_id")
_KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}
_CHECKLIST_PATH = "/api/v1/events/{event_id}/checklists/{checklist_id}"
_ITEM_PATH = _CHECKLIST_PATH + "/items/{item_id}"
_PHOTO_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["photo"],
                "properties": {"photo": {"type": "string", "format": "binary"}},
            }
        }
    },
}


def _ok(text: str, *codes: int, status: str = "200") -> dict[str, Any]:
    return {status: openapi.answer(text, _OBJ), **openapi.errors(*codes)}


openapi.EXTRA_MODELS.extend(
    [TemplateIn, AttachIn, ItemPatch, SignOffIn, ReopenIn, WasteIn, SustainabilityPatch]
)
openapi.EXTRA_PATHS.update(
    {
        "/api/v1/checklist-templates": {
            "get": openapi.op("Latest version of every checklist template", _ok("Templates", 401)),
            "post": openapi.op(
                "Write a template's next version (admin); 200 when nothing changed",
                _ok("The new version", 400, 401, 403, 422, status="201"),
                body=openapi.json_body("TemplateIn"),
            ),
        },
        "/api/v1/checklist-templates/{key}": {
            "get": openapi.op(
                "One template (latest, or ?version=N) and its version numbers",
                _ok("The template", 401, 404, 422),
                params=[_KEY, openapi.query_param("version", {"type": "integer", "minimum": 1})],
            ),
        },
        "/api/v1/events/{event_id}/checklists": {
            "get": openapi.op(
                "The event's checklists with items, answers and scores (text in the "
                "Accept-Language: id or en)",
                _ok("Checklists", 401, 404),
                params=[_E],
            ),
            "post": openapi.op(
                "Attach the latest version of a template (organiser)",
                _ok("The checklist", 400, 401, 403, 404, 409, 422, status="201"),
                body=openapi.json_body("AttachIn"),
                params=[_E],
            ),
        },
        _CHECKLIST_PATH: {
            "get": openapi.op("One checklist", _ok("The checklist", 401, 404), params=[_E, _C]),
        },
        _ITEM_PATH: {
            "patch": openapi.op(
                "Answer an item: status, value (checked against the answer type), note. "
                "409 checklist_signed_off once signed off; 422 evidence_required when a "
                "non-compliant answer lacks its note or photo",
                _ok("The item", 400, 401, 404, 409, 422),
                body=openapi.json_body("ItemPatch"),
                params=[_E, _C, _I],
            ),
        },
        _ITEM_PATH + "/photos": {
            "post": openapi.op(
                "Upload an evidence photo (resized, re-encoded as JPEG, EXIF removed)",
                _ok("The photo", 400, 401, 404, 409, 413, 422, status="201"),
                body=_PHOTO_UPLOAD,
                params=[_E, _C, _I],
            ),
        },
        _ITEM_PATH + "/photos/{photo_id}": {
            "get": openapi.op(
                "The photo as JPEG (?size=thumb for the thumbnail)",
                {
                    "200": {
                        "description": "JPEG",
                        "content": {"image/jpeg": {"schema": {"type": "string"}}},
                    },
                    **openapi.errors(401, 404),
                },
                params=[_E, _C, _I, _P, openapi.query_param("size", {"enum": ["thumb"]})],
            ),
            "delete": openapi.op(
                "Remove a photo",
                {"204": {"description": "Removed"}, **openapi.errors(401, 404, 409, 422)},
                params=[_E, _C, _I, _P],
            ),
        },
        _CHECKLIST_PATH + "/sign-off": {
            "post": openapi.op(
                "Sign off and lock; 422 required_items_open lists the open required items",
                _ok("The checklist", 400, 401, 404, 409, 422),
                body=openapi.json_body("SignOffIn"),
                params=[_E, _C],
            ),
        },
        _CHECKLIST_PATH + "/reopen": {
            "post": openapi.op(
                "Reopen a signed-off checklist (organiser; audited)",
                _ok("The checklist", 400, 401, 403, 404, 409, 422),
                body={**openapi.json_body("ReopenIn"), "required": False},
                params=[_E, _C],
            ),
        },
        "/api/v1/events/{event_id}/waste": {
            "get": openapi.op(
                "Every weighing, newest first", _ok("Entries", 401, 404), params=[_E]
            ),
            "post": openapi.op(
                "Add a weighing of one waste stream, in kg",
                _ok("The entry", 400, 401, 404, 422, status="201"),
                body=openapi.json_body("WasteIn"),
                params=[_E],
            ),
        },
        "/api/v1/events/{event_id}/waste/{entry_id}": {
            "delete": openapi.op(
                "Remove a mistaken weighing (audited)",
                {"204": {"description": "Removed"}, **openapi.errors(401, 404)},
                params=[_E, openapi.path_param("entry_id")],
            ),
        },
        "/api/v1/events/{event_id}/sustainability": {
            "get": openapi.op(
                "Tumbler rate, bottles avoided, waste, refill water and compliance score, each "
                "with its assumption",
                _ok("The figures", 401, 404),
                params=[_E],
            ),
            "patch": openapi.op(
                "Set refill litres and/or bottles per participant per day",
                _ok("The figures", 400, 401, 404, 422),
                body=openapi.json_body("SustainabilityPatch"),
                params=[_E],
            ),
        },
    }
)
