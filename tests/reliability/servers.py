"""gunicorn started by a test, as production runs it, and plain HTTP calls to it."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
#: Upper bound, so a server that does not come up fails the test instead of stalling it.
STARTUP_SECONDS = 20
#: Three sync workers, one process group (test_kill.py kills it whole).
THREE_WORKERS = ("--preload", "--workers", "3")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn in its own process group, so one killpg ends all of it; ``env`` is added to the
    test's environment, ``args`` are gunicorn's worker options."""

    def __init__(
        self,
        url: str,
        port: int,
        log: Path,
        secret: str,
        *,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = THREE_WORKERS,
    ) -> None:
        self.port, self.log, self.args = port, log, args
        self.env = {
            **os.environ,
            "TRACKER_ENV": "testing",
            "SECRET_KEY": secret,
            "DATABASE_URL": url,
            **(env or {}),
        }
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.proc = subprocess.Popen(
                [str(GUNICORN), *self.args, "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                status, _ = request(self.port, "GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.1)
        raise AssertionError(f"gunicorn did not come up:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def request(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    token: str = "",
    timeout: float = 10,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict]:
    """One call on a new connection: (status, the JSON answer or {})."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=json.dumps(body) if body else None, headers=sent)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()
