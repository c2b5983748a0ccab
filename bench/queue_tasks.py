"""The benchmark's jobs for the job queue: ``python -m bench.queue_tasks``, one subprocess each.

    certificates  a training of N people who all checked in: issue their certificates (timed),
                  then a real worker process (``flask worker --once``) renders them all as one
                  PDF from the queue; its time and its peak memory
    messages      queue a reminder by e-mail to N people (timed: the two statements and the
                  commit); nothing is sent

Each prints one JSON line. The queue is a SQLite file (QUEUE_URL), as under ``make run``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.tasks import _app, _emit, cpu_now, peak_mb, person

FLASK = str(Path(sys.executable).with_name("flask"))
ROOT = Path(__file__).resolve().parent.parent


def _training(count: int, title: str) -> int:
    """A three-day training that ended yesterday, everyone checked in, with a design."""
    import random
    from datetime import time as time_of_day
    from zoneinfo import ZoneInfo

    from sqlalchemy import insert, select

    from tracker.certificates.services import DesignInput, save_design
    from tracker.checkin.models import CheckIn, CheckInDay
    from tracker.db import insert_many, utcnow
    from tracker.events.days import event_dates, local_moment
    from tracker.events.models import Participant
    from tracker.events.registration import ParticipantInput, register_participants
    from tracker.events.services import EventInput, create_event
    from tracker.extensions import db

    now = utcnow()
    event = create_event(
        EventInput(
            title=title,
            organiser_unit="Diskominfo Kabupaten Tabanan",
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(days=1),
            status="closed",
        ),
        None,
    )
    rng = random.Random(15)
    people = [ParticipantInput(**person(i, rng, "cert.example")) for i in range(1, count + 1)]
    register_participants(event, people, now - timedelta(days=4), source="bench")
    ids = db.session.scalars(select(Participant.id).where(Participant.event_id == event.id))
    rows = [
        {
            "event_id": event.id,
            "participant_id": pid,
            "checked_in_at": event.starts_at,
            "recorded_at": event.starts_at,
            "method": "scanner",
        }
        for pid in ids
    ]
    insert_many(insert(CheckIn), rows)
    # Present on every day of the training (the completion rule's default), each at 09:00.
    days = event_dates(event.starts_at, event.ends_at, event.timezone)
    zone = ZoneInfo(event.timezone)
    db.session.execute(
        insert(CheckInDay),
        [
            {
                "event_id": event.id,
                "participant_id": row["participant_id"],
                "day": day,
                "first_in_at": local_moment(day, time_of_day(9), zone),
            }
            for row in rows
            for day in days
        ],
    )
    design = DesignInput(
        title="SERTIFIKAT",
        body="Atas partisipasinya sebagai {role} dalam {event} yang diselenggarakan oleh "
        "{organiser} pada {dates}, dengan jumlah {jp} jam pelajaran (JP).",
        jp="32",
        place="Tabanan",
        signer_name="I Gede Made Artawan, S.Sos., M.Si.",
        signer_position="Kepala Dinas Komunikasi dan Informatika Kabupaten Tabanan",
        signer_nip="197501012000031001",
    )
    save_design(event, design, None, now)
    db.session.commit()
    return event.id


def certificates(count: int) -> dict[str, Any]:
    from sqlalchemy import select

    from tracker.certificates.jobs import BUNDLE
    from tracker.certificates.models import CertificateBundle
    from tracker.certificates.services import issue_all
    from tracker.db import utcnow
    from tracker.events.models import Event
    from tracker.extensions import db
    from tracker.jobs import enqueue
    from tracker.storage import get_storage

    app = _app()
    with app.app_context():
        event_id = _training(count, f"Bimtek sertifikat {count}")
        started, cpu = time.perf_counter(), cpu_now()
        issued = issue_all(db.session.get(Event, event_id), None, utcnow())
        db.session.commit()
        issue_seconds = time.perf_counter() - started
        bundle = CertificateBundle(
            event_id=event_id,
            format="pdf",
            status="queued",
            base_url="https://bench.example",
            requested_at=utcnow(),
        )
        db.session.add(bundle)
        db.session.commit()
        enqueue(BUNDLE, bundle.id)
        bundle_id = bundle.id
    worker_started = time.perf_counter()
    done = subprocess.run(
        [FLASK, "--app", "wsgi", "worker", "--once"],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    worker_seconds = time.perf_counter() - worker_started
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    with app.app_context():
        bundle = db.session.scalar(
            select(CertificateBundle).where(CertificateBundle.id == bundle_id)
        )
        size = len(get_storage().open(bundle.storage_key)) if bundle.status == "ready" else 0
        return {
            "certificates": count,
            "issued": issued,
            "issue_seconds": issue_seconds,
            "issue_cpu_seconds": cpu_now() - cpu,
            "render_seconds": worker_seconds,
            "seconds": issue_seconds + worker_seconds,
            "status": bundle.status,
            "pages": bundle.count,
            "bytes": size,
            "worker_peak_mb": worker_peak,
            "task_peak_mb": peak_mb(),
        }


def messages(count: int) -> dict[str, Any]:
    from tracker.db import utcnow
    from tracker.events.models import Event
    from tracker.extensions import db
    from tracker.messages.services import MessageInput, queue_message, status_counts
    from tracker.messages.texts import default_text

    app = _app()
    app.config.update(SMTP_URL="smtp://127.0.0.1:1", MAIL_FROM="bench@bench.example")
    with app.app_context():
        event_id = _training(count, f"Bimtek pesan {count}")
        event = db.session.get(Event, event_id)
        subject, body = default_text("reminder", "id")
        data = MessageInput("reminder", "email", subject, body)
        started, cpu = time.perf_counter(), cpu_now()
        message = queue_message(event, data, None, utcnow(), "https://bench.example")
        db.session.commit()
        seconds = time.perf_counter() - started
        return {
            "messages": count,
            "queued": status_counts([message.id])[message.id].get("queued", 0),
            "seconds": seconds,
            "cpu_seconds": cpu_now() - cpu,
            "peak_mb": peak_mb(),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.queue_tasks", description=__doc__)
    parser.add_argument("task", choices=["certificates", "messages"])
    parser.add_argument("--count", type=int, default=2_000)
    args = parser.parse_args(argv)
    _emit(certificates(args.count) if args.task == "certificates" else messages(args.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
