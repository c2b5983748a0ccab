"""The scan's path through the database: what it sends, in which order, and what it holds.

The door's busiest moment is bounded by what one scan costs, so the statements are counted
here (timings are for ``make bench``): one read, then the scan's log row, the check-in and its
day (a later scan reads its day's row first). On SQLite the write lock is taken after the
read (``@writes_late``), and writers queue on a lock file instead of polling SQLite's lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, update

from tests.conftest import ApiClient, log_in
from tests.factories import open_event
from tracker.auth.models import ApiToken
from tracker.auth.services import issue_token
from tracker.checkin.models import CheckIn, Scan
from tracker.db import WriterQueueConnection, utcnow
from tracker.extensions import db


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL the app sends meanwhile, each reduced to its first words."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        words = statement.split()
        head = " ".join(words[:2]) if words[0] == "BEGIN" else words[0]
        if statement.strip() != "SELECT 1":  # a pool's ping, where the database has one
            sent.append(head if head != "INSERT" else f"INSERT {words[2]}")

    sa_event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", note)


def _scanner(app, staff) -> ApiClient:
    token = issue_token(staff, "gate A")
    db.session.commit()
    return ApiClient(app.test_client(), token)


def test_a_new_scan_is_one_read_then_three_inserts(app, users):
    event, (wayan, luh, _made) = open_event()
    scanner = _scanner(app, users.staff)
    path = f"/api/v1/events/{event.id}/checkins"
    assert scanner.post(path, json={"code": luh.ticket_code}).status_code == 201  # token noted

    scan = {"code": wayan.ticket_code, "nonce": "n-1"}
    with statements() as sent:
        answer = scanner.post(path, json=scan)

    assert answer.status_code == 201
    # The token with the caller's role in the event's office (auth.access), the scan's read.
    _two_reads_then_three_inserts(sent)


def _two_reads_then_three_inserts(sent: list[str]) -> None:
    """Two reads; then the scan's log row, the check-in and the day's row (no read of the
    day: nobody is in yet)."""
    reads = ["SELECT", "SELECT"]
    writes = ["INSERT scans", "INSERT checkins", "INSERT checkin_days"]
    if db.engine.dialect.name == "sqlite":
        # The reads run before the write lock is asked for; the lock is held for the inserts.
        assert sent == [*reads, "BEGIN IMMEDIATE", *writes], sent
    else:
        assert sent == [*reads, *writes], sent


def test_a_phone_logged_in_by_its_cookie_reads_its_login_in_one_statement(app, users):
    """The door phone's own path (the scanner page: session cookie and CSRF header): its login
    session, account, the staff idle limit and its role in the event's office are one read,
    then as with a token."""
    event, (wayan, luh, _made) = open_event()
    phone = log_in(app.test_client(), users.staff)
    path = f"/api/v1/events/{event.id}/checkins"
    token = phone.get(f"/events/{event.id}/scan/token").get_json()["csrf_token"]
    csrf = {"X-CSRFToken": token}
    assert phone.post(path, json={"code": luh.ticket_code}, headers=csrf).status_code == 201
    scan = {"code": wayan.ticket_code}  # read here: the test's own session reloads it

    with statements() as sent:
        answer = phone.post(path, json=scan, headers=csrf)

    assert answer.status_code == 201
    # The login (session, account, idle limit and the role in the event's office in one),
    # the scan's read.
    _two_reads_then_three_inserts(sent)


def test_a_duplicate_and_an_unknown_code_write_only_their_log_row(app, users):
    event, (wayan, *_rest) = open_event()
    scanner = _scanner(app, users.staff)
    path = f"/api/v1/events/{event.id}/checkins"
    scan = {"code": wayan.ticket_code}
    assert scanner.post(path, json=scan).status_code == 201

    with statements() as duplicate:
        assert scanner.post(path, json=scan).status_code == 200
    with statements() as unknown:
        assert scanner.post(path, json={"code": "no-such-ticket"}).status_code == 404

    assert [s for s in duplicate if s.startswith(("INSERT", "UPDATE"))] == ["INSERT scans"]
    # The token with the caller's role in the office, the scan's read, the day's row; after
    # the lock, the check-in again.
    assert duplicate.count("SELECT") == 4
    assert [s for s in unknown if s.startswith(("INSERT", "UPDATE"))] == ["INSERT scans"]


def test_a_retry_after_an_undo_gets_the_first_answer_and_checks_nobody_in(app, users, api):
    event, (wayan, *_rest) = open_event()
    scanner = _scanner(app, users.staff)
    path = f"/api/v1/events/{event.id}/checkins"
    scan = {"code": wayan.ticket_code, "gate": "A", "nonce": "lost-answer-1"}
    first = scanner.post(path, json=scan)
    assert first.status_code == 201
    assert api("organiser").delete(f"{path}/{wayan.id}").status_code == 200

    retry = scanner.post(path, json=scan)  # the device never saw the first answer

    assert retry.status_code == 201
    assert retry.get_json()["checked_in_at"] == first.get_json()["checked_in_at"]
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0  # still undone
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1


def test_a_scan_notes_its_tokens_use_with_its_writes(app, users):
    event, (wayan, *_rest) = open_event()
    scanner = _scanner(app, users.staff)
    long_ago = utcnow() - timedelta(days=3)
    db.session.execute(update(ApiToken).values(last_used_at=long_ago))
    db.session.commit()

    answer = scanner.post(f"/api/v1/events/{event.id}/checkins", json={"code": wayan.ticket_code})

    assert answer.status_code == 201
    noted = db.session.scalar(select(ApiToken.last_used_at))
    assert noted is not None and noted > long_ago + timedelta(days=2)


def test_a_failed_scan_request_writes_nothing(app, users):
    event, _people = open_event()
    scanner = _scanner(app, users.staff)
    answer = scanner.post(f"/api/v1/events/{event.id}/checkins", json={"code": ""})
    assert answer.status_code == 422
    missing = scanner.post("/api/v1/events/999999/checkins", json={"code": "abc"})
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0


# --- the writers' queue (SQLite) ---------------------------------------------------------------


@pytest.fixture
def sqlite_file(tmp_path):
    path = tmp_path / "queue.db"
    setup = WriterQueueConnection(str(path), isolation_level=None, check_same_thread=False)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (n INTEGER)")
    setup.close()
    return str(path)


def _writer(path: str) -> WriterQueueConnection:
    conn = WriterQueueConnection(path, isolation_level=None, check_same_thread=False, timeout=15)
    return conn


def _begin(conn: WriterQueueConnection) -> None:
    conn.queue_for_write()
    conn.execute("BEGIN IMMEDIATE")


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_a_second_writer_waits_for_the_first_to_end(sqlite_file, end):
    first, second = _writer(sqlite_file), _writer(sqlite_file)
    _begin(first)
    first.execute("INSERT INTO t VALUES (1)")
    entered = threading.Event()

    def other_gate() -> None:
        _begin(second)
        entered.set()
        second.execute("INSERT INTO t VALUES (2)")
        second.commit()

    thread = threading.Thread(target=other_gate)
    thread.start()
    assert not entered.wait(0.3)  # queued in the kernel, not failing and not polling SQLite
    getattr(first, end)()
    assert entered.wait(5)
    thread.join(5)
    check = _writer(sqlite_file)
    expected = [1, 2] if end == "commit" else [2]
    assert [n for (n,) in check.execute("SELECT n FROM t ORDER BY n")] == expected
    for conn in (first, second, check):
        conn.close()


def test_a_thread_does_not_queue_behind_its_own_open_write(sqlite_file):
    mine, again = _writer(sqlite_file), _writer(sqlite_file)
    _begin(mine)
    again.execute("PRAGMA busy_timeout=100")
    started = time.monotonic()
    with pytest.raises(Exception, match="locked"):  # SQLite's own answer, not a hang
        _begin(again)
    assert time.monotonic() - started < 5
    mine.rollback()
    _begin(again)  # free again
    again.rollback()
    mine.close()
    again.close()
