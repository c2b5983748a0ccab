"""The scale lines: the first scan and the board at 2,000, 20,000 and 200,000 participants, and
the board with one screen and with fifty.

The events come from ``bench.scale_tasks seed`` (bulk inserts: this measures the scan and the
board at that size, not registering). Through the bench's gunicorn, for each size:

- first scans: new tickets at concurrency 8: throughput, median, the workers' CPU per scan,
  in rounds that go through every size in turn (``ROUNDS``), so that the machine's load
  drifting during the run does not pass for a size's cost;
- the board's figures as a screen that polls gets them (``GET .../attendance``): median time and
  the workers' CPU per request, from the cache (nothing changed in between); and, one at a
  time after a scan, what a recomputation costs (once per change for all the workers, which
  share it: tracker/checkin/board_cache.py; not per screen).

Then the screens: a gunicorn of the same workers with threads for the streams
(``--threads`` 4 + 50, ``BOARD_STREAMS_PER_WORKER=50``), the largest event, and a scan every
half second for a fixed window; the server's CPU per second of the windows with one screen
streaming and of those with fifty, each screen counting the updates it got: the workers'
and, on PostgreSQL, the database's, where the figures are computed (on SQLite that happens
in the workers: counting only the workers made PostgreSQL's base a few ms/s, against which
fifty screens' writes weighed as if they were the whole cost). The windows
alternate (1, 50, 50, 1, 1, 50: ``SCREEN_ORDER``), so that the machine's drift and the
recomputations a window happens to catch (one more of them at 200,000 participants is most
of a window's difference on SQLite) weigh on both alike; the screens of a window are closed,
and the server has let their streams go, before the next one. ``python -m bench --part
screens`` runs only this.
"""

from __future__ import annotations

import contextlib
import http.client
import random
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import load
from bench.server import Server, cpu_seconds
from bench.weight import Browser

STAFF = ("staff@bench.example", "bench-pass-2")  # made by bench.tasks seed
#: Per worker: room for all 50 screens, since the kernel may hand any worker most of the
#: connections (README, BOARD_STREAMS_PER_WORKER).
STREAMS_PER_WORKER = 50
SCAN_EVERY = 0.5
#: The server's BOARD_PUSH_SECONDS (its default, which the bench leaves).
PUSH_SECONDS = 2.0
#: The screens' windows, in this order (each count's windows are then summed).
SCREEN_ORDER = (1, 50, 50, 1, 1, 50)
#: Scans per window are at most this many (a scan every SCAN_EVERY seconds).
SCREEN_CODES = 80


#: The first scans run in this many rounds, each round going through every size (in a rotated
#: order), so that a machine getting busier or quieter during the run weighs on every size
#: alike: the sizes' CPU per scan are then compared like with like.
ROUNDS = 3


def size_lines(
    port: int, events: dict[str, Any], headers: dict[str, str], meter: Any, scans: int
) -> dict[str, Any]:
    """First scans and the board's figures at each size."""
    out: dict[str, Any] = {}
    rng = random.Random(16)
    from bench.run import scan  # late: bench.run imports this module

    codes = {n: Path(seeded["codes_file"]).read_text().split() for n, seeded in events.items()}
    # Five codes of each event left for the polls after a change.
    scans = min(scans, *(len(found) - 5 for found in codes.values()))
    chunk = -(-scans // ROUNDS)
    sizes = list(events)
    measured: dict[str, list[tuple[load.RunResult, dict[str, Any]]]] = {n: [] for n in sizes}
    for r in range(ROUNDS):
        for size in sizes[r % len(sizes) :] + sizes[: r % len(sizes)]:
            mine = codes[size][r * chunk : min(scans, (r + 1) * chunk)]
            requests = [scan(events[size]["event_id"], c, rng, f"scale-{size}") for c in mine]
            measured[size].append(
                meter.measure(lambda q=requests: load.run(port, q, 8, 30.0, headers))
            )
    for size, seeded in events.items():
        event_id = seeded["event_id"]
        result, cpu = _combined(measured[size])
        line: dict[str, Any] = {"first_scan": result.summary((201,)) | cpu}
        path = f"/api/v1/events/{event_id}/attendance"
        # Every worker's cache filled first (connections land on either worker): a
        # recomputation is measured below, on its own.
        load.run(port, [load.Request("GET", path)] * 16, 8, 60.0, headers)
        polled, cpu = meter.measure(
            lambda p=path: load.run(port, [load.Request("GET", p)] * 60, 1, 30.0, headers)
        )
        ok = sorted(s.seconds for s in polled.samples if s.status == 200)
        line["board_cached"] = {
            "requests": polled.completed,
            "statuses": polled.statuses(),
            "p50_ms": load.median_ms(ok),
            "p95_ms": load.ms(load.percentile(ok, 95)),
        } | cpu
        line["board_after_change_ms"] = _after_change(
            port, event_id, codes[size][scans:], headers, rng
        )
        out[size] = line
    return out


def _combined(
    rounds: list[tuple[load.RunResult, dict[str, Any]]],
) -> tuple[load.RunResult, dict[str, Any]]:
    """One size's rounds as one run: every sample, the time summed, the CPU per request
    weighted by each round's requests."""
    result = load.RunResult(concurrency=rounds[0][0].concurrency, planned=0)
    for part, _cpu in rounds:
        result.planned += part.planned
        result.samples += part.samples
        result.wall_seconds += part.wall_seconds
        result.stopped_by_deadline |= part.stopped_by_deadline
    n = max(result.completed, 1)

    def weighted(kind: str) -> float | None:
        values = [(c["cpu_ms_per_request"][kind], r.completed) for r, c in rounds]
        if any(v is None for v, _n in values):
            return None
        return round(sum(v * k for v, k in values) / n, 2)

    return result, {
        "cpu_ms_per_request": {
            kind: weighted(kind) for kind in ("app", "database", "load_generator")
        },
        "rounds": len(rounds),
        "loadavg_before": rounds[0][1]["loadavg_before"],
        "loadavg_after": rounds[-1][1]["loadavg_after"],
    }


def _after_change(
    port: int, event_id: int, codes: list[str], headers: dict[str, str], rng: random.Random
) -> float | None:
    """The median of five polls each right after a scan: the recomputation's cost."""
    from bench.run import scan

    times = []
    for code in codes[:5]:
        load.run(port, [scan(event_id, code, rng, "scale-change")], 1, 10.0, headers)
        sample = load.sequential(port, f"/api/v1/events/{event_id}/attendance", 1, 30.0, headers)
        if sample and sample[0].status == 200:
            times.append(sample[0].seconds)
    return load.median_ms(times)


def _screen(
    port: int,
    path: str,
    cookie: str,
    got: list[int],
    stop: threading.Event,
    opened: list[http.client.HTTPConnection],
) -> None:
    """One board: a stream of server-sent events, counting the figures it is sent."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    opened.append(conn)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Accept": "text/event-stream"})
        response = conn.getresponse()
        if response.status != 200:
            got.append(-response.status)
            return
        while not stop.is_set() and (line := response.fp.readline()):
            if line.startswith(b"event: figures"):
                got.append(1)
    except OSError:
        got.append(-1)
    finally:
        conn.close()


def _scanner(port: int, event_id: int, codes: list[str], token: str, window: float) -> int:
    """A scan every SCAN_EVERY seconds for ``window`` seconds; returns how many were answered
    201 (each window its own nonces: a nonce seen before is answered as a retry, unwritten)."""
    from bench.run import scan

    rng = random.Random(codes[0])
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    sent, ends = 0, time.monotonic() + window
    try:
        for code in codes:
            if time.monotonic() >= ends:
                break
            request = scan(event_id, code, rng, "scale-screens")
            sent += load.send(conn, request, headers).status == 201
            time.sleep(SCAN_EVERY)
    finally:
        conn.close()
    return sent


def screens_lines(
    env: dict[str, str], args: Any, log: Path, event: dict[str, Any], token: str, window: float
) -> dict[str, Any]:
    """The server's CPU per second of windows of scans with 1 and with 50 screens streaming:
    the workers' and, on PostgreSQL, the database's (where the figures are computed; on SQLite
    that is inside the workers). The workers share the figures as production's do: in files
    in a folder of the bench's own (the instance folder's place), or where BOARD_CACHE_URL
    says (e.g. a Redis)."""
    from bench.run import backend_pids  # late: bench.run imports this module

    backends = backend_pids(env["DATABASE_URL"])
    threads = 4 + STREAMS_PER_WORKER
    shared = env.get("BOARD_CACHE_URL") or f"file://{log.parent / 'board-cache'}"
    server = Server(
        workers=args.workers,
        worker_class="gthread",
        threads=threads,
        env={
            **env,
            "BOARD_STREAMS_PER_WORKER": str(STREAMS_PER_WORKER),
            "BOARD_CACHE_URL": shared,
        },
        log=log,
    )
    server.start(timeout=90.0)  # two workers of 54 threads boot slowly on a busy machine
    out: dict[str, Any] = {
        "threads": threads,
        "streams_per_worker": STREAMS_PER_WORKER,
        "participants": event["participants"],
        "board_cache": shared.split(":", 1)[0],
    }
    codes = Path(event["codes_file"]).read_text().split()[::-1]  # not the ones scanned before
    try:
        browser = Browser(server.port)
        browser.log_in(*STAFF)
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        browser.close()
        path = f"/events/{event['event_id']}/board/stream"
        windows: dict[int, list[dict[str, Any]]] = {count: [] for count in SCREEN_ORDER}
        for i, count in enumerate(SCREEN_ORDER):
            chunk = codes[i * SCREEN_CODES : (i + 1) * SCREEN_CODES]
            # Two fresh codes after the window, to see its streams let go (``_let_go``).
            spare = len(SCREEN_ORDER) * SCREEN_CODES + 2 * i
            drain = codes[spare : spare + 2]
            windows[count].append(
                _window(server, backends, path, cookie, count, chunk, drain, event, token, window)
            )
        for count, parts in windows.items():
            out[str(count)] = _summed(count, parts)
    finally:
        server.stop()
    return out


def _summed(count: int, windows: list[dict[str, Any]]) -> dict[str, Any]:
    """One count's windows as one: the CPU over the time of all of them."""
    seconds = sum(w["window_seconds"] for w in windows)

    def per_second(kind: str) -> float:
        cpu_ms = sum(w[f"{kind}_cpu_ms_per_second"] * w["window_seconds"] for w in windows)
        return round(cpu_ms / max(seconds, 0.1), 1)

    return {
        "screens": count,
        "windows": len(windows),
        "window_seconds": round(seconds, 1),
        "scans": sum(w["scans"] for w in windows),
        "app_cpu_ms_per_second": per_second("app"),
        "database_cpu_ms_per_second": per_second("database"),
        "updates_min": min(w["updates_min"] for w in windows),
        "updates_max": max(w["updates_max"] for w in windows),
        "refused": sum(w["refused"] for w in windows),
        "each": windows,
    }


def _let_go(
    port: int,
    event_id: int,
    opened: list[http.client.HTTPConnection],
    drain: list[str],
    token: str,
) -> None:
    """Close a window's screens and see that the server let their streams go before the next
    window: a stream notices a closed screen only when it writes, and the first write after
    the close may still go through, so two changes, each pushed, follow the close."""
    for conn in opened:
        with contextlib.suppress(OSError):
            if conn.sock is not None:
                conn.sock.shutdown(socket.SHUT_RDWR)
    push = PUSH_SECONDS + 0.5
    for code in drain:
        _scanner(port, event_id, [code], token, push)
        time.sleep(push)


def _window(
    server: Server,
    backends: Callable[[], list[int]],
    path: str,
    cookie: str,
    count: int,
    codes: list[str],
    drain: list[str],
    event: dict[str, Any],
    token: str,
    window: float,
) -> dict[str, Any]:
    stop = threading.Event()
    got: list[list[int]] = [[] for _ in range(count)]
    opened: list[http.client.HTTPConnection] = []
    screens = [
        threading.Thread(
            target=_screen, args=(server.port, path, cookie, got[i], stop, opened), daemon=True
        )
        for i in range(count)
    ]
    for screen in screens:
        screen.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all(g for g in got):
        time.sleep(0.1)  # every screen has its first figures
    pids, db_pids = server.worker_pids(), backends()
    before, db_before = cpu_seconds(pids), cpu_seconds(db_pids)
    started = time.monotonic()
    scans = _scanner(server.port, event["event_id"], codes, token, window)
    seconds = time.monotonic() - started
    cpu = cpu_seconds(pids) - before
    # A backend opened meanwhile counts whole: all its CPU is of this window.
    db_cpu = cpu_seconds(sorted(set(db_pids) | set(backends()))) - db_before
    stop.set()
    updates = [sum(1 for x in g if x > 0) - 1 for g in got]  # the first one is the page's
    refused = sum(1 for g in got if any(x < 0 for x in g))
    _let_go(server.port, event["event_id"], opened, drain, token)
    for screen in screens:
        screen.join(timeout=1)
    return {
        "screens": count,
        "window_seconds": round(seconds, 1),
        "scans": scans,
        "app_cpu_ms_per_second": round(cpu * 1000 / seconds, 1),
        "database_cpu_ms_per_second": round(db_cpu * 1000 / seconds, 1),
        "updates_min": min(updates) if updates else 0,
        "updates_max": max(updates) if updates else 0,
        "refused": refused,
    }
