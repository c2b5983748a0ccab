"""gunicorn as production runs it, on a free port of 127.0.0.1, and its workers' memory."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    """A port nobody listens on now (the kernel's choice; gunicorn binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    workers: int
    worker_class: str  # "gthread" or "sync"
    threads: int
    env: dict[str, str]
    log: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    command: list[str] = field(default_factory=list)

    def start(self, timeout: float = 30.0) -> None:
        """Start gunicorn and wait until /healthz answers 200. Raises RuntimeError otherwise."""
        self.port = free_port()
        self.command = [
            str(GUNICORN),
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", self.worker_class,
            "--threads", str(self.threads),
            "--backlog", "256",
            "--timeout", "60",
            "--keep-alive", "5",
            *(["--worker-tmp-dir", "/dev/shm"] if Path("/dev/shm").is_dir() else []),
            "--error-logfile", "-",
            "wsgi:app",
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"gunicorn exited with {code}; see {self.log}")
            if self._healthy() and len(self.worker_pids()) == self.workers:
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")

    def _healthy(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        """The master's children (gunicorn's workers)."""
        if self.process is None:
            return []
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def worker_memory(self) -> list[dict[str, float]]:
        """Each worker's resident memory now (VmRSS) and its peak (VmHWM), in MB."""
        return [{"pid": pid, **memory_of(pid)} for pid in self.worker_pids()]

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM to the master we started (it stops its workers), SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (gone ones count 0)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def memory_of(pid: int) -> dict[str, float]:
    values = {"rss_mb": 0.0, "hwm_mb": 0.0}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return values
    for line in lines:
        if line.startswith("VmRSS:"):
            values["rss_mb"] = round(int(line.split()[1]) / 1024, 1)
        elif line.startswith("VmHWM:"):
            values["hwm_mb"] = round(int(line.split()[1]) / 1024, 1)
    return values


def app_env(database_url: str, secret: str) -> dict[str, str]:
    """The environment of production: TRACKER_ENV=production with a secret and a database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "FLASK_"))}
    env.update(
        TRACKER_ENV="production",
        SECRET_KEY=secret,
        DATABASE_URL=database_url,
        # Production refuses to start without it (the Host header must not write links).
        BASE_URL="http://127.0.0.1",
        # Several workers refuse memory:// limits in production (gunicorn.conf.py); the bench
        # measures the app, not the limiter, and runs no Redis.
        RATELIMIT_ENABLED="0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env
