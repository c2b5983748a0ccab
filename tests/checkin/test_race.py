"""Two gates, one ticket, the same moment: exactly one check-in, whatever the database.

Each thread has its own test client, so its own app context, session and connection: the
requests really run at once against the one database (PostgreSQL with TEST_DATABASE_URL,
else SQLite, where BEGIN IMMEDIATE makes the writers queue).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import ApiClient
from tests.factories import open_event
from tracker.auth.services import issue_token
from tracker.checkin import services
from tracker.checkin.models import CheckIn, Scan
from tracker.db import utcnow
from tracker.extensions import db


def _race(app, staff, path: str, payloads: list[dict]) -> list[tuple[int, dict]]:
    # One client (so one session and connection) and one token per gate, like real devices.
    # One shared token would serialise the requests on its "last used" row instead.
    tokens = [issue_token(staff, f"gate {i}") for i in range(len(payloads))]
    db.session.commit()
    clients = [ApiClient(app.test_client(), token) for token in tokens]
    barrier = threading.Barrier(len(payloads))
    answers: list[tuple[int, dict] | BaseException] = [None] * len(payloads)  # type: ignore[list-item]

    def gate(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            body = dict(payloads[index])
            if body.pop("stamp", False):  # the device's clock, as the scanner page sends it
                body["scanned_at"] = utcnow().isoformat()
            response = clients[index].post(path, json=body)
            answers[index] = (response.status_code, response.get_json())
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            answers[index] = exc

    threads = [threading.Thread(target=gate, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    return answers  # type: ignore[return-value]


@pytest.mark.parametrize("gates", [2, 8])
def test_simultaneous_scans_check_in_once(app, users, gates):
    event, (wayan, *_rest) = open_event()
    path = f"/api/v1/events/{event.id}/checkins"
    payloads = [
        {"code": wayan.ticket_code, "gate": f"Pintu {i}", "brought_tumbler": True, "stamp": i % 2}
        for i in range(gates)
    ]
    answers = _race(app, users.staff, path, payloads)

    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] * (gates - 1) + [201], answers
    winner = next(body for status, body in answers if status == 201)
    for status, body in answers:
        if status == 200:
            assert body["status"] == "already_checked_in"
            assert body["gate"] == winner["gate"]  # everyone is told who was first
            assert body["checked_in_at"] == winner["checked_in_at"]
    db.session.rollback()  # end this session's read snapshot (SQLite WAL) before counting
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    assert db.session.scalar(select(func.count()).select_from(Scan)) == gates  # all logged


def test_simultaneous_retries_of_one_scan_get_one_answer(app, users):
    event, (wayan, *_rest) = open_event()
    path = f"/api/v1/events/{event.id}/checkins"
    payload = {"code": wayan.ticket_code, "gate": "A", "nonce": "hp-a-17"}
    answers = _race(app, users.staff, path, [dict(payload) for _ in range(4)])
    assert [status for status, _body in answers] == [201] * 4, answers
    assert len({body["checked_in_at"] for _status, body in answers}) == 1
    db.session.rollback()  # end this session's read snapshot (SQLite WAL) before counting
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1


def _after_the_read(monkeypatch, meanwhile) -> None:
    """Run ``meanwhile(found)`` between the scan's read and its writes."""
    real_found = services._found

    def found_then(row, offset):
        found = real_found(row, offset)
        meanwhile(found)
        return found

    monkeypatch.setattr(services, "_found", found_then)


def test_losing_the_insert_race_becomes_already_checked_in(app, users, monkeypatch):
    """The ON CONFLICT path, made certain: the check-in exists but this request did not see it."""
    event, (wayan, *_rest) = open_event()
    first = services.check_in(
        event, services.ScanInput(code=wayan.ticket_code, gate="A"), None, utcnow()
    )
    db.session.commit()
    assert first.result == "checked_in"

    def stale(found):  # what a request read just before the other one committed
        found.checkin_id = found.checked_in_at = found.brought_tumbler = None

    _after_the_read(monkeypatch, stale)
    second = services.check_in(
        event, services.ScanInput(code=wayan.ticket_code, gate="B"), None, utcnow()
    )
    db.session.commit()

    assert second.result == "already_checked_in"
    assert second.gate == "A"
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    results = db.session.scalars(select(Scan.result).order_by(Scan.id)).all()
    assert results == ["checked_in", "already_checked_in"]  # the loser's scan survived


def test_a_check_in_undone_after_the_read_is_made_again(app, users, monkeypatch):
    """The other way round: the read saw a check-in that an organiser undid before the write."""
    event, (wayan, *_rest) = open_event()
    services.check_in(event, services.ScanInput(code=wayan.ticket_code, gate="A"), None, utcnow())
    db.session.commit()
    _after_the_read(
        monkeypatch, lambda _found: services.undo_check_in(event, wayan.id, None, utcnow())
    )
    again = services.check_in(
        event, services.ScanInput(code=wayan.ticket_code, gate="B"), None, utcnow()
    )
    db.session.commit()

    assert again.result == "checked_in"
    assert again.gate == "B"
    assert db.session.scalars(select(CheckIn.gate)).all() == ["B"]
    results = db.session.scalars(select(Scan.result).order_by(Scan.id)).all()
    assert results == ["checked_in", "checked_in"]  # the log row says what happened
