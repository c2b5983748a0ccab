"""Evidence photos of checklist items: stored through tracker.storage, checked by
tracker.compliance.photos, refused on a signed-off checklist, written to the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import Response
from flask_babel import gettext as _

from tracker import audit
from tracker.compliance.models import ChecklistItem, ChecklistPhoto
from tracker.compliance.photos import PhotoRejected, PreparedPhoto, prepare_photo
from tracker.compliance.services import check_evidence, check_unlocked
from tracker.errors import DomainError, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.http import send_bytes
from tracker.storage import Storage

MAX_PHOTOS_PER_ITEM = 10


class InvalidPhoto(ValidationFailed):
    code = "invalid_photo"


class PhotoTooLarge(DomainError):
    code = "photo_too_large"
    status = 413


def get_photo(item: ChecklistItem, photo_id: int) -> ChecklistPhoto:
    """Raises NotFound, also for another item's photo."""
    photo = db.session.get(ChecklistPhoto, photo_id)
    if photo is None or photo.item_id != item.id:
        raise NotFound(_("No such photo."))
    return photo


def add_photo(
    item: ChecklistItem, raw: bytes, actor: Any, now: datetime, storage: Storage
) -> ChecklistPhoto:
    """Check, shrink and store a photo for the item.

    Raises ChecklistSignedOff, PhotoTooLarge, InvalidPhoto, ValidationFailed (too many).
    The files are written before the transaction commits: a caller that then fails should
    call ``discard_files(photo_files(photo))``.
    """
    checklist = item.checklist
    check_unlocked(checklist)
    if len(item.photos) >= MAX_PHOTOS_PER_ITEM:
        raise ValidationFailed(
            _("At most %(n)d photos per item.", n=MAX_PHOTOS_PER_ITEM), {"photo": _("Too many.")}
        )
    prepared = _prepare(raw)
    photo = ChecklistPhoto(
        storage_key=storage.save(prepared.data, "image/jpeg"),
        thumb_key=storage.save(prepared.thumb, "image/jpeg"),
        width=prepared.width,
        height=prepared.height,
        size_bytes=len(prepared.data),
        uploaded_at=now,
        uploaded_by_id=getattr(actor, "id", None),
    )
    item.photos.append(photo)
    db.session.flush()
    audit.record(
        "checklist.photo_add",
        now=now,
        actor=actor,
        event_id=checklist.event_id,
        subject_type="checklist_item",
        subject_id=item.id,
        details={"checklist_id": checklist.id, "photo_id": photo.id, "bytes": photo.size_bytes},
    )
    return photo


def _prepare(raw: bytes) -> PreparedPhoto:
    try:
        return prepare_photo(raw)
    except PhotoRejected as exc:
        if exc.reason == "too_large":
            raise PhotoTooLarge(
                _("The photo is larger than 10 MB. Take it again at a lower resolution."),
                {"photo": _("Too large.")},
            ) from None
        raise InvalidPhoto(
            _("This file is not a photo we can read. Send a JPEG, PNG or WebP image."),
            {"photo": _("Not an image.")},
        ) from None


def delete_photo(photo: ChecklistPhoto, actor: Any, now: datetime) -> list[str]:
    """Remove a photo; returns its storage keys for the caller to delete after committing.

    Raises ChecklistSignedOff, EvidenceMissing (the last photo of a failed item that needs one).
    """
    item = photo.item
    check_unlocked(item.checklist)
    item.photos.remove(photo)
    check_evidence(item, item.status, item.note)
    db.session.flush()
    audit.record(
        "checklist.photo_delete",
        now=now,
        actor=actor,
        event_id=item.checklist.event_id,
        subject_type="checklist_item",
        subject_id=item.id,
        details={"checklist_id": item.checklist_id, "photo_id": photo.id},
    )
    return photo_files(photo)


def photo_files(photo: ChecklistPhoto) -> list[str]:
    return [photo.storage_key, photo.thumb_key]


def discard_files(storage: Storage, keys: Iterable[str]) -> None:
    for key in keys:
        storage.delete(key)


def photo_bytes(photo: ChecklistPhoto, storage: Storage, thumb: bool = False) -> bytes:
    """Raises NotFound when the file is gone from the storage."""
    try:
        return storage.open(photo.thumb_key if thumb else photo.storage_key)
    except KeyError:
        raise NotFound(_("The photo file is missing.")) from None


def photo_response(data: bytes, photo: ChecklistPhoto) -> Response:
    """A stored photo for a page or the API; private caching only (the evidence may show
    people)."""
    return send_bytes(
        data,
        photo.content_type,
        f"photo-{photo.id}.jpg",
        inline=True,
        cache="private, max-age=86400",
    )
