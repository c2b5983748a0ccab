"""The live board's figures at a cost that does not grow with the event, pushed to its screens.

Cached under a version. Database triggers (migration 0010) move an event's version on with
every change to its participants or check-ins, whatever writes them; reading it is one lookup
by primary key. ``live_attendance`` gives ``attendance()`` as of the current version from a
per-process cache, or from the cache the workers share (tracker/checkin/board_cache.py: Redis
or files in the instance folder), computing it (four aggregates over the event) only when no
worker has: one worker computes a version while the others wait for its result. A cached
copy is never older than its tag claims: the version is read before the figures, so figures
computed later can only be ahead of it, and the next change refetches.

Pushed, not polled. A screen holds a server-sent-events stream; in each worker process one
watcher thread reads the versions of the events being watched (one query for all of them)
every BOARD_PUSH_SECONDS and, when one moved, makes the event's message once and wakes every
stream of that event, which writes those same bytes. The push settles for figures any worker
computed a moment ago (``pushed_attendance``): an event scanned every half second is
computed once per BOARD_PUSH_SECONDS by one worker for all of them, so fifty screens,
whichever workers hold them, cost what one does. Each stream holds one of gunicorn's threads
while it is open, so a worker holds at most BOARD_STREAMS_PER_WORKER of them (``StreamsFull``
beyond); the other screens poll the figures, which answer 304 until the version moves.

Several workers and servers: every worker reads the versions in the one database, so every
screen is right whichever worker serves it; they share the computing through the shared cache
(servers through Redis; without it each server computes for its own workers).
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import bindparam, select

from tracker.checkin.attendance import Attendance, attendance, attendance_json
from tracker.checkin.board_cache import Wanted, shared
from tracker.checkin.models import AttendanceVersion
from tracker.events.models import Event
from tracker.extensions import db

#: Events whose figures a worker keeps (an office runs a few events a day).
CACHED_EVENTS = 32

_lock = threading.Lock()
_cache: OrderedDict[int, tuple[int, Attendance]] = OrderedDict()
_computing: dict[int, threading.Lock] = {}


_VERSIONS = AttendanceVersion.__table__.c
#: Built once: read before every poll and every scan's figures, where building and compiling
#: an ORM query each time cost several times running it.
_VERSION_OF = select(_VERSIONS.version).where(_VERSIONS.event_id == bindparam("event_id"))
_VERSIONS_OF = select(_VERSIONS.event_id, _VERSIONS.version).where(
    _VERSIONS.event_id.in_(bindparam("event_ids", expanding=True))
)


def versions_of(event_ids: list[int]) -> dict[int, int]:
    """Each event's version (0 for one that has not changed since migration 0010)."""
    rows = db.session.connection().execute(_VERSIONS_OF, {"event_ids": event_ids})
    found = {event_id: version for event_id, version in rows}
    return {event_id: found.get(event_id, 0) for event_id in event_ids}


def figures_version(event_id: int) -> int:
    version = db.session.connection().execute(_VERSION_OF, {"event_id": event_id}).scalar()
    return version or 0


def _cached(event_id: int, version: int) -> tuple[int, Attendance] | None:
    with _lock:
        hit = _cache.get(event_id)
        if hit is None or hit[0] != version:
            return None
        _cache.move_to_end(event_id)
        return hit


def _keep(event_id: int, version: int, figures: Attendance) -> None:
    with _lock:
        _cache[event_id] = (version, figures)
        _cache.move_to_end(event_id)
        while len(_cache) > CACHED_EVENTS:
            _cache.popitem(last=False)


def live_attendance(event: Event, version: int | None = None) -> tuple[int, Attendance]:
    """(version, the figures as of at least that version). One query when nothing changed
    (none when the caller read the version just before); when it did, one thread of one worker
    computes while the others wait for its result (tracker/checkin/board_cache.py)."""
    if version is None:
        version = figures_version(event.id)
    return _figures(event, version, settle=False)


def pushed_attendance(event: Event, version: int) -> tuple[int, Attendance]:
    """For the push: like ``live_attendance`` at ``version``, except that figures computed a
    moment ago stand in for newer ones, at their own version (returned, so the watcher asks
    again at its next look): less than BOARD_PUSH_SECONDS ago by this worker, or twice that
    by another (``board_cache.Wanted``). An event scanned every half second is then computed
    once per BOARD_PUSH_SECONDS by one worker for all of them, not once by every worker that
    holds screens; a screen is at most two or three BOARD_PUSH_SECONDS behind."""
    return _figures(event, version, settle=True)


def _figures(event: Event, version: int, settle: bool) -> tuple[int, Attendance]:
    if hit := _cached(event.id, version):
        return hit
    with _lock:
        computing = _computing.setdefault(event.id, threading.Lock())
    with computing:
        if hit := _cached(event.id, version):
            return hit
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        push_seconds = float(app.config["BOARD_PUSH_SECONDS"])
        at, figures = shared(app).figures(
            Wanted(event, version, push_seconds, lambda: attendance(event), settle)
        )
        with _lock:
            kept = _cache.get(event.id)
        if kept is not None and kept[0] == at:
            return kept  # the same version, decoded again: keep the copy the others hold
        _keep(event.id, at, figures)
        return at, figures


#: The figures' JSON per event as a poll answers it, with its version: a board polling figures
#: that did not change is answered from here, without loading the event or encoding again.
_bodies: OrderedDict[int, tuple[int, bytes]] = OrderedDict()


def attendance_body(event_id: int, version: int, event: Callable[[], Event]) -> bytes:
    """The JSON of ``attendance_json`` as of ``version`` (read by the caller just before),
    encoded once per version and worker; ``event`` loads the event (raising NotFound) when
    this worker has not encoded that version yet. Its ``updated_at`` is when the figures were
    computed, as in the pushed stream's message. Every change that moves the figures, the
    event's dates and its deletion included (migrations 0010, 0016, 0022), moves the version."""
    with _lock:
        hit = _bodies.get(event_id)
        if hit is not None and hit[0] == version:
            _bodies.move_to_end(event_id)
            return hit[1]
    loaded = event()
    _at, figures = live_attendance(loaded, version)
    body = json.dumps(attendance_json(loaded, figures), separators=(",", ":")).encode()
    with _lock:
        _bodies[event_id] = (version, body)
        _bodies.move_to_end(event_id)
        while len(_bodies) > CACHED_EVENTS:
            _bodies.popitem(last=False)
    return body


def forget_cached() -> None:
    """Empty this process's cache and the shared one (tests that empty the database call it)."""
    with _lock:
        _cache.clear()
        _bodies.clear()
    shared(current_app._get_current_object()).clear()  # type: ignore[attr-defined]


# --- the push ---------------------------------------------------------------------------------


class StreamsFull(Exception):
    """This worker already holds BOARD_STREAMS_PER_WORKER streams: the screen should poll."""


#: Renders an event's figures at (about) a version, in the watcher's app context: the version
#: they are of and the server-sent event that carries them; None when the event is gone.
Render = Callable[[int, int], tuple[int, bytes] | None]


@dataclass
class _Watched:
    render: Render
    streams: int = 0
    #: The version of the figures in ``message`` (sent to the screens), and the version the
    #: watcher last looked for (newer while the push shows figures of a moment ago).
    version: int = -1
    looked: int = -1
    message: bytes | None = None


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

    def wait(self, event_id: int, known: int, timeout: float) -> tuple[int, bytes | None]:
        """(version, message) once the event's version differs from ``known``, or after
        ``timeout`` seconds (then the version may still be ``known``). A message of None: the
        event is gone. The message is the same bytes for every stream of the event."""
        with self.changed:
            watched = self.events[event_id]
            self.changed.wait_for(
                lambda: watched.version != -1 and watched.version != known, timeout
            )
            return watched.version, watched.message

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
                    if watched is not None and watched.looked != version:
                        self._announce(watched, event_id, version)
        except Exception:  # noqa: BLE001 - a database hiccup: the screens wait for the next look
            self.app.logger.exception("board watcher: could not read the figures")
            time.sleep(self.every())

    def _announce(self, watched: _Watched, event_id: int, version: int) -> None:
        rendered = watched.render(event_id, version)
        shown, message = rendered if rendered is not None else (version, None)
        with self.changed:
            watched.looked = shown  # older than ``version``: look again next time
            if rendered is not None and shown <= watched.version:
                return  # nothing newer than what the screens have
            watched.version, watched.message = shown, message
            self.changed.notify_all()


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


def message(event_id: int, version: int) -> tuple[int, bytes] | None:
    """(the figures' version, the server-sent event carrying them as one line of JSON), made
    once per version and worker for all its streams; None: the event is gone."""
    event = db.session.get(Event, event_id)
    if event is None:
        return None
    shown, figures = pushed_attendance(event, version)
    data = json.dumps(attendance_json(event, figures), separators=(",", ":"))
    return shown, f"id: {shown}\nevent: figures\ndata: {data}\n\n".encode()


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
        self.board.open(event_id, message)
        self.event_id = event_id
        self.known = int(last_seen) if last_seen and last_seen.isdigit() else -1
        self.ends = time.monotonic() + float(self.board.app.config["BOARD_STREAM_SECONDS"])
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield b"retry: 3000\n\n"
        while not self.closed and (left := self.ends - time.monotonic()) > 0:
            version, sent = self.board.wait(self.event_id, self.known, min(HEARTBEAT_SECONDS, left))
            if version in (self.known, -1):
                yield b": still here\n\n"
                continue
            if sent is None:
                return  # the event was deleted
            self.known = version
            yield sent

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.board.close(self.event_id)
