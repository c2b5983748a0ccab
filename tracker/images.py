"""Reading an image someone sent: decoded by its bytes, never trusted by its name or type.

Pure (Pillow, no Flask). Evidence photos (compliance/photos.py), certificate logos and
signatures drawn at check-in (checkin/signatures.py) are all decoded here, then re-encoded by
their owner, so what is kept and served is always an image we wrote ourselves.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

from PIL import Image, UnidentifiedImageError

#: Images with more pixels are refused before decoding (a small file can claim a huge size).
MAX_PIXELS = 60_000_000


class NotAnImage(ValueError):
    """The bytes are not an image of the formats asked for (or too large to decode)."""


def decode(raw: bytes, formats: Sequence[str], max_pixels: int = MAX_PIXELS) -> Image.Image:
    """The decoded image. Raises NotAnImage for anything Pillow cannot read in ``formats``,
    and for a picture of more than ``max_pixels`` (checked before its pixels are read)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=list(formats))
            if image.width * image.height > max_pixels:
                raise NotAnImage("too many pixels")
            image.load()
        except NotAnImage:
            raise
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            SyntaxError,
            ValueError,
            EOFError,
        ):
            raise NotAnImage("not an image") from None
    return image
