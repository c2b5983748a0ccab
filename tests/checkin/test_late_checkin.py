"""An organiser records a late manual check-in from the participants page, with a reason."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.conftest import log_in
from tests.factories import open_event
from tracker.audit import AuditEntry
from tracker.checkin.models import CheckIn
from tracker.extensions import db


def test_a_late_check_in_after_the_door_closed(client, users, clock):
    event, (wayan, *_rest) = open_event()
    _opens, closes = event.checkin_window()
    clock.move_to(closes + timedelta(days=1))
    path = f"/events/{event.id}/participants/{wayan.id}/late-checkin"
    assert log_in(client, users.staff).get(path).status_code == 403
    log_in(client, users.organiser)
    assert path in client.get(f"/events/{event.id}/participants").get_data(as_text=True)
    assert client.get(path).status_code == 200
    refused = client.post(path, data={"reason": ""})
    assert refused.status_code == 200 and db.session.scalar(select(CheckIn.id)) is None
    arrived = (closes - timedelta(hours=5)).replace(second=0, microsecond=0)
    local = arrived.astimezone(ZoneInfo(event.timezone)).strftime("%Y-%m-%dT%H:%M")
    done = client.post(
        path,
        data={"reason": "Tanda tangan di daftar kertas", "arrived_at": local},
    )
    assert done.status_code == 302
    checkin = db.session.scalar(select(CheckIn))
    assert checkin.method == "manual" and checkin.checked_in_at == arrived
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin.late"))
    assert entry.details["reason"] == "Tanda tangan di daftar kertas"
    assert entry.actor_id == users.organiser.id
