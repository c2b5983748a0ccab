"""The job queue: work that must not run inside a request (sending messages, rendering
certificates), done by a worker process, ``flask --app wsgi worker`` (``make run`` starts it).

Huey, with its queue on SQLite by default (a file beside the app's database, so the quick
start needs no other service), on Redis in production (``QUEUE_URL=redis://...``), in memory in
the tests. The database stays the truth and the queue is only a nudge: a job says "send what is
due now", and what is due sits in the database with its status; a periodic job every minute does
the same, so a nudge that is lost (a queue emptied, Redis restarted) delays work by a minute and
never loses it. Jobs are enqueued after the request's commit, so a worker never looks for rows
that are not there yet.

Features register their jobs in ``create_app`` (``queue.add(name, function)``); a job runs in
its own app context on the worker and commits itself, like a CLI command.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import RateLimitExceeded

from tracker.extensions import db

_EXTENSION = "tracker.jobs"
log = logging.getLogger(__name__)


def make_huey(url: str) -> Huey:
    """A Huey for ``sqlite:///path``, ``redis://...`` or ``memory://``.

    Raises ValueError for another scheme (a typo in QUEUE_URL fails at start, not at the
    first message).
    """
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("tracker", filename=str(path))
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("tracker", url=url)
    if url == "memory://":
        return MemoryHuey("tracker")
    raise ValueError(f"QUEUE_URL {url!r}: use sqlite:///path, redis://host:port/db or memory://")


class JobQueue:
    """The app's Huey and the jobs registered on it by name."""

    def __init__(self, app: Flask, huey: Huey) -> None:
        self.app = app
        self.huey = huey
        self._jobs: dict[str, Any] = {}

    def _in_app(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def run(*args: Any) -> Any:
            with self.app.app_context():
                try:
                    return function(*args)
                finally:
                    db.session.rollback()  # nothing half-done survives a failed job
                    db.session.remove()

        return run

    def add(self, name: str, function: Callable[..., Any]) -> None:
        """Register ``function`` as the job ``name``."""
        self._jobs[name] = self.huey.task(name=name)(self._in_app(function))

    def add_periodic(self, name: str, function: Callable[[], Any]) -> None:
        """Register ``function`` to run every minute on the worker (and as the job ``name``)."""
        wrapped = self._in_app(function)
        self.huey.periodic_task(crontab(minute="*"), name=f"{name}.every_minute")(wrapped)
        self._jobs[name] = self.huey.task(name=name)(wrapped)

    def enqueue(self, name: str, *args: Any) -> None:
        """Put the job on the queue. A queue that cannot be reached is logged, not raised: the
        periodic job picks the work up from the database within a minute."""
        try:
            self._jobs[name](*args)
        except Exception:  # noqa: BLE001 - the nudge is best effort by design (module doc)
            log.exception("could not enqueue %s", name)

    def run_pending(self) -> int:
        """Run every job waiting in the queue, here and now (tests, and ``worker --once``)."""
        done = 0
        while (task := self.huey.dequeue()) is not None:
            task.execute()  # an error is raised here, not only logged as the consumer does
            done += 1
        return done

    def rate_limit(self, name: str, per_minute: int) -> RateLimit:
        return RateLimit(self.huey, name, per_minute)


class RateLimit:
    """At most ``per_minute`` calls of ``wait()`` a minute, counted in the queue's storage, so
    every worker thread and process shares one count (a fixed window of a minute)."""

    def __init__(self, huey: Huey, name: str, per_minute: int) -> None:
        self._limit = huey.rate_limit(name, max(1, per_minute), 60)

    def wait(self, sleep: Callable[[float], Any] = time.sleep) -> None:
        while True:
            try:
                self._limit.acquire()
                return
            except RateLimitExceeded as exc:
                sleep(max(0.05, exc.delay))


def register_queue(app: Flask) -> JobQueue:
    queue = JobQueue(app, make_huey(app.config["QUEUE_URL"]))
    app.extensions[_EXTENSION] = queue
    app.cli.add_command(worker_command)
    return queue


def job_queue() -> JobQueue:
    return current_app.extensions[_EXTENSION]


def enqueue(name: str, *args: Any) -> None:
    job_queue().enqueue(name, *args)


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="jobs run at the same time")
@click.option("--once", is_flag=True, help="run what is queued now, then stop")
def worker_command(threads: int, once: bool) -> None:
    """Run the job queue's worker (sending messages, rendering certificates) until stopped."""
    queue = job_queue()
    if once:
        click.echo(f"{queue.run_pending()} job(s) done")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    consumer = queue.huey.create_consumer(workers=threads, worker_type="thread", periodic=True)
    consumer.run()  # until SIGINT / SIGTERM; a job in progress is finished first
