"""The targets of the performance issue, checked against a run's numbers, as rows and Markdown.

Each row: the database, the measurement, the target, the value, and PASS / MISS (or INFO for
a figure without a target). A measurement that could not be taken (a renderer not there yet)
is shown as N/A, never as a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench import import_scale

PASS, MISS, INFO, NA = "PASS", "MISS", "INFO", "N/A"

#: Seconds and MB for every summary export that has a target (format, participants).
EXPORT_SECONDS = {
    ("csv", 20_000): 1.0,
    ("xlsx", 20_000): 5.0,
    ("pdf", 20_000): 30.0,
    ("pdf", 2_000): 5.0,
}
EXPORT_PEAK_MB = 300.0
CHECKIN_RPS_C8 = 400.0
CHECKIN_P99_C8_MS = 50.0
CHECKIN_P50_C1_MS = 5.0
ATTENDANCE_MS = 50.0
DOOR_BYTES = 30 * 1024
#: The scanner page's first open with everything it loads (the decoder too, where the browser
#: has no BarcodeDetector), on the wire.
SCANNER_BYTES = 100 * 1024
#: The board's figures as a polling screen gets them, at any size (issue 16).
BOARD_CACHED_MS = 5.0
#: A scan at the largest size costs at most this much more CPU than at the smallest.
SCAN_CPU_GROWTH = 1.10
#: Fifty screens streaming cost the workers at most this much more CPU than one.
SCREENS_CPU_GROWTH = 1.10
DOOR_TTFB_MS = 20.0
IMPORT_SECONDS = 5.0
WORKER_RSS_MB = 150.0
#: Certificates and messages (issue 15): 2,000 issued and rendered as one PDF by the job
#: queue's worker, and that worker's peak memory; 2,000 messages queued.
CERTIFICATES_SECONDS = 60.0
CERTIFICATE_WORKER_MB = 250.0
MESSAGES_QUEUED_SECONDS = 2.0


@dataclass
class Row:
    database: str
    measurement: str
    target: str
    value: str
    result: str


def _verdict(ok: bool | None) -> str:
    return NA if ok is None else PASS if ok else MISS


def _num(value: float | None, unit: str, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f} {unit}".strip()


def _statuses(statuses: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v:,}" for k, v in statuses.items()) or "none"


class Results:
    def __init__(self, results: dict[str, Any]) -> None:
        self.results = results

    def rows(self) -> list[dict[str, str]]:
        rows: list[Row] = []
        for database, run in self.results["runs"].items():
            rows.extend(_rows(database, run, self.results["environment"]["cpus"] or 1))
        return [vars(r) for r in rows]


def _rows(db: str, run: dict[str, Any], cores: int) -> list[Row]:
    rows: list[Row] = []

    def add(measurement: str, target: str, value: str, result: str) -> None:
        rows.append(Row(db, measurement, target, value, result))

    before, after = run.get("machine_before"), run.get("machine_after")
    if before:
        add(
            "Machine: load average (1, 5, 15 min) / 1e6-step Python loop / fsync",
            "—",
            f"before {', '.join(map(str, before['loadavg']))} / {before['python_loop_1e6_ms']} ms"
            f" / {before['fsync_ms']} ms"
            + (
                f"; after {', '.join(map(str, after['loadavg']))} / "
                f"{after['python_loop_1e6_ms']} ms / {after['fsync_ms']} ms"
                if after
                else ""
            ),
            INFO,
        )
    seed = run.get("seed")
    if seed:  # not in a run of one part (--part screens)
        add(
            f"Create an event with {seed['seed_participants']:,} participants (services)",
            "—",
            f"{seed['seed_seconds']:.1f} s (CPU {seed.get('seed_cpu_seconds', 0):.1f} s), "
            f"peak {seed['seed_peak_mb']:.0f} MB",
            INFO,
        )
    phases = run.get("checkins", {})
    _checkin_rows(phases, run.get("lost"), cores, add)
    _page_rows(run, add)
    _export_rows(run.get("exports", {}), add)
    if seed:
        _http_export_rows(run.get("http_exports", {}), seed["seed_participants"], add)
    imp = run.get("import")
    if imp:
        add(
            f"Import a {imp['rows']:,}-row XLSX (read + plan + apply)",
            f"< {IMPORT_SECONDS:.0f} s",
            f"{imp['seconds']:.2f} s (CPU {imp.get('cpu_seconds', 0):.1f} s; "
            f"read {imp['read_seconds']:.1f}, plan "
            f"{imp['plan_seconds']:.1f}, apply {imp['apply_seconds']:.1f}); "
            f"{imp['created']:,} created; peak {imp['peak_mb']:.0f} MB",
            _verdict(imp["seconds"] < IMPORT_SECONDS and imp["created"] == imp["rows"]),
        )
    import_scale.report_rows(run, add)
    _scale_rows(run.get("scale"), add)
    _queue_rows(run, add)
    memory = run.get("server", {}).get("memory_at_end", [])
    if memory:
        worst = max(m["rss_mb"] for m in memory)
        add(
            "Each worker's resident memory after the bench",
            f"< {WORKER_RSS_MB:.0f} MB",
            ", ".join(f"{m['rss_mb']:.0f} MB" for m in memory)
            + " (peaks "
            + ", ".join(f"{m['hwm_mb']:.0f}" for m in memory)
            + " MB)",
            _verdict(worst < WORKER_RSS_MB),
        )
    return rows


def _queue_rows(run: dict[str, Any], add: Callable[..., None]) -> None:
    certs = run.get("certificates")
    if certs:
        ok = certs["status"] == "ready" and certs["pages"] == certs["certificates"]
        add(
            f"{certs['certificates']:,} certificates issued, then rendered as one PDF by a "
            "worker process (its start included)",
            f"< {CERTIFICATES_SECONDS:.0f} s",
            f"{certs['seconds']:.1f} s (issue {certs['issue_seconds']:.2f} s, render "
            f"{certs['render_seconds']:.1f} s; {certs['pages']:,} pages, "
            f"{certs['bytes'] / 1024 / 1024:.1f} MB)",
            _verdict(ok and certs["seconds"] < CERTIFICATES_SECONDS),
        )
        add(
            "The worker's peak memory rendering them",
            f"< {CERTIFICATE_WORKER_MB:.0f} MB",
            f"{certs['worker_peak_mb']:.0f} MB",
            _verdict(ok and certs["worker_peak_mb"] < CERTIFICATE_WORKER_MB),
        )
    msgs = run.get("messages")
    if msgs:
        add(
            f"{msgs['messages']:,} messages queued (one per person, e-mail)",
            f"< {MESSAGES_QUEUED_SECONDS:.0f} s",
            f"{msgs['seconds']:.2f} s (CPU {msgs['cpu_seconds']:.2f} s); {msgs['queued']:,} queued",
            _verdict(
                msgs["queued"] == msgs["messages"] and msgs["seconds"] < MESSAGES_QUEUED_SECONDS
            ),
        )


def _cpu(p: dict[str, Any]) -> str:
    cpu = p.get("cpu_ms_per_request")
    if not cpu:
        return ""
    db = "" if cpu["database"] is None else f", database {cpu['database']:.2f}"
    return f"; CPU per request: app {cpu['app']:.2f} ms{db}, client {cpu['load_generator']:.2f} ms"


def ceiling(p: dict[str, Any], cores: int) -> float | None:
    """Requests per second the machine's cores could serve if they did nothing else: the
    CPU every request costs (app + database + this load generator), divided into the cores."""
    cpu = p.get("cpu_ms_per_request")
    if not cpu:
        return None
    per_request = cpu["app"] + (cpu["database"] or 0.0) + cpu["load_generator"]
    return cores * 1000 / per_request if per_request else None


def _deadline(p: dict[str, Any]) -> str:
    if not p["stopped_by_deadline"]:
        return ""
    return f"; the deadline stopped it after {p['completed']:,} of {p['planned']:,}"


def _phase_value(p: dict[str, Any]) -> str:
    return (
        f"{p['rps']:,.0f} req/s; p50 {_num(p['p50_ms'], 'ms')}, p95 {_num(p['p95_ms'], 'ms')}, "
        f"p99 {_num(p['p99_ms'], 'ms')}; {p['completed']:,}/{p['planned']:,} sent"
        + _cpu(p)
        + f"; load {p.get('loadavg_before', '?')}→{p.get('loadavg_after', '?')}"
        + ("; stopped by the deadline" if p["stopped_by_deadline"] else "")
    )


def _checkin_rows(
    phases: dict[str, Any], lost: dict[str, Any] | None, cores: int, add: Callable[..., None]
) -> None:
    c1, c8, c32 = phases.get("new_c1"), phases.get("new_c8"), phases.get("new_c32")
    if c1:
        add("Check-in c=1 (new tickets)", "—", _phase_value(c1), INFO)
        add(
            "Check-in c=1: median latency",
            f"< {CHECKIN_P50_C1_MS:.0f} ms",
            _num(c1["p50_ms"], "ms", 2),
            _verdict(c1["p50_ms"] is not None and c1["p50_ms"] < CHECKIN_P50_C1_MS),
        )
    if c8:
        add("Check-in c=8 (new tickets)", "—", _phase_value(c8), INFO)
        top = ceiling(c8, cores)
        add(
            "Check-in c=8: throughput",
            f">= {CHECKIN_RPS_C8:.0f} req/s",
            f"{c8['rps']:,.0f} req/s"
            + (f" (CPU ceiling of {cores} idle cores: {top:,.0f} req/s)" if top else ""),
            _verdict(c8["rps"] >= CHECKIN_RPS_C8),
        )
        add(
            "Check-in c=8: p99 latency",
            f"< {CHECKIN_P99_C8_MS:.0f} ms",
            _num(c8["p99_ms"], "ms"),
            _verdict(c8["p99_ms"] is not None and c8["p99_ms"] < CHECKIN_P99_C8_MS),
        )
        add(
            "Check-in c=8: errors (anything but 201)",
            "0",
            f"{c8['errors']:,} ({_statuses(c8['statuses'])}){_deadline(c8)}",
            _verdict(c8["errors"] == 0),
        )
    if c32:
        add("Check-in c=32 (new tickets)", "—", _phase_value(c32), INFO)
        add(
            "Check-in c=32: errors (anything but 201)",
            "0",
            f"{c32['errors']:,} ({_statuses(c32['statuses'])}){_deadline(c32)}",
            _verdict(c32["errors"] == 0),
        )
    if lost:
        add(
            "Nothing lost: check-in rows = distinct tickets answered 201",
            "equal, none missing",
            f"{lost['rows']:,} rows, {lost['answered_201']:,} tickets answered 201, "
            f"{lost['missing']} missing, {lost['extra']} extra",
            _verdict(
                lost["rows"] == lost["answered_201"] == lost["distinct_rows"]
                and lost["missing"] == lost["extra"] == 0
            ),
        )
    for key, title, expected in (
        ("duplicate_c8", "Duplicate scans c=8 (expected 200)", "all 200"),
        ("invalid_c8", "Unknown codes c=8 (expected 404)", "all 404"),
    ):
        p = phases.get(key)
        if p:
            add(
                title,
                expected,
                f"{_statuses(p['statuses'])}; {_phase_value(p)}",
                _verdict(p["errors"] == 0),
            )


def _page_rows(run: dict[str, Any], add: Callable[..., None]) -> None:
    att = run.get("attendance")
    if att:
        add(
            f"Attendance JSON, {run['seed']['seed_participants']:,} participants "
            f"({att['checked_in']:,} checked in): median",
            f"< {ATTENDANCE_MS:.0f} ms",
            f"{_num(att['p50_ms'], 'ms')} (p95 {_num(att['p95_ms'], 'ms')}, "
            f"{att['bytes']:,} bytes, {_statuses(att['statuses'])}{_cpu(att)})",
            _verdict(
                att["p50_ms"] is not None
                and att["p50_ms"] < ATTENDANCE_MS
                and set(att["statuses"]) == {"200"}
            ),
        )
    door = run.get("door")
    _weight_rows(run.get("weights", {}), add)
    if door:
        ok = set(door["statuses"]) == {"200"}
        add(
            "Door page: time to first byte (median)",
            f"< {DOOR_TTFB_MS:.0f} ms",
            f"{_num(door['ttfb_p50_ms'], 'ms')} (p95 {_num(door['ttfb_p95_ms'], 'ms')}"
            f"{_cpu(door)})",
            _verdict(ok and door["ttfb_p50_ms"] is not None and door["ttfb_p50_ms"] < DOOR_TTFB_MS),
        )


def _weight_text(weight: dict[str, Any]) -> str:
    files = len(weight["files"])
    missing = f"; missing {', '.join(weight['missing'])}" if weight["missing"] else ""
    return (
        f"{weight['total_bytes'] / 1024:.1f} KB (page {weight['page_bytes'] / 1024:.1f} KB "
        f"+ {files} files{missing})"
    )


def _weight_rows(weights: dict[str, Any], add: Callable[..., None]) -> None:
    """Bytes on the wire, gzip accepted, of each page with everything it loads (bench.weight)."""
    names = {
        "door": ("Door page with everything it loads, on the wire", DOOR_BYTES),
        "scanner": ("Scanner page, first open, with BarcodeDetector (no decoder)", SCANNER_BYTES),
        "scanner_with_decoder": (
            "Scanner page, first open, without BarcodeDetector (the decoder too)",
            SCANNER_BYTES,
        ),
    }
    for key, (name, limit) in names.items():
        weight = weights.get(key)
        if not weight:
            continue
        ok = weight["status"] == 200 and not weight["missing"]
        add(
            name,
            f"< {limit // 1024} KB",
            _weight_text(weight),
            _verdict(ok and weight["total_bytes"] < limit),
        )


def _scale_rows(scale: dict[str, Any] | None, add: Callable[..., None]) -> None:
    """bench.scale: first scans and the board's figures by size; one screen against fifty."""
    if not scale:
        return
    sizes = scale["sizes"] or {}
    cpu = {n: s["first_scan"]["cpu_ms_per_request"]["app"] for n, s in sizes.items()}
    smallest = min(sizes, key=int, default="0")
    for size, line in sorted(sizes.items(), key=lambda kv: int(kv[0])):
        first = line["first_scan"]
        ok = first["errors"] == 0
        growth = cpu[size] / cpu[smallest] if cpu[smallest] else None
        add(
            f"First scan at {int(size):,} participants, concurrency 8: app CPU per scan",
            f"<= {SCAN_CPU_GROWTH:.2f} x the {int(smallest):,} event's"
            if size != smallest
            else "—",
            f"{cpu[size]:.2f} ms"
            + (f" ({growth:.2f} x)" if growth and size != smallest else "")
            + f"; {first['rps']:.0f}/s, median {_num(first['p50_ms'], 'ms')}, "
            f"{first['completed']:,} scans, {first['errors']} errors",
            INFO
            if size == smallest
            else _verdict(ok and growth is not None and growth <= SCAN_CPU_GROWTH),
        )
        board = line["board_cached"]
        ok = set(board["statuses"]) == {"200"}
        add(
            f"Board's figures at {int(size):,} participants (a polling screen, cached): median",
            f"< {BOARD_CACHED_MS:.0f} ms",
            f"{_num(board['p50_ms'], 'ms', 2)} (p95 {_num(board['p95_ms'], 'ms', 2)}"
            f"{_cpu(board)}); after a change, once per change and worker: "
            f"{_num(line['board_after_change_ms'], 'ms')}",
            _verdict(ok and board["p50_ms"] is not None and board["p50_ms"] < BOARD_CACHED_MS),
        )
    _screens_rows(scale.get("screens"), add)


def _screens_rows(screens: dict[str, Any] | None, add: Callable[..., None]) -> None:
    if not (screens and "1" in screens and "50" in screens):
        return
    one, fifty = screens["1"], screens["50"]
    ratio = _server_cpu(fifty) / max(_server_cpu(one), 0.1)
    size = screens.get("participants", 200_000)  # runs before it was recorded: the largest
    whose = (
        "the workers' and the database's"
        if "database_cpu_ms_per_second" in one
        else ("the workers'")
    )
    add(
        f"Board with 50 screens against 1, {size:,} participants, a scan every 0.5 s: {whose} CPU",
        f"<= {SCREENS_CPU_GROWTH:.2f} x one screen's",
        f"1 screen {_cpu_parts(one)}, 50 screens {_cpu_parts(fifty)} ({ratio:.2f} x); "
        "each screen got "
        f"{fifty['updates_min']}–{fifty['updates_max']} updates {_per_window(fifty)}for "
        f"{fifty['scans']} new scans in {fifty['window_seconds']:.0f} s"
        f"{_windows(one, fifty)}; refused {fifty['refused']} "
        f"(gthread, {screens['threads']} threads, {screens['streams_per_worker']} streams "
        f"a worker, board cache {screens.get('board_cache', 'per worker')}). The figures are "
        "computed by one worker at most once per BOARD_PUSH_SECONDS and read by the others "
        "from the shared cache, whichever worker holds the screens",
        _verdict(
            fifty["refused"] == 0 and fifty["updates_min"] > 0 and ratio <= SCREENS_CPU_GROWTH
        ),
    )


def _server_cpu(screens: dict[str, Any]) -> float:
    return screens["app_cpu_ms_per_second"] + screens.get("database_cpu_ms_per_second", 0.0)


def _cpu_parts(screens: dict[str, Any]) -> str:
    """CPU a second: the whole, and the database's part where it runs apart (PostgreSQL)."""
    database = screens.get("database_cpu_ms_per_second", 0.0)
    if not database:
        return f"{_server_cpu(screens):.0f} ms/s"
    return f"{_server_cpu(screens):.0f} ms/s (database {database:.0f})"


def _per_window(fifty: dict[str, Any]) -> str:
    return "a window " if fifty.get("windows", 1) > 1 else ""


def _windows(one: dict[str, Any], fifty: dict[str, Any]) -> str:
    """Runs since the windows alternate: how many of each, in what order."""
    if fifty.get("windows", 1) == 1:
        return ""
    return (
        f" ({one['windows']} windows with 1 screen and {fifty['windows']} with 50, "
        "alternating, each count's windows summed)"
    )


def _export_rows(exports: dict[str, Any], add: Callable[..., None]) -> None:
    for result in exports.values():
        fmt, size = result["format"], result["participants"]
        name = f"Summary {fmt.upper()}, {size:,} participants"
        if not result.get("available"):
            add(name, "—", "no such endpoint in the app yet", NA)
            continue
        ok = result["status"] == 200
        limit = EXPORT_SECONDS.get((fmt, size))
        add(
            f"{name}: time (own process)",
            f"< {limit:g} s" if limit else "—",
            f"{result['seconds']:.2f} s (CPU {result.get('cpu_seconds', 0):.2f} s; "
            f"{result['bytes'] / 1024:,.0f} KB"
            + ("" if ok else f", HTTP {result['status']}")
            + ")",
            _verdict(ok and result["seconds"] < limit) if limit else INFO if ok else MISS,
        )
        add(
            f"{name}: peak memory of that process",
            f"< {EXPORT_PEAK_MB:.0f} MB",
            f"{result['peak_mb']:.0f} MB (the app alone: {result['baseline_mb']:.0f} MB)",
            _verdict(ok and result["peak_mb"] < EXPORT_PEAK_MB),
        )


def _http_export_rows(exports: dict[str, Any], size: int, add: Callable[..., None]) -> None:
    if not exports:
        return
    parts = []
    for fmt, r in exports.items():
        status = "" if r["status"] == 200 else f" HTTP {r['status']}"
        parts.append(f"{fmt.upper()} {r['seconds']:.2f} s{status}")
    ok = all(r["status"] == 200 for r in exports.values())
    add(
        f"Summary downloads, {size:,} participants, through gunicorn",
        "—",
        "; ".join(parts),
        INFO if ok else MISS,
    )


def markdown(results: dict[str, Any]) -> str:
    env = results["environment"]
    rows = results.get("rows") or Results(results).rows()
    lines = [
        f"Benchmark of {env['started_at']} ({'quick' if env['quick'] else 'full'} run, "
        f"{env['seconds']:.0f} s): {env['cpus']} CPUs, Python {env['python']}, gunicorn "
        f"{env['workers']} workers x {env['worker_class']}"
        + (f" ({env['threads']} threads)." if env["worker_class"] == "gthread" else "."),
        "",
        "| Database | Measurement | Target | Value | Result |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        cells = (r["database"], r["measurement"], r["target"], r["value"], f"**{r['result']}**")
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    counts = {k: sum(1 for r in rows if r["result"] == k) for k in (PASS, MISS, NA)}
    lines += ["", f"{counts[PASS]} PASS, {counts[MISS]} MISS, {counts[NA]} N/A.", ""]
    return "\n".join(lines)


# --- a compact comparison of runs, for docs/performance.md ---------------------------------


def _short(run: dict[str, Any], key: str, cores: int) -> str:  # noqa: C901 - one small branch per row
    """One cell of the comparison: the value and its verdict, briefly."""
    phases = run.get("checkins", {})
    exports = run.get("exports", {})

    def verdict(ok: bool | None) -> str:
        return f" **{_verdict(ok)}**"

    def export(fmt: str, size: int, limit: float) -> str:
        e = exports.get(f"{fmt}_{size}")
        if not e or not e.get("available"):
            return "n/a"
        ok = e["status"] == 200 and e["seconds"] < limit
        return f"{e['seconds']:.2f} s (CPU {e['cpu_seconds']:.2f} s)" + verdict(ok)

    c1, c8, c32 = phases.get("new_c1"), phases.get("new_c8"), phases.get("new_c32")
    if key == "c1" and c1:
        return f"{c1['p50_ms']:.1f} ms" + verdict(c1["p50_ms"] < CHECKIN_P50_C1_MS)
    if key == "c8_rps" and c8:
        top = ceiling(c8, cores)
        return f"{c8['rps']:.0f}/s (ceiling {top:.0f}/s)" + verdict(c8["rps"] >= CHECKIN_RPS_C8)
    if key == "c8_p99" and c8:
        return f"{c8['p99_ms']:,.0f} ms" + verdict(c8["p99_ms"] < CHECKIN_P99_C8_MS)
    if key == "c8_errors" and c8:
        return f"{c8['errors']} of {c8['completed']:,}" + verdict(c8["errors"] == 0)
    if key == "c32" and c32:
        return f"{c32['errors']} of {c32['completed']:,}, {c32['rps']:.0f}/s" + verdict(
            c32["errors"] == 0
        )
    if key == "cpu" and c8:
        cpu = c8["cpu_ms_per_request"]
        db = f" + database {cpu['database']:.1f}" if cpu["database"] is not None else ""
        return f"app {cpu['app']:.1f}{db} ms"
    if key == "lost" and run.get("lost"):
        lost = run["lost"]
        ok = lost["rows"] == lost["answered_201"] and lost["missing"] == lost["extra"] == 0
        return f"{lost['rows']:,} = {lost['answered_201']:,}" + verdict(ok)
    if key == "answers":
        dup, bad = phases.get("duplicate_c8"), phases.get("invalid_c8")
        if dup and bad:
            return "yes" + verdict(dup["errors"] == 0 and bad["errors"] == 0)
    if key == "attendance" and run.get("attendance"):
        att = run["attendance"]
        return f"{att['p50_ms']:.0f} ms" + verdict(att["p50_ms"] < ATTENDANCE_MS)
    if key == "door" and run.get("door"):
        door = run["door"]
        size = run.get("weights", {}).get("door", {}).get("total_bytes", door["bytes"])
        ok = size < DOOR_BYTES and door["ttfb_p50_ms"] < DOOR_TTFB_MS
        return f"{size / 1024:.1f} KB, {door['ttfb_p50_ms']:.1f} ms" + verdict(ok)
    if key == "csv":
        return export("csv", 20_000, 1.0)
    if key == "xlsx":
        return export("xlsx", 20_000, 5.0)
    if key == "pdf":
        return export("pdf", 20_000, 30.0)
    if key == "pdf_small":
        return export("pdf", 2_000, 5.0)
    if key == "export_mb" and exports:
        worst = max(e["peak_mb"] for e in exports.values() if e.get("available"))
        return f"{worst:.0f} MB" + verdict(worst < EXPORT_PEAK_MB)
    if key == "import" and run.get("import"):
        imp = run["import"]
        return f"{imp['seconds']:.1f} s (CPU {imp['cpu_seconds']:.1f} s)" + verdict(
            imp["seconds"] < IMPORT_SECONDS
        )
    if key == "workers" and run.get("server", {}).get("memory_at_end"):
        worst = max(m["rss_mb"] for m in run["server"]["memory_at_end"])
        return f"max {worst:.0f} MB" + verdict(worst < WORKER_RSS_MB)
    if key == "seed":
        seed = run["seed"]
        return f"{seed['seed_seconds']:.1f} s (CPU {seed['seed_cpu_seconds']:.1f} s)"
    if key == "load" and run.get("machine_before"):
        return f"{run['machine_before']['loadavg'][0]:.1f}"
    return "n/a"


COMPARED = (
    ("load", "Machine load average when the run started (2 cores)", "—"),
    ("c1", "Check-in, concurrency 1: median", "< 5 ms"),
    ("c8_rps", "Check-in, concurrency 8: throughput", ">= 400/s"),
    ("c8_p99", "Check-in, concurrency 8: p99", "< 50 ms"),
    ("c8_errors", "Check-in, concurrency 8: errors", "0"),
    ("c32", "Check-in, concurrency 32: errors", "0"),
    ("lost", "Check-in rows = tickets answered 201", "equal"),
    ("answers", "Duplicates answered 200, unknown codes 404", "all"),
    ("cpu", "CPU per check-in (concurrency 8)", "—"),
    ("attendance", "Attendance JSON, 20,000 participants: median", "< 50 ms"),
    ("door", "Door page with what it loads: size, time to first byte", "< 30 KB, < 20 ms"),
    ("csv", "Summary CSV, 20,000", "< 1 s"),
    ("xlsx", "Summary XLSX, 20,000", "< 5 s"),
    ("pdf", "Summary PDF, 20,000", "< 30 s"),
    ("pdf_small", "Summary PDF, 2,000", "< 5 s"),
    ("export_mb", "Peak memory of any export's process", "< 300 MB"),
    ("import", "Import of a 20,000-row XLSX", "< 5 s"),
    ("workers", "Worker resident memory after the bench", "< 150 MB"),
    ("seed", "Registering 20,000 through the services", "—"),
)


def comparison(files: list[str]) -> str:
    """One column per (run, database) of the given result files."""
    import json
    from pathlib import Path

    columns: list[tuple[str, dict[str, Any], int]] = []
    for name in files:
        results = json.loads(Path(name).read_text())
        env = results["environment"]
        for database, run in results["runs"].items():
            kind = "quick" if env["quick"] else "full"
            title = f"{database}, {env['workers']} × {env['worker_class']} ({kind})"
            columns.append((title, run, env["cpus"] or 1))
    head = "| Measurement | Target | " + " | ".join(t for t, _, _ in columns) + " |"
    lines = [head, "| --- | --- |" + " --- |" * len(columns)]
    for key, label, target in COMPARED:
        cells = [_short(run, key, cores) for _, run, cores in columns]
        lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    print(comparison(sys.argv[1:]))
