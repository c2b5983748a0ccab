"""The worker gives the memory a large response freed back once it has been sent
(tracker.memory): after the summary's files and the import's preview, not after a page."""

from __future__ import annotations

import ctypes
import importlib.util
import io
from pathlib import Path

import pytest

from tests.conftest import log_in
from tests.factories import make_event
from tests.summaries.helpers import build_event
from tracker import memory


@pytest.fixture
def releases(monkeypatch) -> list[str]:
    """Each time release_memory runs."""
    calls: list[str] = []
    monkeypatch.setattr(memory, "release_memory", lambda: calls.append("released"))
    return calls


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv"])
def test_each_summary_file_gives_memory_back(app, users, client, releases, fmt):
    built = build_event(users.organiser, users.staff)
    log_in(client, users.organiser)
    assert client.get(f"/events/{built.event.id}/summary.{fmt}").status_code == 200
    assert releases == ["released"]


def test_the_memory_is_given_back_only_once_the_file_is_sent(app, users, client, releases):
    built = build_event(users.organiser, users.staff)
    log_in(client, users.organiser)
    response = client.get(f"/events/{built.event.id}/summary.pdf", buffered=False)
    assert response.status_code == 200
    assert releases == []  # the person downloading does not wait for the collection
    response.get_data()
    response.close()
    assert releases == ["released"]


def test_a_page_does_not_pay_for_a_collection(app, users, client, releases):
    built = build_event(users.organiser, users.staff)
    log_in(client, users.organiser)
    assert client.get(f"/events/{built.event.id}/summary").status_code == 200
    assert releases == []


def test_the_import_preview_gives_back_the_roster_it_read(app, users, client, releases):
    event = make_event()
    log_in(client, users.organiser)
    upload = client.post(
        f"/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(b"Nama;No HP\r\nAyu;0813-1111-2222\r\n"), "p.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302 and releases == []
    assert client.get(upload.headers["Location"]).status_code == 200
    assert releases == ["released"]


def test_the_collection_runs_and_then_glibc_trims(monkeypatch):
    done: list[object] = []
    monkeypatch.setattr(memory.gc, "collect", lambda: done.append("collect"))
    monkeypatch.setattr(memory, "_malloc_trim", lambda: lambda pad: done.append(pad))
    memory.release_memory()
    assert done == ["collect", 0]


def test_without_malloc_trim_only_the_collection_runs(monkeypatch):
    class NoTrim:  # macOS's or musl's C library: no malloc_trim
        def __init__(self, name):
            pass

    monkeypatch.setattr(ctypes, "CDLL", NoTrim)
    memory._malloc_trim.cache_clear()
    try:
        assert memory._malloc_trim() is None
        memory.release_memory()  # does not raise
    finally:
        memory._malloc_trim.cache_clear()


def test_each_worker_maps_large_allocations_for_good(monkeypatch):
    asked: list[tuple[int, int]] = []

    def mallopt(param: int, value: int) -> int:
        asked.append((param, value))
        return 1

    monkeypatch.setattr(memory, "_libc", lambda name: mallopt if name == "mallopt" else None)
    assert memory.map_large_allocations()
    assert asked == [(memory.M_MMAP_THRESHOLD, 128 * 1024)]


def test_without_mallopt_the_worker_keeps_glibcs_default(monkeypatch):
    monkeypatch.setattr(memory, "_libc", lambda name: None)
    assert not memory.map_large_allocations()


def test_gunicorn_sets_it_in_each_worker_it_forks(monkeypatch):
    path = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    forked: list[str] = []
    monkeypatch.setattr(memory, "map_large_allocations", lambda: forked.append("mapped"))
    conf.post_fork(server=None, worker=None)
    assert forked == ["mapped"]
