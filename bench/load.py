"""A bounded load generator: N threads, each with its own keep-alive http.client connection.

Every run is bounded twice: by the number of requests (the work list) and by a deadline. A
thread stops at whichever comes first; a request that fails (connection refused, reset,
timeout) is counted as an error under the exception's name, never retried.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: Seconds a single request may take before it counts as an error.
REQUEST_TIMEOUT = 30.0


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None = None
    key: str = ""  # what the request is about (a ticket code), for the checks afterwards


@dataclass
class Sample:
    key: str
    status: int | str  # an HTTP status, or the name of the exception
    seconds: float
    ttfb: float = 0.0
    size: int = 0


@dataclass
class RunResult:
    concurrency: int
    planned: int
    samples: list[Sample] = field(default_factory=list)
    wall_seconds: float = 0.0
    stopped_by_deadline: bool = False

    @property
    def completed(self) -> int:
        return len(self.samples)

    def statuses(self) -> dict[str, int]:
        return dict(sorted(Counter(str(s.status) for s in self.samples).items()))

    def keys_with(self, status: int) -> list[str]:
        return [s.key for s in self.samples if s.status == status]

    def latencies(self) -> list[float]:
        return [s.seconds for s in self.samples if isinstance(s.status, int)]

    def summary(self, expected: Sequence[int]) -> dict[str, Any]:
        lat = sorted(self.latencies())
        unexpected = {k: v for k, v in self.statuses().items() if k not in map(str, expected)}
        return {
            "concurrency": self.concurrency,
            "planned": self.planned,
            "completed": self.completed,
            "stopped_by_deadline": self.stopped_by_deadline,
            "wall_seconds": round(self.wall_seconds, 3),
            "rps": round(self.completed / self.wall_seconds, 1) if self.wall_seconds else 0.0,
            "p50_ms": ms(percentile(lat, 50)),
            "p95_ms": ms(percentile(lat, 95)),
            "p99_ms": ms(percentile(lat, 99)),
            "max_ms": ms(lat[-1]) if lat else None,
            "statuses": self.statuses(),
            "expected": [int(e) for e in expected],
            "unexpected": unexpected,
            "errors": sum(unexpected.values()),
        }


def percentile(sorted_values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile of an ascending list; None for no values."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def median_ms(values: Sequence[float]) -> float | None:
    return ms(statistics.median(values)) if values else None


def run(
    port: int,
    requests: Sequence[Request],
    concurrency: int,
    max_seconds: float,
    headers: dict[str, str],
) -> RunResult:
    """Send ``requests`` with ``concurrency`` threads; stop at the list's end or the deadline."""
    result = RunResult(concurrency=concurrency, planned=len(requests))
    lock = threading.Lock()
    position = iter(range(len(requests)))
    start_gate = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def next_index() -> int | None:
        with lock:
            return next(position, None)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        samples: list[Sample] = []
        start_gate.wait()
        try:
            while time.monotonic() < deadline[0]:
                index = next_index()
                if index is None:
                    break
                samples.append(send(conn, requests[index], headers))
                if isinstance(samples[-1].status, str):  # the connection is gone: a new one
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        finally:
            conn.close()
            with lock:
                result.samples.extend(samples)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + max_seconds
    started = time.perf_counter()
    start_gate.wait()
    for thread in threads:
        thread.join(max_seconds + REQUEST_TIMEOUT + 5)
    result.wall_seconds = time.perf_counter() - started
    result.stopped_by_deadline = result.completed < result.planned
    return result


def send(conn: http.client.HTTPConnection, req: Request, headers: dict[str, str]) -> Sample:
    started = time.perf_counter()
    try:
        conn.request(req.method, req.path, body=req.body, headers=headers)
        response = conn.getresponse()
        first_byte = time.perf_counter()
        size = len(response.read())
        done = time.perf_counter()
    except (OSError, http.client.HTTPException) as exc:
        return Sample(req.key, type(exc).__name__, time.perf_counter() - started)
    return Sample(req.key, response.status, done - started, first_byte - started, size)


def json_post(path: str, payload: dict[str, Any], key: str) -> Request:
    return Request("POST", path, json.dumps(payload).encode(), key)


def sequential(
    port: int, path: str, count: int, max_seconds: float, headers: dict[str, str]
) -> list[Sample]:
    """``count`` GETs one after the other on one keep-alive connection (bounded by time too)."""
    result = run(port, [Request("GET", path)] * count, 1, max_seconds, headers)
    return result.samples
