"""The board's figures shared between worker processes (tracker/checkin/board_cache.py): one
computes a version, the others read it; a change is never hidden; Redis gone, each computes."""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import fields
from datetime import UTC, date, datetime

import pytest

from tests.checkin.test_attendance import count_queries
from tests.factories import open_event
from tracker.checkin import live_figures
from tracker.checkin.attendance import Attendance, Split, attendance
from tracker.checkin.board_cache import (
    FileStore,
    RedisStore,
    SharedFigures,
    Wanted,
    decode,
    encode,
)
from tracker.checkin.day_figures import DayFigures, SessionFigures
from tracker.checkin.live_figures import figures_version, live_attendance, pushed_attendance

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Log:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warning(self, message: str, *args: object) -> None:
        self.warnings.append(message % args)


def _other_worker(store) -> SharedFigures:
    """What another worker process has: its own SharedFigures on the same store."""
    return SharedFigures(store, "ns", Log())


def _scan(api, event, person) -> None:
    response = api("staff").post(
        f"/api/v1/events/{event.id}/checkins",
        json={"code": person.ticket_code, "gate": "A", "nonce": str(uuid.uuid4())},
    )
    assert response.status_code == 201, response.get_json()


def _forget_this_worker() -> None:
    """As if the request had reached another worker: its own cache is empty, the shared not."""
    with live_figures._lock:
        live_figures._cache.clear()


def _never() -> Attendance:
    raise AssertionError("computed although another worker had")


def test_the_figures_survive_the_trip_through_json():
    at = datetime(2026, 11, 24, 1, 10, tzinfo=UTC)
    figures = Attendance(
        registered=5,
        checked_in=3,
        walk_ins=1,
        by_agency={"Dinas Kominfo": Split(3, 2), "Bappeda": Split(2, 1)},
        by_category={"umum": Split(5, 3)},
        by_method={"scanner": 2, "door": 1},
        tumbler={"yes": 1, "no": 1, "unknown": 1},
        arrivals=[(at, 2), (at.replace(minute=20), 1)],
        latest=[("Wayan", "Dinas Kominfo", at)],
        by_day=[DayFigures(date(2026, 11, 24), 3, 1), DayFigures(date(2026, 11, 25), 0, 0)],
        by_session=[SessionFigures(7, "Pembukaan", date(2026, 11, 24), at, at, "Aula", 2, 3, True)],
    )
    assert decode(encode(42, 123, figures), 42) == (123, figures)
    # A field added to Attendance must be added to encode and decode too, or workers that
    # read the figures from the shared cache would show it empty.
    assert {f.name for f in fields(Attendance)} == set(figures.__dict__) == {
        "registered", "checked_in", "walk_ins", "by_agency", "by_category", "by_method",
        "tumbler", "arrivals", "latest", "by_day", "by_session",
    }  # fmt: skip
    with pytest.raises(ValueError):
        decode(encode(42, 123, figures), 43)  # another event's entry under this key


def test_another_worker_reads_the_figures_one_worker_computed(app, api):
    event, (wayan, _luh, _made) = open_event()
    version, first = live_attendance(event)
    _forget_this_worker()
    with count_queries() as statements:
        again = live_attendance(event)
    assert again == (version, first)
    assert len(statements) == 1  # the version; the figures came from the shared cache


def test_a_change_is_computed_again_not_served_from_the_shared_cache(app, api):
    event, (wayan, _luh, _made) = open_event()
    version, first = live_attendance(event)
    _scan(api, event, wayan)
    _forget_this_worker()
    newer, after = live_attendance(event)
    assert newer == figures_version(event.id) > version
    assert (first.checked_in, after.checked_in) == (0, 1)


def test_the_push_settles_for_figures_of_a_moment_ago_and_says_so(app, api):
    event, (wayan, _luh, _made) = open_event()
    saved = app.config["BOARD_PUSH_SECONDS"]
    app.config["BOARD_PUSH_SECONDS"] = 60.0  # so the entry is fresh however slow the test
    try:
        version, _first = live_attendance(event)
        _scan(api, event, wayan)
        _forget_this_worker()
        newer = figures_version(event.id)
        shown, figures = pushed_attendance(event, newer)
        assert (shown, figures.checked_in) == (version, 0)  # the older version, labelled so
        strict, figures = live_attendance(event)  # a poll or a page: never older than asked
        assert (strict, figures.checked_in) == (newer, 1)
    finally:
        app.config["BOARD_PUSH_SECONDS"] = saved


def test_nobody_else_computes_while_one_worker_does(app, tmp_path):
    event, _people = open_event()
    store = FileStore(tmp_path)
    worker = _other_worker(store)
    version = figures_version(event.id)
    got: list[tuple[int, Attendance]] = []
    with store.computing(worker.key(event)) as mine:  # the first worker computes...
        assert mine
        waiting = threading.Thread(
            target=lambda: got.append(worker.figures(Wanted(event, version, 2.0, _never)))
        )
        waiting.start()
        waiting.join(0.3)
        assert waiting.is_alive() and not got  # ...while the second waits for it
        figures = attendance(event)
        store.write(worker.key(event), encode(event.id, version, figures), 2.0, 4.0)
    waiting.join(5)
    assert got == [(version, figures)]


def test_the_worker_that_computed_the_figures_computes_them_again_for_the_push(app, tmp_path):
    """While an event changes all the time, the push computes it once per BOARD_PUSH_SECONDS
    in one worker (the one that did last), not in every worker with screens."""
    event, _people = open_event()
    store = FileStore(tmp_path)
    first, second = _other_worker(store), _other_worker(store)
    version = figures_version(event.id)
    computed = first.figures(Wanted(event, version, 1.0, lambda: attendance(event), True))
    time.sleep(1.1)  # no longer fresh; still recent
    newer = version + 1
    assert second.figures(Wanted(event, newer, 1.0, _never, True)) == computed
    again = first.figures(Wanted(event, newer, 1.0, lambda: Attendance(registered=4), True))
    assert again[0] == newer and again[1].registered == 4


def test_an_entry_of_another_event_or_a_broken_one_is_computed_again(app, tmp_path):
    event, _people = open_event()
    other, _others = open_event("Another event")
    store = FileStore(tmp_path)
    worker = _other_worker(store)
    version = figures_version(event.id)
    leaked = encode(other.id, version, Attendance(registered=999))
    store.write(worker.key(event), leaked, 60.0, 120.0)
    assert (
        worker.figures(Wanted(event, version, 2.0, lambda: attendance(event), True))[1].registered
        == 3
    )
    (tmp_path / f"{worker.key(event)}.json").write_bytes(b"not json")
    assert (
        worker.figures(Wanted(event, version, 2.0, lambda: attendance(event), True))[1].registered
        == 3
    )


def test_without_its_redis_each_worker_computes_for_itself(app):
    event, _people = open_event()
    worker = SharedFigures(RedisStore("redis://127.0.0.1:1/0"), "ns", Log())  # nobody listens
    version = figures_version(event.id)
    shown, figures = worker.figures(Wanted(event, version, 2.0, lambda: attendance(event)))
    assert (shown, figures.registered) == (version, 3)
    assert "board cache unavailable" in worker.logger.warnings[0]
    # and leaves the store alone for a while: no second wait for a connection
    assert worker.figures(Wanted(event, version, 2.0, lambda: attendance(event)))[0] == version
    assert len(worker.logger.warnings) == 1


def _redis_or_skip() -> RedisStore:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return RedisStore(REDIS_URL)


def test_workers_share_the_figures_through_redis(app):
    store = _redis_or_skip()
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    event, _people = open_event()
    first, second = (SharedFigures(store, namespace, Log()) for _ in range(2))
    version = figures_version(event.id)
    try:
        computed = first.figures(Wanted(event, version, 2.0, lambda: attendance(event)))
        assert second.figures(Wanted(event, version, 2.0, _never)) == computed
        newer = version + 1  # a change: the entry no longer answers for it
        assert second.figures(Wanted(event, newer, 2.0, Attendance))[0] == newer
        with store.computing(first.key(event)) as mine, store.computing(first.key(event)) as also:
            assert (mine, also) == (True, False)  # one holder at a time
    finally:
        store.clear(namespace)
    assert store.read(first.key(event)) is None


def test_the_board_cache_is_the_limiters_redis_unless_told_otherwise(tmp_path):
    from config import load_config

    base = {"TRACKER_ENV": "development"}
    assert load_config(base, str(tmp_path))["BOARD_CACHE_URL"] == f"file://{tmp_path}/board-cache"
    redis_url = "redis://cache.internal:6379/2"
    limited = load_config({**base, "RATELIMIT_STORAGE_URI": redis_url}, str(tmp_path))
    assert limited["BOARD_CACHE_URL"] == redis_url
    told = {**base, "RATELIMIT_STORAGE_URI": redis_url, "BOARD_CACHE_URL": "memory://"}
    assert load_config(told, str(tmp_path))["BOARD_CACHE_URL"] == "memory://"
