"""Builders for the compliance tests: events with check-ins, photos made with Pillow."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from tests.factories import add_people
from tracker.checkin.models import CheckIn, CheckInDay
from tracker.db import utcnow
from tracker.events.days import day_of
from tracker.events.models import Event
from tracker.extensions import db


def jpeg_bytes(
    width: int = 2400, height: int = 1800, *, orientation: int | None = None, gps: bool = True
) -> bytes:
    """A JPEG like a phone's: large, with EXIF (a camera model, a GPS tag, an orientation)."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    image.paste((20, 120, 200), (0, 0, width // 2, height // 4))  # a mark to see rotation by
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    if orientation is not None:
        exif[0x0112] = orientation
    if gps:  # where the photo was taken: Tabanan
        exif.get_ifd(0x8825).update({1: "S", 2: (8.0, 32.0, 0.0), 3: "E", 4: (115.0, 7.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_with_alpha(size: int = 64) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def check_in(event: Event, answers: list[bool | None], absent: int = 0) -> None:
    """Register len(answers) + absent people; check the first ones in with those answers (each
    with their day's row, as the scan path writes it)."""
    people = add_people(event, len(answers) + absent)[: len(answers)]
    now = utcnow()
    for index, (person, answer) in enumerate(zip(people, answers, strict=True)):
        at = now - timedelta(minutes=index)
        db.session.add(
            CheckIn(
                event_id=event.id,
                participant_id=person.id,
                checked_in_at=at,
                recorded_at=at,
                method="manual",
                brought_tumbler=answer,
            )
        )
        day = day_of(event.day_windows(), at, event.timezone)
        db.session.add(
            CheckInDay(event_id=event.id, participant_id=person.id, day=day, first_in_at=at)
        )
    db.session.commit()


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body built by hand: for a body of megabytes, Werkzeug's test builder spools
    to a temporary file it never closes (a ResourceWarning, an error under -W error)."""
    boundary = "tracker-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )
