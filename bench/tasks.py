"""The benchmark's jobs that run inside the app, one subprocess each: ``python -m bench.tasks``.

Each job creates the app from the environment (DATABASE_URL, SECRET_KEY), works in an app
context through the services, commits, and prints ONE line of JSON on stdout with its timings
and its own peak memory (``ru_maxrss`` of the process, which includes the app itself: that is
what a worker doing the same job would hold). Running each job in its own process keeps one
job's memory from counting against the next.

    seed         the events: a staff token, N and M participants through register_many
    export       one summary download (json, csv, xlsx, pdf) of an event, through the app
    import       a generated XLSX of N rows through read_roster + plan_import + apply_import
    checked-in   the ticket codes of an event's check-ins (the "nothing lost" check)
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

GIVEN = [
    "I Wayan", "Ni Luh", "I Made", "Ni Made", "I Nyoman", "Ni Nyoman", "I Ketut", "Ni Ketut",
    "I Gede", "Ni Putu", "Komang", "Kadek", "Putu", "Agus", "Dewi", "Sri", "Bagus", "Ayu",
]  # fmt: skip
FAMILY = [
    "Sudarsana", "Ariani", "Widiantara", "Widayani", "Suardana", "Rahayu", "Budiarta",
    "Puspawati", "Astawa", "Lestari", "Mahendra", "Sukmawati", "Wirawan", "Pratama", "Saputra",
    "Handayani", "Kusuma", "Santika", "Yasa", "Arimbawa", "Suparta", "Darmawan", "Wulandari",
]  # fmt: skip
UNITS = [
    "Dinas Kesehatan", "Dinas Pariwisata", "Dinas Pendidikan", "Bappeda", "Dinas Pertanian",
    "Dinas Lingkungan Hidup", "Dinas Sosial", "BPBD", "Dinas Kependudukan", "RSUD",
    "Sekretariat Daerah", "Diskominfo", "Dinas PUPR", "Dinas Perhubungan", "Inspektorat",
]  # fmt: skip
REGENCIES = [
    "Kabupaten Tabanan", "Kabupaten Badung", "Kabupaten Gianyar", "Kota Denpasar",
    "Kabupaten Buleleng", "Kabupaten Karangasem", "Kabupaten Bangli", "Kabupaten Jembrana",
    "Kabupaten Klungkung", "Provinsi Bali",
]  # fmt: skip
POSITIONS = ["Pengelola Media Sosial", "Analis Kebijakan", "Staf Teknis", "Kepala Seksi", ""]


def peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_now() -> float:
    """CPU seconds this process has used (user + system): the work, whatever else runs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    """This process's resident memory now."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def person(i: int, rng: random.Random, domain: str) -> dict[str, Any]:
    """Participant number ``i``: a plausible Balinese civil servant with a unique contact."""
    category = "speaker" if i % 500 == 0 else "committee" if i % 97 == 0 else "participant"
    return {
        "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {i}",
        "agency": f"{rng.choice(UNITS)} {rng.choice(REGENCIES)}",
        "position": rng.choice(POSITIONS),
        "category": category,
        "email": f"peserta{i:05d}@{domain}",
        "phone": f"0812{i:08d}" if i % 3 else None,  # a third leave no phone number
    }


def _emit(result: dict[str, Any]) -> None:
    print(json.dumps(result), flush=True)


def _app():  # noqa: ANN202 - the Flask app, imported late so --help stays quick
    from tracker import create_app

    return create_app()


# --- seed -------------------------------------------------------------------------------------


def seed(big: int, small: int, tickets_out: Path) -> dict[str, Any]:
    """Users and a token, the events, their participants, and check-ins for the small event."""
    from sqlalchemy import select

    from tracker.auth.offices import create_office
    from tracker.auth.roles import Role
    from tracker.auth.services import create_user, issue_token
    from tracker.checkin import services as checkin
    from tracker.compliance.services import attach_template, load_builtin_templates
    from tracker.db import utcnow
    from tracker.events.bulk_registration import register_many
    from tracker.events.models import Participant
    from tracker.events.registration import ParticipantInput
    from tracker.events.services import EventInput, VenueInput, create_event
    from tracker.extensions import db

    app = _app()
    result: dict[str, Any] = {}
    with app.app_context():
        now = utcnow()
        load_builtin_templates(now)
        office = [create_office("Diskominfo Provinsi Bali", actor=None, now=now)]
        organiser = create_user(
            "organiser@bench.example", "bench-pass-1", Role.ORGANISER.value, offices=office
        )
        staff = create_user(
            "staff@bench.example", "bench-pass-2", Role.STAFF.value, "Door staff", offices=office
        )
        result["token"] = issue_token(staff, "bench: door")
        result["organiser_token"] = issue_token(organiser, "bench: exports")
        db.session.commit()

        def event(title: str, expected: int) -> Any:
            made = create_event(
                EventInput(
                    title=title,
                    organiser_unit="Diskominfo Provinsi Bali",
                    description="Benchmark event.",
                    starts_at=now - timedelta(hours=1),
                    ends_at=now + timedelta(hours=10),
                    timezone="Asia/Makassar",
                    venue=VenueInput("Gedung Ksirarnawa", "Jl. Nusa Indah, Denpasar", "Aula", 9999),
                    topics=["Keamanan digital", "Pengelolaan media sosial"],
                    speakers=["Tim Diskominfo"],
                    expected_participants=expected,
                    allow_walk_ins=True,
                    status="open",
                ),
                organiser,
            )
            attach_template(made, "pergub-bali-97-2018", organiser, now)
            db.session.commit()
            return made

        def people(count: int, domain: str) -> Iterator[ParticipantInput]:
            rng = random.Random(count)
            return (ParticipantInput(**person(i, rng, domain)) for i in range(1, count + 1))

        big_event = event(f"Rapat Koordinasi Besar ({big:,} peserta)", big)
        entries = people(big, "big.bench.example")
        started, cpu = time.perf_counter(), cpu_now()
        register_many(big_event, entries, utcnow(), source="bench")  # in batches: 200,000 fit
        db.session.commit()
        result["seed_seconds"] = round(time.perf_counter() - started, 3)
        result["seed_cpu_seconds"] = round(cpu_now() - cpu, 3)
        result["seed_participants"] = big
        result["seed_peak_mb"] = peak_mb()
        result["big_event_id"] = big_event.id

        small_event = event(f"Pelatihan ({small:,} peserta)", small)
        register_many(small_event, people(small, "small.bench.example"), now, "bench")
        db.session.commit()
        result["small_event_id"] = small_event.id
        # 70% of the small event come in, through the check-in service.
        codes = db.session.scalars(
            select(Participant.ticket_code).where(Participant.event_id == small_event.id)
        ).all()
        rng = random.Random(7)
        for i, code in enumerate(codes[: small * 7 // 10]):
            scan = checkin.ScanInput(
                code=code, gate="A", device="bench", brought_tumbler=rng.choice([True, False, None])
            )
            checkin.check_in(small_event, scan, staff, utcnow() - timedelta(seconds=small - i))
        db.session.commit()

        result["import_event_id"] = event("Impor peserta (benchmark)", big).id
        big_codes = db.session.scalars(
            select(Participant.ticket_code).where(Participant.event_id == big_event.id)
        ).all()
        shuffled = list(big_codes)
        random.Random(11).shuffle(shuffled)
        tickets_out.write_text("\n".join(shuffled) + "\n")
        result["tickets_file"] = str(tickets_out)
    return result


# --- export -----------------------------------------------------------------------------------

#: The summary's endpoints (the API's; the pages' downloads run the same code).
EXPORT_PATHS = {
    "json": "/api/v1/events/{id}/summary",
    "csv": "/api/v1/events/{id}/summary.csv",
    "xlsx": "/api/v1/events/{id}/summary.xlsx",
    "pdf": "/api/v1/events/{id}/summary.pdf",
}


def export(event_id: int, fmt: str, token: str) -> dict[str, Any]:
    """GET one summary download through the app (access check, audit log, build, render,
    streaming: the view's whole path) in this process, with its time and peak memory."""
    app = _app()
    if EXPORT_PATHS[fmt].format(id=event_id) not in {
        rule.rule.replace("<int:event_id>", str(event_id)) for rule in app.url_map.iter_rules()
    }:
        return {"available": False}
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "id"}
    # The first requests' one-time work (the ORM's set-up on its first load) is not the
    # export's: a worker has served other requests before someone downloads a summary.
    client.get("/healthz")
    client.get(f"/api/v1/events/{event_id}", headers=headers)
    baseline = rss_mb()
    cpu = cpu_now()
    started = time.perf_counter()
    response = client.get(EXPORT_PATHS[fmt].format(id=event_id), headers=headers, buffered=False)
    first = time.perf_counter()
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    done = time.perf_counter()
    return {
        "available": True,
        "status": response.status_code,
        "seconds": round(done - started, 3),
        "first_byte_seconds": round(first - started, 3),
        "cpu_seconds": round(cpu_now() - cpu, 3),
        "bytes": size,
        "baseline_mb": baseline,
        "peak_mb": peak_mb(),
    }


# --- import -----------------------------------------------------------------------------------


def roster_xlsx(rows: int) -> bytes:
    """An organiser's spreadsheet: a title row, Indonesian headings, phones as numbers.

    Written as Excel, LibreOffice and Google Sheets write one: text in the shared-strings table
    and the sheet's size in its <dimension>. (openpyxl's write-only mode writes neither, and
    reading that costs about twice as much: bench/FINDINGS.md.)
    """
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Peserta"
    sheet.append(["Daftar Peserta Rapat Koordinasi"])
    sheet.append(["No", "Nama Lengkap", "Instansi", "Jabatan", "Kategori", "Email", "No HP/WA"])
    rng = random.Random(rows)
    for i in range(1, rows + 1):
        p = person(i, rng, "impor.bench.example")
        phone = int("62" + p["phone"][1:]) if p["phone"] else None  # Excel keeps it as a number
        kategori = {"speaker": "Narasumber", "committee": "Panitia"}.get(p["category"], "Peserta")
        sheet.append([i, p["name"], p["agency"], p["position"], kategori, p["email"], phone])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_roster(event_id: int, rows: int) -> dict[str, Any]:
    from tracker.db import utcnow
    from tracker.events.registration import apply_import, plan_import
    from tracker.events.roster_file import read_roster
    from tracker.events.services import get_event
    from tracker.extensions import db

    data = roster_xlsx(rows)
    app = _app()
    with app.app_context():
        event = get_event(event_id)
        baseline = rss_mb()
        cpu = cpu_now()
        t0 = time.perf_counter()
        roster = read_roster("peserta.xlsx", data)
        t1 = time.perf_counter()
        plan = plan_import(event, roster)
        t2 = time.perf_counter()
        created = apply_import(event, plan, utcnow())
        db.session.commit()
        t3 = time.perf_counter()
    return {
        "rows": rows,
        "file_bytes": len(data),
        "created": created,
        "roster_errors": len(roster.errors),
        "seconds": round(t3 - t0, 3),
        "cpu_seconds": round(cpu_now() - cpu, 3),
        "read_seconds": round(t1 - t0, 3),
        "plan_seconds": round(t2 - t1, 3),
        "apply_seconds": round(t3 - t2, 3),
        "baseline_mb": baseline,
        "peak_mb": peak_mb(),
    }


# --- the "nothing lost" check -----------------------------------------------------------------


def checked_in(event_id: int) -> dict[str, Any]:
    from sqlalchemy import select

    from tracker.checkin.models import CheckIn
    from tracker.events.models import Participant
    from tracker.extensions import db

    app = _app()
    with app.app_context():
        codes = db.session.scalars(
            select(Participant.ticket_code)
            .join(CheckIn, CheckIn.participant_id == Participant.id)
            .where(CheckIn.event_id == event_id)
        ).all()
        rows = db.session.scalar(
            select(db.func.count()).select_from(CheckIn).where(CheckIn.event_id == event_id)
        )
    return {"rows": rows, "codes": list(codes)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tasks", description=__doc__)
    sub = parser.add_subparsers(dest="task", required=True)
    p = sub.add_parser("seed")
    p.add_argument("--big", type=int, default=20_000)
    p.add_argument("--small", type=int, default=2_000)
    p.add_argument("--tickets", type=Path, required=True)
    p = sub.add_parser("export")
    p.add_argument("--event", type=int, required=True)
    p.add_argument("--format", choices=sorted(EXPORT_PATHS), required=True)
    p.add_argument("--token", required=True, help="an organiser's API token")
    p = sub.add_parser("import")
    p.add_argument("--event", type=int, required=True)
    p.add_argument("--rows", type=int, default=20_000)
    p = sub.add_parser("checked-in")
    p.add_argument("--event", type=int, required=True)
    args = parser.parse_args(argv)
    if args.task == "seed":
        _emit(seed(args.big, args.small, args.tickets))
    elif args.task == "export":
        _emit(export(args.event, args.format, args.token))
    elif args.task == "import":
        _emit(import_roster(args.event, args.rows))
    elif args.task == "checked-in":
        _emit(checked_in(args.event))
    return 0


if __name__ == "__main__":
    sys.exit(main())
