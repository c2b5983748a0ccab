"""Evidence photos: decoded, not trusted by name; shrunk, re-encoded, EXIF gone; stored by key."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.compliance.helpers import jpeg_bytes, png_with_alpha
from tracker import audit
from tracker.compliance import evidence
from tracker.compliance.models import ChecklistPhoto
from tracker.compliance.photos import MAX_UPLOAD_BYTES, PhotoRejected, prepare_photo
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.storage import LocalStorage


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_phone_photo_is_shrunk_and_loses_its_exif():
    prepared = prepare_photo(jpeg_bytes(4000, 3000))
    kept, thumb = _open(prepared.data), _open(prepared.thumb)
    assert kept.format == "JPEG" and kept.size == (1600, 1200)
    assert (prepared.width, prepared.height) == (1600, 1200)
    assert max(thumb.size) == 400
    assert dict(kept.getexif()) == {} and dict(thumb.getexif()) == {}
    assert b"Phone X" not in prepared.data and b"Exif" not in prepared.data


def test_the_orientation_is_applied_before_the_exif_goes():
    prepared = prepare_photo(jpeg_bytes(2400, 1800, orientation=6))  # taken upright
    assert _open(prepared.data).size == (1200, 1600)


def test_a_small_photo_keeps_its_size():
    assert _open(prepare_photo(jpeg_bytes(800, 600)).data).size == (800, 600)


def test_transparency_becomes_white():
    kept = _open(prepare_photo(png_with_alpha()).data)
    assert kept.mode == "RGB" and kept.getpixel((10, 10)) >= (250, 250, 250)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"Ini bukan foto, hanya teks dengan nama foto.jpg\n" * 20, "not_image"),
        (b"", "empty"),
        (jpeg_bytes(200, 200)[:300], "not_image"),  # cut off
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not_image"),
        (b"\xff" * (MAX_UPLOAD_BYTES + 1), "too_large"),
    ],
)
def test_what_is_not_a_photo_is_refused(raw, reason):
    with pytest.raises(PhotoRejected) as caught:
        prepare_photo(raw)
    assert caught.value.reason == reason


def test_an_image_claiming_too_many_pixels_is_refused_before_decoding():
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")  # tiny file, 144 megapixels
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(PhotoRejected):
        prepare_photo(out.getvalue())


def test_storage_keeps_bytes_under_random_keys(tmp_path):
    storage = LocalStorage(tmp_path)
    key = storage.save(b"abc", "image/jpeg")
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert storage.open(key) == b"abc"
    assert (tmp_path / key[:2] / key).read_bytes() == b"abc"
    assert storage.save(b"abc", "image/jpeg") != key
    storage.delete(key)
    storage.delete(key)  # twice is fine
    with pytest.raises(KeyError):
        storage.open(key)


@pytest.mark.parametrize("key", ["../../etc/passwd", "foto.jpg", "", "A" * 32, "/tmp/x"])
def test_storage_refuses_keys_it_did_not_make(tmp_path, key):
    with pytest.raises(KeyError):
        LocalStorage(tmp_path).open(key)
    LocalStorage(tmp_path).delete(key)  # nothing happens


def test_add_photo_stores_our_jpeg_and_audits(app, users, checklist, storage):
    item = checklist.items[0]
    photo = evidence.add_photo(item, jpeg_bytes(), users.staff, utcnow(), storage)
    db.session.commit()
    stored = storage.open(photo.storage_key)
    assert _open(stored).size == (photo.width, photo.height) == (1600, 1200)
    assert photo.size_bytes == len(stored)
    assert max(_open(storage.open(photo.thumb_key)).size) == 400
    files = sorted(p.name for p in storage.root.rglob("*") if p.is_file())
    assert files == sorted([photo.storage_key, photo.thumb_key])
    entry = audit.entries(action_prefix="checklist.photo_add")[0]
    assert entry.subject_id == item.id and entry.details["photo_id"] == photo.id


def test_add_photo_refuses_non_images_and_oversize_files(app, users, checklist, storage):
    item = checklist.items[0]
    with pytest.raises(evidence.InvalidPhoto) as caught:
        evidence.add_photo(item, b"bukan gambar" * 100, users.staff, utcnow(), storage)
    assert caught.value.status == 422 and caught.value.code == "invalid_photo"
    with pytest.raises(evidence.PhotoTooLarge) as caught:
        evidence.add_photo(item, b"\0" * (MAX_UPLOAD_BYTES + 1), users.staff, utcnow(), storage)
    assert caught.value.status == 413
    assert db.session.query(ChecklistPhoto).count() == 0
    assert not storage.root.exists() or not any(storage.root.rglob("*"))


def test_at_most_ten_photos_per_item(app, users, checklist, storage):
    item = checklist.items[0]
    small = jpeg_bytes(64, 48, gps=False)
    for _ in range(evidence.MAX_PHOTOS_PER_ITEM):
        evidence.add_photo(item, small, users.staff, utcnow(), storage)
    with pytest.raises(ValidationFailed):
        evidence.add_photo(item, small, users.staff, utcnow(), storage)
