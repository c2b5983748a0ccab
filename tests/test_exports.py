"""Every export of personal data is logged the one way (``audit.log_export``), and an export
never fails because the door is busy.

An export is a GET that has read before it writes its audit entry. On SQLite, a write inside
that read transaction fails at once ("database is locked") when a scan committed in between;
the entry is written in a transaction of its own instead. Each test runs an export and makes a
scan commit at exactly that moment, between the export's reads and its entry.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.conftest import log_in
from tests.factories import open_event
from tracker import audit
from tracker.audit import AuditEntry
from tracker.extensions import db
from tracker.privacy.services import record_request


@pytest.fixture
def training(app, users):
    return open_event()


def _export_paths(event, person, request_id) -> dict[str, str]:
    base = f"/events/{event.id}"
    return {
        "export.tickets_pdf": f"{base}/tickets.pdf",
        "export.ticket_links_csv": f"{base}/ticket-links.csv",
        "export.summary_pdf": f"{base}/summary.pdf",
        "export.summary_xlsx": f"{base}/summary.xlsx",
        "export.summary_csv": f"{base}/summary.csv",
        "export.daftar_hadir_pdf": f"{base}/daftar-hadir/1/participant.pdf",
        "export.daftar_hadir_xlsx": f"{base}/daftar-hadir/1/participant.xlsx",
        "export.person_json": f"/privacy/requests/{request_id}/export.json",
        "export.ticket_list": f"/api/v1/events/{event.id}/tickets",
    }


def _scan_meanwhile(monkeypatch, api, event, person) -> list[int]:
    """Before the export's entry is written, a gate scans a ticket (another connection, another
    thread, committed): the moment that made printing fail."""
    statuses: list[int] = []
    real = audit.log_export
    gate = api("staff")
    path, scan = f"/api/v1/events/{event.id}/checkins", {"code": person.ticket_code}

    def log_after_a_scan(*args, **kwargs):
        thread = threading.Thread(
            target=lambda: statuses.append(gate.post(path, json=scan).status_code)
        )
        thread.start()
        thread.join(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "log_export", log_after_a_scan)
    return statuses


@pytest.mark.parametrize(
    "action",
    [
        "export.tickets_pdf",
        "export.ticket_links_csv",
        "export.summary_pdf",
        "export.summary_xlsx",
        "export.summary_csv",
        "export.daftar_hadir_pdf",
        "export.daftar_hadir_xlsx",
        "export.person_json",
        "export.ticket_list",
    ],
)
def test_an_export_and_a_scan_at_the_same_moment_both_succeed(
    action, training, users, client, api, monkeypatch
):
    event, (wayan, luh, _made) = training
    request_id = record_request(luh, "access", "", event.starts_at, actor=users.organiser).id
    db.session.commit()
    statuses = _scan_meanwhile(monkeypatch, api, event, wayan)

    answer = log_in(client, users.organiser).get(_export_paths(event, luh, request_id)[action])

    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert statuses == [201]  # the scan happened in between, and got in too
    db.session.rollback()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == action))
    assert entry is not None and entry.actor_id == users.organiser.id


def test_a_participants_own_export_is_logged_the_same_way(training, client, api, monkeypatch):
    event, (wayan, luh, _made) = training
    statuses = _scan_meanwhile(monkeypatch, api, event, wayan)
    answer = client.get(f"/t/{luh.ticket_code}/data.json")
    assert answer.status_code == 200
    assert statuses == [201]
    db.session.rollback()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.person_json"))
    assert (entry.actor_label, entry.subject_id) == ("participant", luh.id)
