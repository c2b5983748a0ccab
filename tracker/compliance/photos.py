"""Evidence photos: checked, resized and re-encoded from bytes to bytes (no Flask here).

What a phone sends is not trusted: the type is decided by decoding the bytes with Pillow, not
by the name or the declared content type; the image is turned upright, shrunk to at most
MAX_SIDE pixels and written again as a JPEG without its EXIF data (which holds the GPS position
and the phone's serial), so what we keep and serve is an image we made ourselves.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from tracker import images

#: The largest upload accepted, in bytes (a 48 MP phone JPEG is about 8-12 MB).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: The longest side kept, in pixels: enough to read a label on a photo in a report.
MAX_SIDE = 1600
THUMB_SIDE = 400
MAX_PIXELS = images.MAX_PIXELS
#: Pillow decoders we let read uploads; anything else is "not an image". (The JPEG decoder
#: also reads the MPO files some phone cameras write.)
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
JPEG_QUALITY = 85


class PhotoRejected(ValueError):
    """The upload is not a photo we accept; ``reason`` is too_large, empty or not_image."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PreparedPhoto:
    data: bytes
    thumb: bytes
    width: int
    height: int


def _decode(raw: bytes) -> Image.Image:
    try:
        return images.decode(raw, FORMATS, MAX_PIXELS)
    except images.NotAnImage:
        raise PhotoRejected("not_image") from None


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency, and a black background hides what was shown."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= and no icc_profile=; and Pillow writes the source's comment (COM) and XMP from
    # ``info`` unless told otherwise: a phone's or an editor's comment can name a person or a
    # place, so nothing of ``info`` goes out.
    copy.info = {}
    copy.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, comment=b"")
    return out.getvalue()


def prepare_photo(raw: bytes) -> PreparedPhoto:
    """The photo to keep and its thumbnail. Raises PhotoRejected."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise PhotoRejected("too_large")
    if not raw:
        raise PhotoRejected("empty")
    image = _decode(raw)
    try:
        image = ImageOps.exif_transpose(image) or image  # upright before the EXIF goes
    except (OSError, ValueError, SyntaxError):
        pass  # a broken orientation tag: keep the image as it is stored
    image = _flatten(image)
    data = _jpeg(image, MAX_SIDE)
    with Image.open(io.BytesIO(data)) as kept:
        width, height = kept.size
    return PreparedPhoto(data=data, thumb=_jpeg(image, THUMB_SIDE), width=width, height=height)
