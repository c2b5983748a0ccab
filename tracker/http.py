"""What every feature's views share to answer with more than a page: absolute links to this site
(for tickets, QR codes and posters), and files sent as bytes with the headers they need."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Response, current_app, request

from tracker.lan import is_loopback_host

#: Names, contacts and evidence photos: never kept by a shared cache or the browser's.
NO_STORE = "no-store"


def site_url(path: str) -> str:
    """An absolute URL on this site: BASE_URL when set (behind a proxy), else the request's."""
    base = current_app.config.get("BASE_URL") or request.url_root.rstrip("/")
    return base + path


def links_stay_on_this_computer() -> bool:
    """Whether links printed now would point at a loopback address (127.0.0.1, localhost),
    which no phone can open: the organiser is warned before printing (LOOPBACK_WARNING)."""
    if not current_app.config.get("LOOPBACK_WARNING", True):
        return False
    host = urlsplit(site_url("/")).hostname or ""
    return is_loopback_host(host)


def send_bytes(
    body: bytes | str | Iterable[bytes],
    mimetype: str,
    filename: str | None = None,
    *,
    inline: bool = False,
    cache: str = NO_STORE,
) -> Response:
    """A file as a response: ``filename`` makes it a download (``inline``: shown in the
    browser), ``cache`` is its Cache-Control. ``body`` may be an iterator (a streamed CSV)."""
    response = Response(body, mimetype=mimetype)
    if filename is not None:
        disposition = "inline" if inline else "attachment"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = cache
    return response
