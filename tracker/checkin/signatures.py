"""Signatures drawn at check-in (the door page's pad, the scanner's), for the daftar hadir.

What a device sends is not trusted: a data URL or bytes, decoded by Pillow (tracker.images)
as PNG, JPEG or WebP only, refused when it is not an image or holds no ink, then cropped to
the ink, shrunk to at most BOX and written again as a small grey PNG on white. One signature
per person and event day; signing again that day replaces it (the latest is what they meant).

The scanner may send a signature long after it was drawn: offline, the person signs on the
staff's phone, the scan and its signature wait in the phone's queue, and both go when the
network is back, the scan first. Such a signature names its scan's nonce
(save_scan_signature): it counts for the scan's day, only if the server's answer to that scan
let the person in, and sending it again changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import io
from datetime import date, datetime

from flask_babel import gettext as _
from PIL import Image
from sqlalchemy import select

from tracker import images
from tracker.checkin.models import CheckInDay, Scan, ScanResult, Signature
from tracker.errors import Conflict, ValidationFailed
from tracker.events.days import day_of
from tracker.events.models import Event
from tracker.extensions import db

#: The largest picture accepted, in bytes once decoded (a phone's pad PNG is 5-40 kB).
MAX_BYTES = 512 * 1024
#: The longest data URL a form or the API takes (base64 is 4/3 of the bytes, plus its header).
MAX_DATA_URL = MAX_BYTES * 4 // 3 + 100
FORMATS = ("PNG", "JPEG", "WEBP")
#: A pad is a few hundred pixels; more is not a signature (and costs memory to decode).
MAX_PIXELS = 4_000_000
#: The size kept, at most: sharp in a 26 mm box at 300 dpi, a few kilobytes.
BOX = (600, 200)
#: Fewer dark pixels than this is an empty pad (or a stray tap).
MIN_INK = 40
_DATA_URL = "data:image/"
#: The scan answers after which the person is in for the day, so their signature counts.
SIGNED_AFTER = (ScanResult.CHECKED_IN, ScanResult.ALREADY)


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed(message, {"signature": message})


def _bytes_of(sent: str | bytes) -> bytes:
    if isinstance(sent, bytes):
        raw = sent
    else:
        head, _comma, body = sent.partition(",")
        if not head.startswith(_DATA_URL) or not head.endswith(";base64") or not body:
            raise _refused(_("The signature is not an image: sign on the pad again."))
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise _refused(_("The signature is not an image: sign on the pad again.")) from None
    if len(raw) > MAX_BYTES:
        raise _refused(_("The signature is too large: sign on the pad again."))
    return raw


def _on_white(image: Image.Image) -> Image.Image:
    """Grey on white: a pad's PNG is often black strokes on a transparent background."""
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("L")


def read_signature(sent: str | bytes) -> bytes:
    """The signature as the PNG we keep. ``sent``: a data URL (``data:image/png;base64,...``)
    or the picture's bytes. Raises ValidationFailed (field ``signature``) for anything that is
    not a PNG, JPEG or WebP picture with some ink on it."""
    try:
        picture = images.decode(_bytes_of(sent), FORMATS, MAX_PIXELS)
    except images.NotAnImage:
        raise _refused(_("The signature is not an image: sign on the pad again.")) from None
    grey = _on_white(picture)
    ink = grey.point(lambda value: 255 if value < 160 else 0)
    box = ink.getbbox()
    if box is None or sum(ink.histogram()[255:]) < MIN_INK:
        raise _refused(_("The signature is empty: sign on the pad first."))
    kept = grey.crop(box)
    kept.thumbnail(BOX)
    out = io.BytesIO()
    kept.save(out, "PNG", optimize=True)
    return out.getvalue()


def _present(event: Event, participant_id: int, day: date) -> bool:
    found = db.session.scalar(
        select(CheckInDay.id).where(
            CheckInDay.event_id == event.id,
            CheckInDay.participant_id == participant_id,
            CheckInDay.day == day,
        )
    )
    return found is not None


def save_signature(
    event: Event, participant_id: int, png: bytes, method: str, now: datetime
) -> Signature:
    """Keep ``png`` (from read_signature) as the person's signature for today's event day.

    Raises Conflict when the person has not checked in that day (a signature goes with the
    day's entry). Flushes; the caller commits.
    """
    day = day_of(event.day_windows(), now, event.timezone)
    if not _present(event, participant_id, day):
        raise Conflict(_("Check the person in first; then they sign."))
    return _keep(event, participant_id, day, png, method, now)


def save_scan_signature(
    event: Event, nonce: str, participant_id: int, png: bytes, method: str
) -> Signature:
    """Keep the signature drawn right after the scan with ``nonce`` (the scanner's queue sends
    it after the scan), for that scan's day, as signed at the scan's time.

    Idempotent: the same signature sent again is kept once. A newer signature of the same day
    (signed at the door page later, say) is not replaced by an older one arriving late.
    Raises Conflict when the server has no scan with this nonce yet (send the scan first),
    when its answer did not let this person in (refused, an exit, someone else), or when the
    check-in was undone since. Flushes; the caller commits.
    """
    scan = db.session.execute(
        select(Scan.result, Scan.participant_id, Scan.day, Scan.scanned_at).where(
            Scan.event_id == event.id, Scan.nonce == nonce
        )
    ).first()
    if scan is None:
        raise Conflict(_("This check-in has not reached the server yet: send it first."))
    if scan.result not in SIGNED_AFTER or scan.participant_id != participant_id or not scan.day:
        raise Conflict(_("This scan did not check the person in: the signature is not kept."))
    if not _present(event, participant_id, scan.day):
        raise Conflict(_("Check the person in first; then they sign."))
    return _keep(event, participant_id, scan.day, png, method, scan.scanned_at)


def _keep(
    event: Event, participant_id: int, day: date, png: bytes, method: str, signed_at: datetime
) -> Signature:
    """One row per person and day; the latest signed is kept (a late upload of an earlier
    signature leaves the newer one)."""
    signature = db.session.scalar(
        select(Signature).where(Signature.participant_id == participant_id, Signature.day == day)
    )
    if signature is None:
        signature = Signature(event_id=event.id, participant_id=participant_id, day=day)
        db.session.add(signature)
    elif signature.signed_at > signed_at:
        return signature
    signature.png, signature.signed_at, signature.method = png, signed_at, method
    db.session.flush()
    return signature


def signatures_on(event: Event, day: date) -> dict[int, bytes]:
    """The day's signatures of the event, by participant id."""
    rows = db.session.execute(
        select(Signature.participant_id, Signature.png).where(
            Signature.event_id == event.id, Signature.day == day
        )
    )
    return {participant_id: png for participant_id, png in rows}
