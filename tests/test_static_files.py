"""Static files are sent gzip-compressed to browsers that take it; pages and API answers never."""

from __future__ import annotations

import gzip
from pathlib import Path

DECODER = "/static/vendor/jsqr-1.4.0/jsQR.min.js"


def test_a_script_is_sent_gzipped_to_a_browser_that_takes_it(client, app):
    response = client.get(DECODER, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body) < 50_000
    original = (Path(app.static_folder) / "vendor/jsqr-1.4.0/jsQR.min.js").read_bytes()
    assert gzip.decompress(body) == original
    assert response.mimetype == "text/javascript"


def test_without_accept_encoding_the_file_is_sent_as_it_is(client, app):
    response = client.get(DECODER)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(response.get_data()) > 100_000


def test_a_revalidation_is_answered_not_modified(client):
    first = client.get(DECODER, headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get(DECODER, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    assert not again.get_data()


def test_a_range_request_is_not_compressed(client):
    response = client.get(DECODER, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert len(response.get_data()) == 100


def test_small_files_and_images_are_left_alone(client):
    small = client.get("/static/js/confirm.js", headers={"Accept-Encoding": "gzip"})
    assert small.status_code == 200 and "Content-Encoding" not in small.headers


def test_pages_are_never_compressed(client, users):
    """A page holds a CSRF token beside text an attacker chooses: compressing both leaks it."""
    response = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_an_unknown_file_is_404(client):
    response = client.get("/static/js/nothing.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 404
    outside = client.get("/static/../config.py", headers={"Accept-Encoding": "gzip"})
    assert outside.status_code == 404
