"""Printing while links point at a loopback address shows a warning first (issue 11.5), and
`make run HOST=0.0.0.0`'s address."""

from __future__ import annotations

import pytest

from tests.conftest import log_in
from tests.factories import dispose, open_event
from tracker.lan import is_loopback_host, site_address


def _app(make_app, **config):
    return make_app(LOOPBACK_WARNING=True, **config)


@pytest.mark.parametrize("path", ["door/poster.pdf", "tickets.pdf"])
def test_printing_with_loopback_links_warns_first(make_app, app, users, path):
    warned = _app(make_app, BASE_URL="http://127.0.0.1:5000")
    try:
        event, _people = open_event()
        client = log_in(warned.test_client(), users.organiser)
        url = f"/events/{event.id}/{path}"
        warning = client.get(url)
        assert warning.status_code == 409
        page = warning.get_data(as_text=True)
        assert "data-loopback-warning" in page and "http://127.0.0.1:5000" in page
        assert "HOST=0.0.0.0" in page
        anyway = client.get(url + "?anyway=1")
        assert anyway.status_code == 200 and anyway.mimetype == "application/pdf"
    finally:
        dispose(warned)


def test_the_browsers_own_loopback_address_warns_too(make_app, app, users):
    warned = _app(make_app)  # no BASE_URL: the links take the request's host, localhost
    try:
        event, _people = open_event()
        client = log_in(warned.test_client(), users.organiser)
        assert client.get(f"/events/{event.id}/door/poster.pdf").status_code == 409
    finally:
        dispose(warned)


def test_a_lan_address_prints_straight_away(make_app, app, users):
    lan = _app(make_app, BASE_URL="http://192.168.1.20:5000")
    try:
        event, _people = open_event()
        client = log_in(lan.test_client(), users.organiser)
        for path in ("door/poster.pdf", "tickets.pdf"):
            answer = client.get(f"/events/{event.id}/{path}")
            assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    finally:
        dispose(lan)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("192.168.1.20", False),
        ("hadir.example.go.id", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback_host(host) is loopback


def test_make_run_host_addresses():
    assert site_address("127.0.0.1", 5000) == "http://127.0.0.1:5000"
    lan = site_address("0.0.0.0", 8080)
    assert lan.startswith("http://") and lan.endswith(":8080") and "0.0.0.0" not in lan
