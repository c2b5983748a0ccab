"""Nothing is lost when the server dies: gunicorn is killed (SIGKILL, the whole process group)
in the middle of a rush of check-ins, restarted, and the doors go on.

Eight "door devices" (threads) check 400 participants in over real HTTP. A device that gets no
answer retries the same scan with the same nonce once the server is back, as the scanner app
does. Afterwards every check-in that was answered 201 is in the database, and nobody is
checked in twice: one row per participant, as many rows as participants answered.

Runs on SQLite (a file) and, with TEST_DATABASE_URL, on a PostgreSQL database of its own.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from tests.factories import UNIT, make_event
from tests.reliability.servers import Server, free_port, request
from tracker.auth.offices import create_office
from tracker.auth.services import create_user, issue_token
from tracker.db import utcnow
from tracker.events.registration import ParticipantInput, register_participants
from tracker.extensions import db

#: gunicorn runs in its own processes, at the real time: the event is built around it.
pytestmark = [pytest.mark.slow, pytest.mark.wall_clock]

PEOPLE = 400
DEVICES = 8
#: The server is killed once this many scans have been answered.
KILL_AFTER = 120
SECRET = "kill-test-secret"
#: Upper bounds, so a hang fails the test instead of stalling the suite.
RUN_SECONDS = 60


@dataclass
class Seeded:
    event_id: int
    codes: list[str]
    tokens: list[str]


def _seed(make_app, url: str) -> Seeded:
    """Build the schema with the migrations, then an open event with PEOPLE participants."""
    seed_app = make_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET)
    with seed_app.app_context():
        upgrade()
        office = create_office(UNIT, actor=None, now=utcnow())
        organiser = create_user(
            "panitia@diskominfo.test", "correct horse battery", "organiser", offices=[office]
        )
        event = make_event(
            organiser,
            starts_at=utcnow() + timedelta(hours=1),
            title="Sosialisasi Pergub Bali 97/2018",
        )
        people = [
            ParticipantInput(
                name=f"Peserta {i:03d}",
                agency=f"Dinas {i % 7}",
                email=f"peserta{i}@tabanankab.go.id",
            )
            for i in range(PEOPLE)
        ]
        registered = register_participants(event, people, utcnow(), source="test")
        tokens = [issue_token(organiser, f"pintu {i}") for i in range(DEVICES)]
        db.session.commit()
        seeded = Seeded(event.id, [p.ticket_code for p in registered], tokens)
        db.session.remove()
        db.engine.dispose()
    return seeded


@dataclass
class Door:
    """The scans still to do, and every answer the devices got."""

    queue: list[int]
    answers: dict[int, tuple[int, dict]] = field(default_factory=dict)
    unanswered: set[int] = field(default_factory=set)
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    back_up: threading.Event = field(default_factory=threading.Event)

    def next(self) -> int | None:
        with self.lock:
            return self.queue.pop() if self.queue else None


def _device(door: Door, seeded: Seeded, port: int, device: int, deadline: float) -> None:
    path = f"/api/v1/events/{seeded.event_id}/checkins"
    try:
        while (index := door.next()) is not None:
            scan = {
                "code": seeded.codes[index],
                "brought_tumbler": index % 3 != 0,
                "gate": f"Pintu {device}",
                "nonce": f"pintu-{device}-scan-{index}",  # the same nonce on every retry
            }
            while True:
                assert time.monotonic() < deadline, "the check-ins did not finish in time"
                try:
                    answer = request(port, "POST", path, scan, seeded.tokens[device])
                except (OSError, http.client.HTTPException):
                    with door.lock:
                        door.unanswered.add(index)
                    door.back_up.wait(timeout=max(0.0, deadline - time.monotonic()))
                    continue
                with door.lock:
                    door.answers[index] = answer
                break
    except BaseException as exc:  # noqa: BLE001 - re-raised by the test's thread
        door.errors.append(exc)


def _run_door(door: Door, seeded: Seeded, server: Server) -> None:
    deadline = time.monotonic() + RUN_SECONDS
    devices = [
        threading.Thread(target=_device, args=(door, seeded, server.port, i, deadline))
        for i in range(DEVICES)
    ]
    for device in devices:
        device.start()
    while len(door.answers) < KILL_AFTER and time.monotonic() < deadline and not door.errors:
        time.sleep(0.005)
    server.kill()  # mid-rush: eight devices have scans in flight
    server.start()
    door.back_up.set()
    for device in devices:
        device.join(timeout=max(1.0, deadline - time.monotonic()))
    if door.errors:
        raise door.errors[0]
    assert not any(device.is_alive() for device in devices), "a device hung"


def _rows(url: str) -> list[tuple[int, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [
                (row[0], row[1])
                for row in conn.execute(
                    text(
                        "SELECT c.participant_id, p.ticket_code FROM checkins c "
                        "JOIN participants p ON p.id = c.participant_id"
                    )
                )
            ]
    finally:
        engine.dispose()


def test_killing_the_server_mid_rush_loses_and_doubles_nothing(
    make_app, fresh_database_url, tmp_path
):
    seeded = _seed(make_app, fresh_database_url)
    server = Server(fresh_database_url, free_port(), tmp_path / "gunicorn.log", SECRET)
    door = Door(queue=list(range(PEOPLE)))
    server.start()
    try:
        _run_door(door, seeded, server)
    finally:
        server.stop()

    # The crash really happened mid-rush: some scans got no answer and were retried.
    assert door.unanswered, "no scan was in flight when the server was killed"
    assert len(door.answers) == PEOPLE
    bad = {i: a for i, a in door.answers.items() if a[0] not in (200, 201)}
    assert bad == {}
    assert {a[1]["status"] for a in door.answers.values()} <= {"checked_in", "already_checked_in"}

    rows = _rows(fresh_database_url)
    participant_ids = [participant_id for participant_id, _code in rows]
    assert len(participant_ids) == len(set(participant_ids)), "a participant was checked in twice"
    in_database = {code for _id, code in rows}
    answered = {seeded.codes[i] for i in door.answers}
    confirmed = {seeded.codes[i] for i, (status, _body) in door.answers.items() if status == 201}
    assert confirmed <= in_database, "a check-in answered 201 was lost"
    assert in_database == answered
    assert len(rows) == len(answered) == PEOPLE
    # A retry of a scan the dead server had already committed got the first answer back.
    for index in door.unanswered:
        status, body = door.answers[index]
        assert body["participant"]["name"] == f"Peserta {index:03d}"
