"""The live board's figures at a cost that does not grow with the event, pushed to its screens.

Cached under a version. Database triggers (migration 0010) move an event's version on with
every change to its participants or check-ins, whatever writes them; reading it is one lookup
by primary key. ``live_attendance`` gives ``attendance()`` as of the current version from a
per-process cache, computing it (four aggregates over the event) only when the version moved.
A cached copy is never newer than its tag claims to be older: the version is read before the
figures, so figures computed later can only be ahead of it, and the next change refetches.

Pushed, not polled. A screen holds a server-sent-events stream; in each worker process one
watcher thread reads the versions of the events being watched (one query for all of them)
every BOARD_PUSH_SECONDS and, when one moved, renders its payload once and wakes every stream
of that event. Fifty screens cost that worker the same queries and figures as one, plus
writing the same bytes fifty times. Each stream holds one of gunicorn's threads while it is
open, so a worker holds at most BOARD_STREAMS_PER_WORKER of them (``StreamsFull`` beyond);
the other screens poll the figures, which answer 304 until the version moves.

Several workers and servers: each worker keeps its own cache and watcher, all reading the
versions in the one database, so every screen is right whichever worker serves it.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import select

from tracker.checkin.attendance import Attendance, attendance, attendance_json
from tracker.checkin.models import AttendanceVersion
from tracker.events.models import Event
from tracker.extensions import db

#: Events whose figures a worker keeps (an office runs a few events a day).
CACHED_EVENTS = 32

_lock = threading.Lock()
_cache: OrderedDict[int, tuple[int, Attendance]] = OrderedDict()
_computing: dict[int, threading.Lock] = {}


def versions_of(event_ids: list[int]) -> dict[int, int]:
    """Each event's version (0 for one that has not changed since migration 0010)."""
    rows = db.session.execute(
        select(AttendanceVersion.event_id, AttendanceVersion.version).where(
            AttendanceVersion.event_id.in_(event_ids)
        )
    )
    found = {event_id: version for event_id, version in rows}
    return {event_id: found.get(event_id, 0) for event_id in event_ids}


def figures_version(event_id: int) -> int:
    return versions_of([event_id])[event_id]


def _cached(event_id: int, version: int) -> Attendance | None:
    with _lock:
        hit = _cache.get(event_id)
        if hit is None or hit[0] != version:
            return None
        _cache.move_to_end(event_id)
        return hit[1]


def live_attendance(event: Event) -> tuple[int, Attendance]:
    """(version, the figures as of at least that version). One query when nothing changed;
    when it did, one thread per process computes while the others wait for its result."""
    version = figures_version(event.id)
    figures = _cached(event.id, version)
    if figures is not None:
        return version, figures
    with _lock:
        computing = _computing.setdefault(event.id, threading.Lock())
    with computing:
        figures = _cached(event.id, version)
        if figures is None:
            figures = attendance(event)
            with _lock:
                _cache[event.id] = (version, figures)
                _cache.move_to_end(event.id)
                while len(_cache) > CACHED_EVENTS:
                    _cache.popitem(last=False)
    return version, figures


def forget_cached() -> None:
    """Empty this process's cache (tests that empty the database call it)."""
    with _lock:
        _cache.clear()


# --- the push ---------------------------------------------------------------------------------


class StreamsFull(Exception):
    """This worker already holds BOARD_STREAMS_PER_WORKER streams: the screen should poll."""


#: Renders an event's payload (the figures as JSON) in the watcher's app context; None when
#: the event is gone.
Render = Callable[[int], str | None]


@dataclass
class _Watched:
    render: Render
    streams: int = 0
    version: int = -1
    payload: str | None = None


@dataclass
class Hub:
    """One per worker process: the watcher thread and the streams waiting on it."""

    app: Flask
    events: dict[int, _Watched] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)
    wake: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    streams: int = 0

    def open(self, event_id: int, render: Render) -> None:
        """Count a new stream of ``event_id``. Raises StreamsFull at the limit."""
        with self.changed:
            if self.streams >= self.app.config["BOARD_STREAMS_PER_WORKER"]:
                raise StreamsFull
            self.streams += 1
            watched = self.events.setdefault(event_id, _Watched(render))
            watched.streams += 1
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="board-watcher", daemon=True)
                self.thread.start()
        self.wake.set()

    def close(self, event_id: int) -> None:
        with self.changed:
            self.streams -= 1
            watched = self.events[event_id]
            watched.streams -= 1
            if watched.streams <= 0:
                del self.events[event_id]

    def wait(self, event_id: int, known: int, timeout: float) -> tuple[int, str | None]:
        """(version, payload) once the event's version differs from ``known``, or after
        ``timeout`` seconds (then the version may still be ``known``). A payload of None: the
        event is gone."""
        with self.changed:
            watched = self.events[event_id]
            self.changed.wait_for(
                lambda: watched.version != -1 and watched.version != known, timeout
            )
            return watched.version, watched.payload

    def _run(self) -> None:
        while True:
            with self.changed:
                ids = list(self.events)
            if not ids:
                self.wake.wait(60)
                self.wake.clear()
                continue
            self._look(ids)
            self.wake.wait(self.every())
            self.wake.clear()

    def every(self) -> float:
        return float(self.app.config["BOARD_PUSH_SECONDS"])

    def _look(self, ids: list[int]) -> None:
        """Read the versions; render and announce each event's that moved."""
        try:
            with self.app.app_context():
                versions = versions_of(ids)
                for event_id, version in versions.items():
                    with self.changed:
                        watched = self.events.get(event_id)
                    if watched is None or watched.version == version:
                        continue
                    payload = watched.render(event_id)
                    with self.changed:
                        watched.version, watched.payload = version, payload
                        self.changed.notify_all()
        except Exception:  # noqa: BLE001 - a database hiccup: the screens wait for the next look
            self.app.logger.exception("board watcher: could not read the figures")
            time.sleep(self.every())


_hub_lock = threading.Lock()


def hub() -> Hub:
    """This worker process's hub, made on first use (after gunicorn forked the worker)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _hub_lock:
        found = app.extensions.get("board_hub")
        if found is None:
            found = Hub(app=app)
            app.extensions["board_hub"] = found
        return found


def payload(event_id: int) -> str | None:
    """The figures as one line of JSON (a server-sent event's data); None: the event is gone."""
    event = db.session.get(Event, event_id)
    if event is None:
        return None
    _version, figures = live_attendance(event)
    return json.dumps(attendance_json(event, figures), separators=(",", ":"))


#: A comment line this often keeps proxies from closing a quiet stream.
HEARTBEAT_SECONDS = 15.0


class Stream:
    """A server-sent-events stream of one event's figures: each time they change, and first at
    once unless ``last_seen`` (the browser's Last-Event-ID) is still the version. It ends after
    BOARD_STREAM_SECONDS; the browser's EventSource then reconnects by itself.

    The WSGI server calls ``close()`` when the stream ends or the screen goes away, which gives
    the worker's place back (also when the stream was never read)."""

    def __init__(self, event_id: int, last_seen: str | None) -> None:
        """Raises StreamsFull when this worker holds all the streams it may."""
        self.board = hub()
        self.board.open(event_id, payload)
        self.event_id = event_id
        self.known = int(last_seen) if last_seen and last_seen.isdigit() else -1
        self.ends = time.monotonic() + float(self.board.app.config["BOARD_STREAM_SECONDS"])
        self.closed = False

    def __iter__(self) -> Iterator[str]:
        yield "retry: 3000\n\n"
        while not self.closed and (left := self.ends - time.monotonic()) > 0:
            version, data = self.board.wait(self.event_id, self.known, min(HEARTBEAT_SECONDS, left))
            if version in (self.known, -1):
                yield ": still here\n\n"
                continue
            if data is None:
                return  # the event was deleted
            self.known = version
            yield f"id: {version}\nevent: figures\ndata: {data}\n\n"

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.board.close(self.event_id)
