"""Static files sent gzip-compressed, by the app itself, so the production set-up in the README
(gunicorn alone, or behind any proxy) sends them small: a door phone on 3G fetches the scanner's
scripts and styles in about a third of their bytes (the QR decoder: 130 KB, 45 KB gzipped).

Each file is compressed once per worker process and kept in memory, keyed by its path, size and
modification time (a changed file is compressed again). Only files under ``static/`` are
compressed, never pages or API answers: a page carries a CSRF token beside text an attacker can
put in it, and compressing the two together leaks the token byte by byte (BREACH). gzip only:
every browser takes it, and brotli would save another 15 % of a file fetched once per device
at the price of a compiled dependency.
"""

from __future__ import annotations

import gzip
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

#: What compresses well; images and fonts are compressed already.
COMPRESSIBLE = frozenset(
    {"text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml"}
)

#: Below this a file gains less than the header costs.
MIN_BYTES = 1024


def register_static_compression(app: Flask) -> None:
    app.after_request(_compress_static)


@lru_cache(maxsize=128)
def _gzipped(path: str, size: int, mtime_ns: int) -> bytes:
    """``size`` and ``mtime_ns`` are the cache's key: a file changed on disk is read again."""
    with open(path, "rb") as f:
        return gzip.compress(f.read(), compresslevel=9, mtime=0)


def _compress_static(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code != 200:
        return response
    if response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings.quality("gzip"):
        return response
    path = safe_join(current_app.static_folder or "", request.view_args["filename"])
    if path is None:
        return response
    stat = os.stat(path)
    if stat.st_size < MIN_BYTES:
        return response
    body = _gzipped(path, stat.st_size, stat.st_mtime_ns)
    if hasattr(response.response, "close"):
        response.response.close()  # the open file send_file would have streamed
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    # The same file in another encoding: a weak ETag, which If-None-Match still matches (a
    # revalidation is answered 304 whichever encoding the browser kept).
    etag, _weak = response.get_etag()
    if etag:
        response.set_etag(etag, weak=True)
    return response
