"""Write the README's performance table from a run: ``make bench-readme`` (the latest run) or
``python -m bench.readme bench/results/<run>.json``.

The table between the README's markers ``<!-- bench:begin -->`` and ``<!-- bench:end -->`` is
replaced by the run's rows (bench.report: each with its target and PASS / MISS), headed by what
the numbers depend on: the machine's cores and CPU, its load average before and after, and the
CPU-speed probe (a fixed Python loop: twice the milliseconds, half the speed). Nothing else in
the README is touched, so the numbers there are always a run's, never typed by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.report import Results, markdown

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def _machine(results: dict[str, Any]) -> list[str]:
    env = results["environment"]
    lines = [
        f"Run of {env['started_at']} ({'`make bench QUICK=1`' if env['quick'] else '`make bench`'}"
        f", {env['seconds']:.0f} s), {env['cpus']} cores ({env.get('cpu_model') or cpu_model()}"
        f"), Python {env['python']}.",
        "",
        "| database | load average (1, 5, 15 min) before → after | CPU-speed probe: 1e6-step "
        "Python loop, before → after | fsync |",
        "| --- | --- | --- | --- |",
    ]
    for database, run in results["runs"].items():
        before, after = run.get("machine_before") or {}, run.get("machine_after") or {}
        load = " / ".join(map(str, before.get("loadavg", [])))
        load_after = " / ".join(map(str, after.get("loadavg", []))) or "—"
        probe = [m.get("python_loop_1e6_ms", "—") for m in (before, after)]
        loop = f"{probe[0]} ms → {probe[1]} ms"
        lines.append(
            f"| {database} | {load} → {load_after} | {loop} | {before.get('fsync_ms')} ms |"
        )
    return lines


def section(results: dict[str, Any]) -> str:
    """The block between the markers: the machine, then the table (its first line, the run's
    one-line description, is replaced by the machine's)."""
    rows = Results(results).rows()  # the rows as bench.report words them now
    table = markdown({**results, "rows": rows}).splitlines()[1:]
    return "\n".join([BEGIN, *_machine(results), *table, END])


def write(results: dict[str, Any], readme: Path = README) -> None:
    """Replace the README's table. Raises ValueError when its markers are missing."""
    text = readme.read_text()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{readme} has no {BEGIN} ... {END} block")
    readme.write_text(text[:start] + section(results) + text[end + len(END) :])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.readme", description=__doc__)
    parser.add_argument("run", nargs="?", default=str(ROOT / "bench/results/latest.json"))
    args = parser.parse_args(argv)
    write(json.loads(Path(args.run).read_text()))
    print(f"README.md: the performance table is now {args.run}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
