"""Events of 2,000, 20,000 and 200,000 participants for the scale lines (bench.scale), made fast.

``python -m bench.scale_tasks seed --sizes 2000,20000,200000 --codes-dir DIR`` prints one JSON
line. The participants and their check-ins (70 % of each event, spread over three hours, as on
a real morning) are written with Core ``INSERT``s in batches, not through
``register_participants``: what is measured here is the scan and the board at that size, not
the registration (bench.tasks and the import's lines time that). The database's triggers still
run for every row, so the figures' version is what the app would have made.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

BATCH = 5_000
CHECKED_IN = 0.7


def _app():  # noqa: ANN202 - the Flask app, imported late so --help stays quick
    from tracker import create_app

    return create_app()


def _event(title: str, size: int, now: Any) -> int:
    """An open event in the office bench.tasks seed made (its staff may scan there)."""
    from tracker.auth.offices import find_office
    from tracker.events.models import Event
    from tracker.extensions import db

    office = find_office("Diskominfo Provinsi Bali")
    if office is None:
        raise RuntimeError("bench.tasks seed makes the office first")
    event = Event(
        office_id=office.id,
        title=title,
        organiser_unit="Diskominfo Provinsi Bali",
        starts_at=now - timedelta(hours=4),
        ends_at=now + timedelta(hours=8),
        timezone="Asia/Makassar",
        expected_participants=size,
        allow_walk_ins=True,
        status="open",
    )
    db.session.add(event)
    db.session.flush()
    return event.id


def _people(event_id: int, size: int, now: Any) -> list[dict[str, Any]]:
    rng = random.Random(size)
    agencies = [f"Dinas {n} Kabupaten {k}" for n in range(12) for k in ("Tabanan", "Badung")]
    categories = ["participant"] * 17 + ["speaker", "committee", "press"]
    return [
        {
            "event_id": event_id,
            "name": f"Peserta {i:06d}",
            "agency": rng.choice(agencies),
            "category": rng.choice(categories),
            "email": f"p{i}.{event_id}@scale.bench.example",
            "phone": f"+6281{event_id:02d}{i:07d}",
            "ticket_code": secrets.token_urlsafe(16),
            "ticket_issued_at": now,
            "source": "bench",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(size)
    ]


def seed(sizes: list[int], codes_dir: Path) -> dict[str, Any]:
    """One event per size; returns their ids and writes each one's unscanned ticket codes."""
    from sqlalchemy import insert, select

    from tracker.checkin.models import CheckIn
    from tracker.db import utcnow
    from tracker.events.models import Participant
    from tracker.extensions import db

    app = _app()
    out: dict[str, Any] = {"events": {}}
    with app.app_context():
        now = utcnow()
        for size in sizes:
            started = time.perf_counter()
            event_id = _event(f"Skala ({size:,} peserta)", size, now)
            people = _people(event_id, size, now)
            for start in range(0, size, BATCH):
                db.session.execute(insert(Participant), people[start : start + BATCH])
            rows = db.session.execute(
                select(Participant.id, Participant.ticket_code)
                .where(Participant.event_id == event_id)
                .order_by(Participant.id)
            ).all()
            rng = random.Random(size + 1)
            rng.shuffle(rows)
            cut = int(size * CHECKED_IN)
            checkins = [
                {
                    "event_id": event_id,
                    "participant_id": pid,
                    "checked_in_at": now - timedelta(seconds=rng.randrange(3 * 3600)),
                    "recorded_at": now,
                    "method": "scanner",
                    "gate": rng.choice(["Pintu A", "Pintu B"]),
                    "device": "bench",
                    "brought_tumbler": rng.choice([True, True, False, None]),
                }
                for pid, _code in rows[:cut]
            ]
            for start in range(0, len(checkins), BATCH):
                db.session.execute(insert(CheckIn), checkins[start : start + BATCH])
            db.session.commit()
            codes = codes_dir / f"codes-{size}.txt"
            codes.write_text("\n".join(code for _pid, code in rows[cut:]) + "\n")
            out["events"][str(size)] = {
                "event_id": event_id,
                "participants": size,
                "codes_file": str(codes),
                "checked_in": cut,
                "seconds": round(time.perf_counter() - started, 2),
            }
    return out


def _triggers_off(off: bool, saved: dict[str, str]) -> None:
    """Take the check-ins' version triggers away (``off``) or put them back."""
    from sqlalchemy import text

    from tracker.extensions import db

    if db.engine.dialect.name == "postgresql":
        state = "DISABLE" if off else "ENABLE"
        db.session.execute(text(f"ALTER TABLE checkins {state} TRIGGER USER"))
    elif off:
        rows = db.session.execute(
            text(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'trigger' AND tbl_name = 'checkins'"
            )
        )
        saved.update({name: sql for name, sql in rows})
        for name in saved:
            db.session.execute(text(f"DROP TRIGGER {name}"))
    else:
        for sql in saved.values():
            db.session.execute(text(sql))
        saved.clear()
    db.session.commit()


def trigger_cost(event_id: int, codes_file: Path, blocks: int, per_block: int) -> dict[str, Any]:
    """The scan path with and without the version triggers, in alternating blocks, in this
    process (on SQLite that is all of a check-in's CPU; on PostgreSQL the server's is not
    counted here): CPU and wall milliseconds per check-in, service call and commit."""
    from tracker.auth.models import User
    from tracker.checkin import services as checkin
    from tracker.db import utcnow
    from tracker.events.models import Event
    from tracker.extensions import db

    app = _app()
    codes = iter(codes_file.read_text().split())
    results: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
    with app.app_context():
        event = db.session.get(Event, event_id)
        staff = db.session.query(User).filter_by(email="staff@bench.example").first()
        saved: dict[str, str] = {}
        state = False
        for block in range(blocks * 2):
            off = block % 4 in (1, 2)  # ABBA: neither side always goes first
            if off != state:
                _triggers_off(off, saved)
                state = off
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(per_block):
                scan = checkin.ScanInput(code=next(codes), gate="A", device="ab")
                checkin.check_in(event, scan, staff, utcnow())
                db.session.commit()
            done = (time.process_time() - cpu, time.perf_counter() - wall)
            results["without" if off else "with"].append(done)
        if state:
            _triggers_off(False, saved)
    return {
        key: {
            "cpu_ms": round(sum(c for c, _ in v) * 1000 / (len(v) * per_block), 3),
            "wall_ms": round(sum(w for _, w in v) * 1000 / (len(v) * per_block), 3),
            "blocks_cpu_ms": [round(c * 1000 / per_block, 3) for c, _ in v],
        }
        for key, v in results.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_tasks")
    sub = parser.add_subparsers(dest="command", required=True)
    seeding = sub.add_parser("seed")
    seeding.add_argument("--sizes", default="2000,20000,200000")
    seeding.add_argument("--codes-dir", type=Path, required=True)
    cost = sub.add_parser("trigger-cost")
    cost.add_argument("--event", type=int, required=True)
    cost.add_argument("--codes", type=Path, required=True)
    cost.add_argument("--blocks", type=int, default=4)
    cost.add_argument("--per-block", type=int, default=200)
    args = parser.parse_args(argv)
    if args.command == "trigger-cost":
        print(json.dumps(trigger_cost(args.event, args.codes, args.blocks, args.per_block)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(json.dumps(seed(sizes, args.codes_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
