"""A real worker process (``flask --app wsgi worker``, as ``make run`` starts it) takes a job
from a queue on SQLite and sends the mail to a real SMTP server; Ctrl+C (SIGINT) stops it.

The worker is another process, so it runs at the real time (``wall_clock``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.factories import add_people, dispose, make_event
from tests.messages.helpers import queue, statuses
from tracker.extensions import db
from tracker.jobs import enqueue
from tracker.messages.jobs import SEND

pytestmark = [pytest.mark.slow, pytest.mark.wall_clock]
ROOT = Path(__file__).resolve().parents[2]


def _worker(env: dict[str, str]) -> subprocess.Popen:
    flask = str(Path(sys.executable).with_name("flask"))
    return subprocess.Popen(
        [flask, "--app", "wsgi", "worker", "--threads", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for(check, seconds: float = 45) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_process_sends_the_queued_mail(make_app, database_url, smtp_server, tmp_path):
    queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
    settings = {
        "QUEUE_URL": queue_url,
        "SMTP_URL": smtp_server.url,
        "MAIL_FROM": "hadir@tabanankab.go.id",
    }
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "TRACKER_"))},
        "TRACKER_ENV": "testing",
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        **settings,
    }
    worker = _worker(env)
    app = make_app(**settings)
    try:
        with app.app_context():
            event = make_event()
            add_people(event, 3)
            message = queue(event, "reminder")
            enqueue(SEND, "email")

            def all_sent() -> bool:
                db.session.commit()  # a fresh read each time
                return statuses(message) == {"sent": 3}

            assert _wait_for(all_sent), worker.poll()
        assert len(smtp_server.inbox.messages) == 3
        assert "Mohon membawa tumbler" in smtp_server.inbox.messages[0].get_content()
        worker.send_signal(signal.SIGINT)  # Ctrl+C on `make run`
        assert worker.wait(timeout=20) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        print(worker.stdout.read())  # the worker's log, shown when the test fails
        worker.stdout.close()
        dispose(app)
