"""The board's figures shared by every worker process (and, through Redis, every app server):
one computes a version of an event's figures, the others read it.

Why: each gunicorn worker holding screens of an event used to compute the figures once per
change for itself (150 ms at 200,000 participants), so fifty screens, spread by the kernel
over two workers, cost twice what one screen did. Now the first worker to need a version
computes it while holding the event's lock here (the others wait for its result, "single
flight"), and writes it where the others find it:

- ``redis://...`` (BOARD_CACHE_URL, by default the limiter's Redis when it has one): every
  worker of every server; entries expire after ENTRY_SECONDS;
- ``file:///folder`` (by default ``instance/board-cache``): the workers of one server, one
  small JSON file per event, replaced atomically; the lock is ``flock`` on a file beside it,
  which the kernel releases if its holder dies;
- ``memory://``: nothing shared (each worker computes for itself, as before).

What is shared is data, never code: the figures as JSON, read back by ``decode``. An entry's
key holds a hash of the secret key and the database's address (two deployments on one Redis
never meet), the event's id and its creation time (an id used again is another key); the
entry holds the version it was computed at, and the event's id, checked on reading. When the
store fails (Redis down, a full disk) the figures are computed in the worker as before, and
the store is left alone for RETRY_SECONDS.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from flask import Flask

from tracker.checkin.attendance import Attendance, Split
from tracker.checkin.day_figures import DayFigures, SessionFigures
from tracker.events.models import Event

#: How long a worker waits for another one computing the same figures before it computes
#: them itself (the other one may be stuck).
WAIT_SECONDS = 10.0
#: A lock held longer than this is taken as abandoned (Redis; a file lock dies with its holder).
LOCK_SECONDS = 30.0
#: Redis forgets an event's entry this long after it was last written.
ENTRY_SECONDS = 3600
#: After the store failed, the workers compute for themselves this long before trying it again.
RETRY_SECONDS = 30.0


# --- the figures as JSON ------------------------------------------------------------------------


def encode(event_id: int, version: int, figures: Attendance) -> bytes:
    """Everything ``attendance()`` returns, as JSON (times in UTC, as computed)."""
    plain = {
        "event": event_id,
        "version": version,
        "registered": figures.registered,
        "checked_in": figures.checked_in,
        "walk_ins": figures.walk_ins,
        "by_agency": {k: [s.registered, s.checked_in] for k, s in figures.by_agency.items()},
        "by_category": {k: [s.registered, s.checked_in] for k, s in figures.by_category.items()},
        "by_method": figures.by_method,
        "tumbler": figures.tumbler,
        "arrivals": [[start.isoformat(), n] for start, n in figures.arrivals],
        "latest": [[name, agency, at.isoformat()] for name, agency, at in figures.latest],
        "by_day": [[d.day.isoformat(), d.present, d.checked_out] for d in figures.by_day],
        "by_session": [
            [
                s.id,
                s.title,
                s.day.isoformat(),
                s.starts_at.isoformat(),
                s.ends_at.isoformat(),
                s.room,
                s.jp,
                s.attended,
                s.scanned,
            ]
            for s in figures.by_session
        ],
    }
    return json.dumps(plain, separators=(",", ":")).encode()


def decode(raw: bytes, event_id: int) -> tuple[int, Attendance]:
    """(version, figures) from ``encode``'s bytes. Raises ValueError (also KeyError and
    TypeError, which are ValueError's kin here) when they are not an entry of ``event_id``."""
    plain = json.loads(raw)
    if plain["event"] != event_id:
        raise ValueError(f"an entry of event {plain['event']} under event {event_id}'s key")
    figures = Attendance(
        registered=plain["registered"],
        checked_in=plain["checked_in"],
        walk_ins=plain["walk_ins"],
        by_agency={k: Split(*v) for k, v in plain["by_agency"].items()},
        by_category={k: Split(*v) for k, v in plain["by_category"].items()},
        by_method=plain["by_method"],
        tumbler=plain["tumbler"],
        arrivals=[(datetime.fromisoformat(s), n) for s, n in plain["arrivals"]],
        latest=[(name, agency, datetime.fromisoformat(at)) for name, agency, at in plain["latest"]],
        by_day=[DayFigures(date.fromisoformat(d), p, o) for d, p, o in plain["by_day"]],
        by_session=[
            SessionFigures(
                i,
                title,
                date.fromisoformat(day),
                datetime.fromisoformat(start),
                datetime.fromisoformat(end),
                room,
                jp,
                attended,
                scanned,
            )
            for i, title, day, start, end, room, jp, attended, scanned in plain["by_session"]
        ],
    )
    return plain["version"], figures


# --- where the entries live ---------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    raw: bytes
    #: Written less than BOARD_PUSH_SECONDS after its version was read (``fresh``), or less
    #: than twice that (``recent``): the push may show it in place of a newer version
    #: (tracker/checkin/live_figures.py, ``pushed_attendance``; ``Wanted.usable``).
    fresh: bool
    recent: bool


class Store(Protocol):
    def read(self, key: str) -> Found | None: ...

    def write(self, key: str, raw: bytes, fresh_for: float, recent_for: float) -> None: ...

    def computing(self, key: str) -> Any:
        """A context manager giving True when this process holds ``key``'s lock (it is then
        the one to compute), False when another holds it."""
        ...

    def clear(self, namespace: str) -> None:
        """Remove the entries and locks of ``namespace`` (tests that empty the database)."""
        ...


class FileStore:
    """One file per event in ``folder``: a first line with the monotonic times (shared by the
    processes of one machine) until which the entry is fresh and recent, then the entry."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def read(self, key: str) -> Found | None:
        try:
            head, raw = (self.folder / f"{key}.json").read_bytes().split(b"\n", 1)
            fresh, recent = (time.monotonic() < float(t) for t in head.split())
            return Found(raw, fresh, recent)
        except FileNotFoundError:
            return None
        except ValueError:
            return Found(b"", False, False)  # not ours: decoding refuses it; written over

    def write(self, key: str, raw: bytes, fresh_for: float, recent_for: float) -> None:
        final = self.folder / f"{key}.json"
        partial = self.folder / f".{key}.{os.getpid()}.{threading.get_ident()}"
        now = time.monotonic()
        partial.write_bytes(f"{now + fresh_for} {now + recent_for}\n".encode() + raw)
        partial.replace(final)  # atomic: a reader sees the old entry or the new, never half

    @contextmanager
    def computing(self, key: str) -> Iterator[bool]:
        fd = os.open(self.folder / f"{key}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # releases the lock

    def clear(self, namespace: str) -> None:
        for path in self.folder.glob(f"{namespace}-*"):
            path.unlink(missing_ok=True)


class RedisStore:
    """The entry under ``tracker:board:<key>`` and markers beside it that expire when the
    entry stops being fresh, and recent (Redis's clock, so servers' clocks need not agree)."""

    PREFIX = "tracker:board:"

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def read(self, key: str) -> Found | None:
        raw, fresh, recent = (
            self.client.pipeline()
            .get(self.PREFIX + key)
            .exists(f"{self.PREFIX}{key}:fresh")
            .exists(f"{self.PREFIX}{key}:recent")
            .execute()
        )
        return None if raw is None else Found(raw, bool(fresh), bool(recent))

    def write(self, key: str, raw: bytes, fresh_for: float, recent_for: float) -> None:
        pipe = self.client.pipeline().set(self.PREFIX + key, raw, ex=ENTRY_SECONDS)
        for marker, seconds in (("fresh", fresh_for), ("recent", recent_for)):
            if (ms := int(seconds * 1000)) > 0:
                pipe.set(f"{self.PREFIX}{key}:{marker}", b"1", px=ms)
        pipe.execute()

    @contextmanager
    def computing(self, key: str) -> Iterator[bool]:
        from redis.exceptions import LockError

        lock = self.client.lock(f"{self.PREFIX}{key}:lock", timeout=LOCK_SECONDS)
        held = lock.acquire(blocking=False)
        try:
            yield held
        finally:
            if held:
                try:
                    lock.release()
                except LockError:
                    pass  # it outlived LOCK_SECONDS and expired: nothing to give back

    def clear(self, namespace: str) -> None:
        for name in self.client.scan_iter(match=f"{self.PREFIX}{namespace}-*", count=500):
            self.client.delete(name)


def open_store(url: str) -> Store | None:
    """The store BOARD_CACHE_URL names; None for ``memory://`` (nothing shared)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url)
    if url.startswith("file://"):
        return FileStore(Path(url.removeprefix("file://")))
    if url.startswith("memory://"):
        return None
    raise ValueError(
        f"BOARD_CACHE_URL {url!r}: use redis://host:port/db, file:///folder or memory://"
    )


# --- the shared cache ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    """What a worker asks the shared cache for: ``event``'s figures at ``version``, made by
    ``compute`` if no worker has. ``settle`` (the push): figures of an older version will do
    too, at their own version, if they are fresh (written less than ``push_seconds`` ago)
    or, when another worker wrote them, recent (twice that). So the worker that computed them
    last computes them again, once per ``push_seconds`` while they change, and the other
    workers read them; one of those takes over only when that one stops (its screens went)."""

    event: Event
    version: int
    push_seconds: float
    compute: Callable[[], Attendance]
    settle: bool = False

    def usable(self, found: Found | None, mine: int | None) -> tuple[int, Attendance] | None:
        """(version, figures) from ``found`` if they will do; ``mine``: the version this
        process last wrote under the event's key."""
        if found is None:
            return None
        try:
            at, figures = decode(found.raw, self.event.id)
        except (ValueError, LookupError, TypeError):
            return None  # not an entry we can read: computed again and written over
        # Versions are times in microseconds (migration 0010): a larger one is newer figures;
        # version 0 (no row yet) only matches itself.
        newer = at == self.version or (self.version > 0 and at > self.version)
        settled = self.settle and (found.fresh if at == mine else found.recent)
        return (at, figures) if newer or settled else None


@dataclass
class SharedFigures:
    """One per worker process (``shared(app)``): the store and the key of each event."""

    store: Store | None
    namespace: str
    logger: Any
    broken_until: float = 0.0
    #: The version this process last wrote under each key (it is then the one that computes
    #: the figures again when they are no longer fresh).
    wrote: dict[str, int] = field(default_factory=dict)

    def clear(self) -> None:
        if self.store is not None:
            self.store.clear(self.namespace)

    def key(self, event: Event) -> str:
        made = event.created_at.strftime("%Y%m%d%H%M%S%f") if event.created_at else "0"
        return f"{self.namespace}-{event.id}-{made}"

    def figures(self, wanted: Wanted) -> tuple[int, Attendance]:
        """(version, figures) of the event at the version wanted, from the store when a worker
        wrote them there, else computed here (by this process alone while it holds the event's
        lock; the others wait for it) and written there."""
        if self.store is None or time.monotonic() < self.broken_until:
            return wanted.version, wanted.compute()
        try:
            return self._through_store(self.store, wanted)
        except (OSError, _redis_error()) as exc:
            self.logger.warning("board cache unavailable, computing in this worker: %s", exc)
            self.broken_until = time.monotonic() + RETRY_SECONDS
            return wanted.version, wanted.compute()

    def _through_store(self, store: Store, wanted: Wanted) -> tuple[int, Attendance]:
        key, started = self.key(wanted.event), time.monotonic()  # about when the version was read
        while True:
            if found := wanted.usable(store.read(key), self.wrote.get(key)):
                return found
            with store.computing(key) as mine:
                if mine:
                    if found := wanted.usable(store.read(key), self.wrote.get(key)):
                        return found
                    return wanted.version, self._compute(store, key, wanted, started)
            if time.monotonic() > started + WAIT_SECONDS:
                return wanted.version, wanted.compute()
            time.sleep(0.02)  # another worker is computing them

    def _compute(self, store: Store, key: str, wanted: Wanted, started: float) -> Attendance:
        figures = wanted.compute()
        fresh_for = wanted.push_seconds - (time.monotonic() - started)
        raw = encode(wanted.event.id, wanted.version, figures)
        store.write(key, raw, fresh_for, fresh_for + wanted.push_seconds)
        if len(self.wrote) > 1000:
            self.wrote.clear()  # events of days ago
        self.wrote[key] = wanted.version
        return figures


def _redis_error() -> type[Exception]:
    try:
        from redis import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency; a file store needs none
        return OSError
    return RedisError


_made = threading.Lock()


def shared(app: Flask) -> SharedFigures:
    """This process's shared cache, made on first use (after gunicorn forked the worker, so
    no Redis connection crosses a fork)."""
    with _made:
        found = app.extensions.get("board_cache")
        if found is None:
            secret = str(app.config["SECRET_KEY"]).encode()
            database = str(app.config["SQLALCHEMY_DATABASE_URI"]).encode()
            namespace = hmac.new(secret, b"board-cache\0" + database, hashlib.sha256)
            found = SharedFigures(
                open_store(app.config["BOARD_CACHE_URL"]), namespace.hexdigest()[:16], app.logger
            )
            app.extensions["board_cache"] = found
        return found
