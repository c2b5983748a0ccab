"""The bench's lines for large imports and seeds (issue 16, point 3; issue 11, point 3).

* Registering 200,000 participants through ``register_many`` (its own process): target a
  peak under 300 MB (``ru_maxrss``, the app included). The ORM way held every object: 1.26 GB.
* Hostile workbooks (a zip bomb, a million rows, twenty thousand columns), each read by
  ``read_roster`` in its own process: refused, within 5 s, the process under 200 MB.

* The 20,000-row import through the organiser's pages: the upload finds the headings, the
  preview reads the file, the confirmation takes the rows the preview read in this process
  (tracker/events/roster_import.py, ``_RecentRosters``) and saves them; each under 5 s.

The 20,000-row import's read + plan + apply is ``bench.tasks import`` (target 5 s).

    python -m bench.import_scale register --count 200000
    python -m bench.import_scale hostile --kind bomb|rows|columns
    python -m bench.import_scale pages --rows 20000

Each task prints one line of JSON, as ``bench.tasks`` does. The builders of hostile files are
also used by the tests (tests/events/test_hostile_xlsx.py), so both refuse the same files.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from bench.tasks import cpu_now, peak_mb, person, rss_mb

REGISTER_COUNT = 200_000
REGISTER_PEAK_MB = 300.0
HOSTILE_SECONDS = 5.0
HOSTILE_PEAK_MB = 200.0
HOSTILE_KINDS = ("bomb", "rows", "columns")
PAGES_ROWS = 20_000
PAGES_STEP_SECONDS = 5.0
PAGES_STATUS = {"upload": 302, "preview": 200, "confirm": 302}

# --- hostile workbooks ------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Daftar Hadir Sosialisasi</t></is></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>Nama dan Gelar</t></is></c>'
    b'<c r="B2" t="inlineStr"><is><t>Instansi/OPD</t></is></c></row>'
)
TAIL = b"</sheetData></worksheet>"


def office_list() -> bytes:
    """An ordinary list, as an office saves it: a title row, headings, one participant."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Peserta"
    sheet.append(["Daftar Hadir Sosialisasi"])
    sheet.append(["Nama dan Gelar", "Instansi/OPD"])
    sheet.append(["Ni Made Ari Widayani, S.Kom.", "Dinas Kesehatan Kabupaten Tabanan"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(
    pieces: Callable[[], Iterator[bytes]], extra: dict[str, bytes] | None = None
) -> bytes:
    """The office list with its sheet replaced by ``pieces``, streamed into the archive (so a
    sheet of gigabytes costs its compressed size), and ``extra`` parts added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(office_list())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info, src.read(info))
                continue
            with dst.open(SHEET, "w", force_zip64=True) as part:
                for piece in pieces():
                    part.write(piece)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def rows_of(count: int, row: Callable[[int], bytes], batch: int = 20_000) -> Iterator[bytes]:
    """The sheet's XML: the heading rows, then ``count`` rows made by ``row(number)``."""
    yield HEAD
    for start in range(3, count + 3, batch):
        yield b"".join(row(n) for n in range(start, min(start + batch, count + 3)))
    yield TAIL


def _blank_megabytes(count: int) -> Iterator[bytes]:
    yield HEAD
    blank = b" " * (1 << 20)
    for _ in range(count):
        yield blank
    yield TAIL


def _named_row(n: int) -> bytes:
    return b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Peserta %d</t></is></c></row>' % (n, n, n)


def _wide() -> Iterator[bytes]:
    yield HEAD
    yield b'<row r="3">' + b"".join(b"<c><v>%d</v></c>" % n for n in range(20_000)) + b"</row>"
    yield TAIL


def hostile_workbook(kind: str) -> bytes:
    """bomb: one part of 256 MB of blanks (a quarter of a megabyte compressed; the check is by
    the declared size, so a bigger bomb is refused the same way); rows: a million filled rows;
    columns: a row of twenty thousand filled cells."""
    if kind == "bomb":
        return with_sheet(lambda: _blank_megabytes(256))
    if kind == "rows":
        return with_sheet(lambda: rows_of(1_000_000, _named_row))
    if kind == "columns":
        return with_sheet(_wide)
    raise ValueError(kind)


# --- tasks (each in its own process) ----------------------------------------------------------


def hostile(kind: str) -> dict[str, Any]:
    from tracker.events.roster_file import RosterFileError, read_roster

    data = hostile_workbook(kind)
    baseline = rss_mb()
    started, cpu = time.perf_counter(), cpu_now()
    try:
        read_roster("daftar_hadir.xlsx", data)
        message = ""
    except RosterFileError as exc:
        message = str(exc)
    return {
        "kind": kind,
        "file_bytes": len(data),
        "refused": bool(message),
        "message": message,
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(cpu_now() - cpu, 3),
        "baseline_mb": baseline,
        "peak_mb": peak_mb(),
    }


def _bench_office() -> list[Any]:
    """The office bench.tasks seed made: an organiser makes events only in their own offices."""
    from tracker.auth.offices import find_office

    office = find_office("Diskominfo Provinsi Bali")
    return [office] if office is not None else []


def register(count: int) -> dict[str, Any]:
    """``count`` people registered to a new event through register_many, from a generator."""
    from tracker import create_app
    from tracker.auth.roles import Role
    from tracker.auth.services import create_user
    from tracker.db import utcnow
    from tracker.events.bulk_registration import register_many
    from tracker.events.registration import ParticipantInput
    from tracker.events.services import EventInput, create_event
    from tracker.extensions import db

    app = create_app()
    with app.app_context():
        now = utcnow()
        user = create_user(
            "register-bench@bench.example",
            "bench-pass-3",
            Role.ORGANISER.value,
            offices=_bench_office(),
        )
        event = create_event(
            EventInput(
                title=f"Registrasi massal ({count:,} peserta)",
                organiser_unit="Diskominfo Provinsi Bali",
                description="Benchmark event.",
                starts_at=now + timedelta(days=7),
                ends_at=now + timedelta(days=7, hours=8),
                timezone="Asia/Makassar",
                expected_participants=count,
                status="open",
            ),
            user,
        )
        db.session.commit()
        rng = random.Random(count)
        entries = (
            ParticipantInput(**person(i, rng, "massal.bench.example")) for i in range(1, count + 1)
        )
        baseline = rss_mb()
        started, cpu = time.perf_counter(), cpu_now()
        created = register_many(event, entries, utcnow(), source="bench")
        db.session.commit()
        return {
            "count": count,
            "created": created,
            "seconds": round(time.perf_counter() - started, 3),
            "cpu_seconds": round(cpu_now() - cpu, 3),
            "baseline_mb": baseline,
            "peak_mb": peak_mb(),
        }


def pages(rows: int) -> dict[str, Any]:
    """The organiser's import through the pages (the app's whole path in this process): the
    upload (opened, its headings found, kept), its preview (read, shown), the confirmation
    (the preview's rows, checked again against who is registered, saved; another worker would
    read the file again). Each is a wait the organiser sees; the target is for each."""
    from sqlalchemy import func, select

    from bench.tasks import roster_xlsx
    from tracker import create_app
    from tracker.auth.roles import Role
    from tracker.auth.services import create_user
    from tracker.db import utcnow
    from tracker.events.models import Participant
    from tracker.events.services import EventInput, create_event
    from tracker.extensions import db

    data = roster_xlsx(rows)
    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False  # the bench posts the forms without their pages
    with app.app_context():
        now = utcnow()
        user = create_user(
            "import-pages@bench.example",
            "bench-pass-4",
            Role.ORGANISER.value,
            offices=_bench_office(),
        )
        event = create_event(
            EventInput(
                title="Impor lewat halaman (benchmark)",
                organiser_unit="Diskominfo Provinsi Bali",
                starts_at=now + timedelta(days=7),
                ends_at=now + timedelta(days=7, hours=8),
            ),
            user,
        )
        db.session.commit()
        event_id = event.id
    client = app.test_client()
    # Over the login form: the session is what a browser gets (production cookies are Secure,
    # hence the https base URL).
    login = {"email": "import-pages@bench.example", "password": "bench-pass-4"}
    assert client.post("/login", data=login, base_url="https://localhost").status_code == 302
    base = f"/events/{event_id}/participants/import"
    steps: dict[str, Any] = {}

    def timed(name: str, send: Callable[[], Any]) -> Any:
        started, cpu = time.perf_counter(), cpu_now()
        response = send()
        steps[name] = {
            "status": response.status_code,
            "seconds": round(time.perf_counter() - started, 3),
            "cpu_seconds": round(cpu_now() - cpu, 3),
        }
        return response

    upload = timed(
        "upload",
        lambda: client.post(
            base,
            data={"file": (io.BytesIO(data), "peserta.xlsx")},
            content_type="multipart/form-data",
            base_url="https://localhost",
        ),
    )
    preview = upload.headers.get("Location", base)
    timed("preview", lambda: client.get(preview, base_url="https://localhost"))
    timed("confirm", lambda: client.post(preview, base_url="https://localhost"))
    with app.app_context():
        created = db.session.scalar(
            select(func.count()).select_from(Participant).where(Participant.event_id == event_id)
        )
    return {"rows": rows, "created": created, "steps": steps, "peak_mb": peak_mb()}


# --- in the bench: run the tasks, and their lines of the report -------------------------------


def measure(run_task: Callable[..., dict[str, Any]], log: Callable[[str], None]) -> dict[str, Any]:
    """Run this module's tasks through the bench's ``task`` (one process each)."""
    module = "bench.import_scale"
    log(f"registering {REGISTER_COUNT:,} participants in batches (own process)")
    out: dict[str, Any] = {
        "register": run_task("register", "--count", str(REGISTER_COUNT), module=module, timeout=900)
    }
    log(f"import of a {PAGES_ROWS:,}-row XLSX through the pages (own process)")
    out["pages"] = run_task("pages", "--rows", str(PAGES_ROWS), module=module, timeout=600)
    for kind in HOSTILE_KINDS:
        log(f"hostile workbook: {kind} (own process)")
        out[f"hostile_{kind}"] = run_task("hostile", "--kind", kind, module=module, timeout=300)
    return out


HOSTILE_LABELS = {
    "bomb": "a zip bomb (256 MB of blanks in one part)",
    "rows": "a million rows",
    "columns": "20,000 columns",
}


def report_rows(run: dict[str, Any], add: Callable[[str, str, str, str], None]) -> None:
    """The report's rows for this module's measurements (``add(measurement, target, value,
    verdict)``)."""
    scale = run.get("import_scale")
    if not scale:
        return
    reg = scale.get("register")
    if reg:
        add(
            f"Register {reg['count']:,} participants in batches (register_many)",
            f"peak < {REGISTER_PEAK_MB:.0f} MB",
            f"peak {reg['peak_mb']:.0f} MB (before {reg['baseline_mb']:.0f} MB); "
            f"{reg['seconds']:.1f} s (CPU {reg['cpu_seconds']:.1f} s); {reg['created']:,} created",
            _verdict(reg["peak_mb"] < REGISTER_PEAK_MB and reg["created"] == reg["count"]),
        )
    _pages_row(scale.get("pages"), add)
    for kind in HOSTILE_KINDS:
        hostile_run = scale.get(f"hostile_{kind}")
        if not hostile_run:
            continue
        ok = (
            hostile_run["refused"]
            and hostile_run["seconds"] < HOSTILE_SECONDS
            and hostile_run["peak_mb"] < HOSTILE_PEAK_MB
        )
        add(
            f"Refuse a hostile XLSX: {HOSTILE_LABELS[kind]}, "
            f"{hostile_run['file_bytes'] / 1e6:.1f} MB on the wire",
            f"refused, < {HOSTILE_SECONDS:.0f} s, peak < {HOSTILE_PEAK_MB:.0f} MB",
            ("refused" if hostile_run["refused"] else "READ")
            + f" in {hostile_run['seconds']:.2f} s, peak {hostile_run['peak_mb']:.0f} MB",
            _verdict(ok),
        )


def _pages_row(result: dict[str, Any] | None, add: Callable[[str, str, str, str], None]) -> None:
    if not result:
        return
    steps = result["steps"]
    ok = result.get("created") == result["rows"] and all(
        steps.get(name, {}).get("status") == status and steps[name]["seconds"] < PAGES_STEP_SECONDS
        for name, status in PAGES_STATUS.items()
    )
    add(
        f"Import a {result['rows']:,}-row XLSX through the pages: upload, preview, confirm",
        f"each < {PAGES_STEP_SECONDS:.0f} s",
        "; ".join(
            f"{name} {step['seconds']:.1f} s (CPU {step['cpu_seconds']:.1f} s)"
            for name, step in steps.items()
        )
        + f"; {result.get('created', 0):,} created; peak {result['peak_mb']:.0f} MB",
        _verdict(ok),
    )


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_scale", description=__doc__)
    sub = parser.add_subparsers(dest="task", required=True)
    sub.add_parser("register").add_argument("--count", type=int, default=REGISTER_COUNT)
    sub.add_parser("hostile").add_argument("--kind", choices=HOSTILE_KINDS, required=True)
    sub.add_parser("pages").add_argument("--rows", type=int, default=PAGES_ROWS)
    args = parser.parse_args(argv)
    if args.task == "register":
        result = register(args.count)
    elif args.task == "pages":
        result = pages(args.rows)
    else:
        result = hostile(args.kind)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
