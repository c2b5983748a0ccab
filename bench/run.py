"""The benchmark: ``make bench`` / ``make bench QUICK=1`` / ``python -m bench --help``.

For each database (SQLite always; PostgreSQL too when DATABASE_URL points at one) it:

1. makes a fresh database (a SQLite file in a temporary folder, or ``CREATE DATABASE
   bench_...`` on the PostgreSQL server, dropped afterwards) and runs ``flask db upgrade``;
2. seeds it through the services (``bench.tasks seed``), timing 20,000 registrations;
3. starts gunicorn on a free port of 127.0.0.1 and drives ``POST /api/v1/events/<id>/checkins``
   at concurrency 1, 8 and 32 (a new ticket per request), then duplicate scans and unknown
   codes, and checks afterwards that every ticket answered 201 has exactly one check-in row;
4. times the attendance JSON and the door page over HTTP;
5. renders every summary export for 2,000 and 20,000 participants and imports a 20,000-row
   XLSX, each in its own subprocess, with that process's peak memory; issues 2,000
   certificates and has a worker process render them as one PDF (bench.queue_tasks), and
   queues 2,000 messages;
6. reads each worker's resident memory, stops gunicorn, and writes the results.

Results: bench/results/bench-<time>.json and .md (and latest.json / latest.md); the table is
printed at the end. Every loop is bounded by a count and a deadline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import import_scale, load, scale, weight
from bench.readme import cpu_model
from bench.report import Results, markdown
from bench.server import ROOT, Server, app_env, cpu_seconds

RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
FLASK = str(Path(PYTHON).with_name("flask"))


FORMATS = ("csv", "xlsx", "pdf", "json")


@dataclass(frozen=True)
class Plan:
    """How much of everything: the full run, or the quick one. Every phase stops at its count
    or its deadline, whichever comes first."""

    big: int = 20_000
    small: int = 2_000
    import_rows: int = 20_000
    warmup: int = 60
    c1: int = 1_000
    c8: int = 6_000
    c32: int = 6_000
    duplicates: int = 1_000
    invalid: int = 1_000
    phase_seconds: float = 45.0
    #: The scale lines (bench.scale): events of these sizes, first scans at each, and the
    #: window of scans with 1 and with 50 board screens.
    scale_sizes: tuple[int, ...] = (2_000, 20_000, 200_000)
    scale_scans: int = 600
    screens_seconds: float = 20.0
    attendance_gets: int = 50
    door_gets: int = 50
    #: (format, "big" or "small") of each summary download made in its own process.
    exports: tuple[tuple[str, str], ...] = tuple(
        (fmt, size) for size in ("small", "big") for fmt in FORMATS
    )
    #: Also fetch the big event's downloads once through gunicorn (its workers keep that memory).
    http_exports: bool = True


#: About a minute on an idle machine: the same sizes (20,000), fewer requests, fewer files.
QUICK = Plan(
    warmup=40,
    c1=150,
    c8=800,
    c32=800,
    duplicates=200,
    invalid=200,
    phase_seconds=15.0,
    scale_scans=200,
    screens_seconds=10.0,
    attendance_gets=20,
    door_gets=20,
    exports=(("pdf", "small"), *((fmt, "big") for fmt in FORMATS)),
    http_exports=False,
)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- databases --------------------------------------------------------------------------------


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    path = workdir / "bench.db"
    yield f"sqlite:///{path}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server of ``server_url``, dropped afterwards."""
    import psycopg

    name = f"bench_{datetime.now(UTC):%Y%m%d_%H%M%S}_{os.getpid()}"
    admin = _admin_url(server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"created PostgreSQL database {name}")
    try:
        yield _with_database(server_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"dropped PostgreSQL database {name}")


def _admin_url(server_url: str) -> str:
    """Where to run CREATE / DROP DATABASE: the URL's own database if it can be opened (it is
    only connected to, never changed), else the server's ``postgres`` database."""
    import psycopg

    url = server_url.replace("postgresql+psycopg://", "postgresql://")
    if urlsplit(url).path.strip("/"):
        try:
            psycopg.connect(url, connect_timeout=10).close()
            return url
        except psycopg.OperationalError:
            pass
    return _with_database(url, "postgres")


def analyze(database_url: str) -> bool:
    """PostgreSQL: ANALYZE the fresh tables, as autovacuum would have long before an event's
    day (a server with autovacuum off, like CI's, never does; without statistics the planner
    guesses "a few rows" for 20,000 participants). Returns whether it ran."""
    if not database_url.startswith("postgres"):
        return False
    import psycopg

    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return True


def backend_pids(database_url: str) -> Callable[[], list[int]]:
    """For PostgreSQL: a function listing the server processes serving that database (the
    workers' pooled connections); for SQLite, which runs inside the workers: nothing."""
    if not database_url.startswith("postgres"):
        return list
    import psycopg

    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    name = urlsplit(url).path.lstrip("/")

    def pids() -> list[int]:
        with psycopg.connect(url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            ).fetchall()
        return [row[0] for row in rows]

    return pids


def upgrade(env: dict[str, str]) -> None:
    subprocess.run(
        [FLASK, "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def task(
    env: dict[str, str], *args: str, timeout: float = 300, module: str = "bench.tasks"
) -> dict[str, Any]:
    """Run ``python -m MODULE ARGS`` and return the JSON it prints. Raises on failure."""
    done = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- check-ins --------------------------------------------------------------------------------


def scan(event_id: int, code: str, rng: random.Random, device: str) -> load.Request:
    """A scan as the scanner page sends it: code, tumbler answer, gate, device, nonce, time."""
    payload = {
        "code": code,
        "brought_tumbler": rng.choice([True, True, False, None]),
        "gate": rng.choice(["Pintu A", "Pintu B"]),
        "device": device,
        "nonce": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "scanned_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "method": "scanner",
    }
    return load.json_post(f"/api/v1/events/{event_id}/checkins", payload, code)


@dataclass
class Meter:
    """CPU used while a phase runs: gunicorn's workers, the database server's backends (for
    PostgreSQL: the processes serving the bench's database), and the load generator. Per
    request, these do not depend on how busy the rest of the machine is, unlike the timings."""

    workers: Callable[[], list[int]]
    backends: Callable[[], list[int]]

    def measure(self, work: Callable[[], load.RunResult]) -> tuple[load.RunResult, dict[str, Any]]:
        workers, backends = self.workers(), self.backends()
        before = (cpu_seconds(workers), cpu_seconds(backends), _own_cpu(), os.getloadavg()[0])
        result = work()
        backends_after = sorted(set(backends) | set(self.backends()))
        after = (cpu_seconds(workers), cpu_seconds(backends_after), _own_cpu())
        n = max(result.completed, 1)
        return result, {
            "cpu_ms_per_request": {
                "app": round((after[0] - before[0]) * 1000 / n, 2),
                "database": round((after[1] - before[1]) * 1000 / n, 2) if backends_after else None,
                "load_generator": round((after[2] - before[2]) * 1000 / n, 2),
            },
            "loadavg_before": round(before[3], 2),
            "loadavg_after": round(os.getloadavg()[0], 2),
        }


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def checkin_phases(
    port: int, plan: Plan, event_id: int, tickets: list[str], token: str, meter: Meter
) -> dict[str, Any]:
    """Warm-up, then concurrency 1, 8, 32 on new tickets, duplicates, unknown codes."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    rng = random.Random(2025)
    pool = iter(tickets)
    phases: dict[str, Any] = {}
    successes: set[str] = set()

    def take(n: int) -> list[str]:
        return [code for _, code in zip(range(n), pool, strict=False)]

    def new_scans(n: int, device: str) -> list[load.Request]:
        return [scan(event_id, code, rng, device) for code in take(n)]

    def phase(name: str, concurrency: int, requests: list[load.Request], expected: int) -> None:
        log(f"check-ins {name}: {len(requests)} requests at concurrency {concurrency}")
        result, cpu = meter.measure(
            lambda: load.run(port, requests, concurrency, plan.phase_seconds, headers)
        )
        successes.update(result.keys_with(201))
        phases[name] = result.summary((expected,)) | cpu

    phase("warmup", 4, new_scans(plan.warmup, "warmup"), 201)
    phase("new_c1", 1, new_scans(plan.c1, "gate-c1"), 201)
    phase("new_c8", 8, new_scans(plan.c8, "gate-c8"), 201)
    phase("new_c32", 32, new_scans(plan.c32, "gate-c32"), 201)
    done = sorted(successes)
    rng.shuffle(done)
    duplicates = [scan(event_id, code, rng, "gate-dup") for code in done[: plan.duplicates]]
    phase("duplicate_c8", 8, duplicates, 200)
    invalid = [
        scan(event_id, secrets.token_urlsafe(16), rng, "gate-bad") for _ in range(plan.invalid)
    ]
    phase("invalid_c8", 8, invalid, 404)
    phases["_successes"] = sorted(successes)
    return phases


def timed_gets(
    port: int, path: str, count: int, headers: dict[str, str], meter: Meter
) -> dict[str, Any]:
    """``count`` GETs one after the other on one keep-alive connection."""
    result, cpu = meter.measure(
        lambda: load.run(port, [load.Request("GET", path)] * count, 1, 60.0, headers)
    )
    ok = [s for s in result.samples if s.status == 200]
    ttfb = sorted(s.ttfb for s in ok)
    total = sorted(s.seconds for s in ok)
    return {
        "requests": result.completed,
        "statuses": result.statuses(),
        "bytes": max((s.size for s in ok), default=0),
        "p50_ms": load.median_ms(total),
        "p95_ms": load.ms(load.percentile(total, 95)),
        "ttfb_p50_ms": load.median_ms(ttfb),
        "ttfb_p95_ms": load.ms(load.percentile(ttfb, 95)),
    } | cpu


def http_exports(port: int, event_id: int, token: str) -> dict[str, Any]:
    """Each summary download of the big event once, from a worker (its memory stays there)."""
    from bench.tasks import EXPORT_PATHS

    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "id"}
    out = {}
    for fmt in FORMATS:
        path = EXPORT_PATHS[fmt].format(id=event_id)
        sample = load.sequential(port, path, 1, 120.0, headers)[0]
        out[fmt] = {
            "status": sample.status,
            "seconds": round(sample.seconds, 3),
            "first_byte_seconds": round(sample.ttfb, 3),
            "bytes": sample.size,
        }
    return out


def machine() -> dict[str, Any]:
    """How busy and how fast this machine is now: the numbers depend on it."""
    loop_started = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i
    loop_ms = (time.perf_counter() - loop_started) * 1000
    probe = Path(tempfile.gettempdir()) / f"tracker-bench-fsync-{os.getpid()}"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fsync_started = time.perf_counter()
        for _ in range(20):
            os.write(fd, b"x" * 4096)
            os.fsync(fd)
        fsync_ms = (time.perf_counter() - fsync_started) * 1000 / 20
    finally:
        os.close(fd)
        probe.unlink()
    return {
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "python_loop_1e6_ms": round(loop_ms, 1),
        "fsync_ms": round(fsync_ms, 2),
    }


# --- one database -----------------------------------------------------------------------------


def bench_database(
    label: str, database_url: str, plan: Plan, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    if args.part == "screens":
        return screens_only(label, database_url, plan, args, workdir)
    if args.part == "scale":
        return scale_only(label, database_url, plan, args, workdir)
    secret = secrets.token_urlsafe(48)
    env = app_env(database_url, secret)
    # The job queue (certificates, messages) and the files it makes, in the bench's own folder.
    env.update(
        QUEUE_URL=f"sqlite:///{workdir / f'queue-{label}.db'}",
        UPLOAD_FOLDER=str(workdir / f"uploads-{label}"),
    )
    out: dict[str, Any] = {"database": label, "machine_before": machine()}
    log(f"{label}: flask db upgrade")
    upgrade(env)

    log(f"{label}: seeding {plan.big:,} + {plan.small:,} participants through the services")
    tickets_file = workdir / f"tickets-{label}.txt"
    seed = task(
        env, "seed", "--big", str(plan.big), "--small", str(plan.small),
        "--tickets", str(tickets_file), timeout=600,
    )  # fmt: skip
    out["seed"] = {k: v for k, v in seed.items() if "token" not in k and k != "tickets_file"}
    out["seed"]["analyzed"] = analyze(database_url)
    tickets = tickets_file.read_text().split()
    big, small = seed["big_event_id"], seed["small_event_id"]

    server = _server(args, env, workdir, label)
    log(f"{label}: gunicorn, {args.workers} x {args.worker_class} ({args.threads} threads)")
    server.start()
    out["server"] = {
        "command": " ".join(server.command[1:]),
        "workers": args.workers,
        "worker_class": args.worker_class,
        "threads": args.threads,
        "memory_after_start": server.worker_memory(),
    }
    try:
        meter = Meter(server.worker_pids, backend_pids(database_url))
        phases = checkin_phases(server.port, plan, big, tickets, seed["token"], meter)
        successes = phases.pop("_successes")
        stored = task(env, "checked-in", "--event", str(big))
        out["checkins"] = phases
        out["lost"] = {
            "answered_201": len(successes),
            "rows": stored["rows"],
            "distinct_rows": len(set(stored["codes"])),
            "missing": len(set(successes) - set(stored["codes"])),
            "extra": len(set(stored["codes"]) - set(successes)),
        }
        headers = {"Authorization": f"Bearer {seed['token']}", "Accept": "application/json"}
        log(f"{label}: attendance JSON and the door page")
        out["attendance"] = timed_gets(
            server.port, f"/api/v1/events/{big}/attendance", plan.attendance_gets, headers, meter
        )
        out["attendance"]["checked_in"] = stored["rows"]
        from tracker.checkin.door_codes import poster_code

        door_path = f"/door/{poster_code(secret, big)}"
        out["door"] = timed_gets(
            server.port, door_path, plan.door_gets, {"Accept": "text/html"}, meter
        )
        out["door"]["path"] = "/door/<poster code>"
        staff = ("staff@bench.example", "bench-pass-2")  # bench.tasks seed made the account
        out["weights"] = weight.page_weights(server.port, door_path, f"/events/{big}/scan", staff)
        out["scale"] = scale_lines(env, args, plan, workdir, label, server, meter, seed["token"])

        out["exports"] = {}
        organiser = seed["organiser_token"]
        events = {"small": (plan.small, small), "big": (plan.big, big)}
        for fmt, which in plan.exports:
            size, event_id = events[which]
            log(f"{label}: export {fmt} of {size:,} participants (own process)")
            result = task(
                env, "export", "--event", str(event_id), "--format", fmt, "--token", organiser
            )
            out["exports"][f"{fmt}_{size}"] = {"format": fmt, "participants": size, **result}
        if plan.http_exports:
            log(f"{label}: exports of {plan.big:,} participants through gunicorn")
            out["http_exports"] = http_exports(server.port, big, organiser)
        log(f"{label}: import of a {plan.import_rows:,}-row XLSX")
        out["import"] = task(
            env, "import", "--event", str(seed["import_event_id"]),
            "--rows", str(plan.import_rows), timeout=600,
        )  # fmt: skip
        out["import_scale"] = import_scale.measure(
            lambda *args, **kw: task(env, *args, **kw), lambda m: log(f"{label}: {m}")
        )
        log(f"{label}: {plan.small:,} certificates issued, then one PDF by a worker process")
        out["certificates"] = task(
            env, "certificates", "--count", str(plan.small), timeout=900,
            module="bench.queue_tasks",
        )  # fmt: skip
        log(f"{label}: {plan.small:,} messages queued")
        out["messages"] = task(
            env, "messages", "--count", str(plan.small), module="bench.queue_tasks"
        )
        out["server"]["memory_at_end"] = server.worker_memory()
        out["machine_after"] = machine()
    finally:
        server.stop()
    return out


def scale_lines(
    env: dict[str, str],
    args: argparse.Namespace,
    plan: Plan,
    workdir: Path,
    label: str,
    server: Server,
    meter: Meter,
    token: str,
) -> dict[str, Any]:
    """bench.scale: the first scan and the board at each size, and the board's screens."""
    sizes = ",".join(str(n) for n in plan.scale_sizes)
    log(f"{label}: events of {sizes} participants for the scale lines (bulk inserts)")
    codes = workdir / f"scale-{label}"
    codes.mkdir(exist_ok=True)
    seeded = task(
        env, "seed", "--sizes", sizes, "--codes-dir", str(codes), timeout=900,
        module="bench.scale_tasks",
    )  # fmt: skip
    analyze(env["DATABASE_URL"])
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    log(f"{label}: first scans and the board's figures at {sizes} participants")
    out = {
        "seed": seeded,
        "sizes": scale.size_lines(server.port, seeded["events"], headers, meter, plan.scale_scans),
    }
    largest = seeded["events"][str(max(plan.scale_sizes))]
    log(f"{label}: the board with 1 and with 50 screens ({plan.screens_seconds:.0f} s each)")
    out["screens"] = scale.screens_lines(
        env, args, workdir / f"gunicorn-{label}-screens.log", largest, token, plan.screens_seconds
    )
    return out


def _server(args: argparse.Namespace, env: dict[str, str], workdir: Path, label: str) -> Server:
    """gunicorn as the options ask, logging into the bench's folder (not started yet)."""
    return Server(
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        env=env,
        log=workdir / f"gunicorn-{label}.log",
    )


def _accounts_only(
    label: str, database_url: str, workdir: Path
) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
    """For a part of the bench: the app's environment, the results begun, and the seed's
    accounts with tiny events (its tokens) on a fresh schema."""
    env = app_env(database_url, secrets.token_urlsafe(48))
    env.update(QUEUE_URL=f"sqlite:///{workdir / f'queue-{label}.db'}")
    out: dict[str, Any] = {"database": label, "machine_before": machine()}
    upgrade(env)
    seed = task(
        env, "seed", "--big", "10", "--small", "10",
        "--tickets", str(workdir / f"tickets-{label}.txt"),
    )  # fmt: skip
    return env, out, seed


def screens_only(
    label: str, database_url: str, plan: Plan, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    """``--part screens``: the board with one and with fifty screens, nothing else: the
    accounts (with tiny events), the largest scale event, then bench.scale's screens."""
    env, out, seed = _accounts_only(label, database_url, workdir)
    size = max(plan.scale_sizes)
    log(f"{label}: an event of {size:,} participants (bulk inserts)")
    codes = workdir / f"scale-{label}"
    codes.mkdir(exist_ok=True)
    seeded = task(
        env, "seed", "--sizes", str(size), "--codes-dir", str(codes), timeout=900,
        module="bench.scale_tasks",
    )  # fmt: skip
    analyze(database_url)
    log(f"{label}: the board with 1 and with 50 screens ({plan.screens_seconds:.0f} s each)")
    screens = scale.screens_lines(
        env, args, workdir / f"gunicorn-{label}-screens.log", seeded["events"][str(size)],
        seed["token"], plan.screens_seconds,
    )  # fmt: skip
    out["scale"] = {"seed": seeded, "sizes": {}, "screens": screens}
    out["machine_after"] = machine()
    return out


def scale_only(
    label: str, database_url: str, plan: Plan, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    """``--part scale``: the scale lines (first scans and the board at each size, then the
    screens), nothing else: the accounts (with tiny events), gunicorn, bench.scale."""
    env, out, seed = _accounts_only(label, database_url, workdir)
    server = _server(args, env, workdir, label)
    server.start()
    try:
        meter = Meter(server.worker_pids, backend_pids(database_url))
        out["scale"] = scale_lines(env, args, plan, workdir, label, server, meter, seed["token"])
    finally:
        server.stop()
    out["machine_after"] = machine()
    return out


def environment(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "workers": args.workers,
        "worker_class": args.worker_class,
        "threads": args.threads,
        "part": args.part,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    quick = env.get("QUICK", "") not in ("", "0")
    parser.add_argument("--quick", action="store_true", default=quick)
    parser.add_argument("--workers", type=int, default=int(env.get("WORKERS", "2")))
    parser.add_argument(
        "--worker-class", choices=["gthread", "sync"], default=env.get("WORKER_CLASS", "gthread")
    )
    parser.add_argument("--threads", type=int, default=int(env.get("THREADS", "4")))
    parser.add_argument(
        "--database-url",
        default=env.get("DATABASE_URL", ""),
        help="a PostgreSQL URL: the bench also runs there, in a database of its own",
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run on one database only")
    parser.add_argument(
        "--part",
        choices=["all", "scale", "screens"],
        default="all",
        help="scale: only the first scans and the board at 2,000 / 20,000 / 200,000 participants "
        "and the screens (a few minutes); screens: only the board with one and with fifty "
        "screens (about a minute)",
    )
    parser.add_argument("--label", default="", help="added to the result files' names")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else Plan()
    pg_url = args.database_url if args.database_url.startswith("postgres") else ""
    if args.database_url and not pg_url:
        log(f"DATABASE_URL is not PostgreSQL ({args.database_url.split(':')[0]}); SQLite only")
    targets = []
    if args.only != "postgresql":
        targets.append("sqlite")
    if pg_url and args.only != "sqlite":
        targets.append("postgresql")
    if not targets:
        log("nothing to run: --only postgresql needs DATABASE_URL=postgresql://...")
        return 2
    started = time.monotonic()
    results: dict[str, Any] = {"environment": environment(args), "plan": asdict(plan), "runs": {}}
    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        for target in targets:
            context = sqlite_database(workdir) if target == "sqlite" else postgres_database(pg_url)
            with context as url:
                results["runs"][target] = bench_database(target, url, plan, args, workdir)
    finally:
        logs = RESULTS / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        for path in workdir.glob("gunicorn-*.log"):
            shutil.copy(path, logs / path.name)
        shutil.rmtree(workdir, ignore_errors=True)
    results["environment"]["seconds"] = round(time.monotonic() - started, 1)
    table = Results(results)
    results["rows"] = table.rows()
    write(results, markdown(results), args.label)
    print(markdown(results))
    return 0


def write(results: dict[str, Any], text: str, label: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = f"bench-{stamp}{'-' + label if label else ''}"
    for stem in (name, "latest"):
        (RESULTS / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
        (RESULTS / f"{stem}.md").write_text(text)
    log(f"results: {RESULTS / name}.json and .md")
