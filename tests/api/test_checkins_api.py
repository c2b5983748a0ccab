"""The check-in API: every answer a door device can get, and the lists it works from."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import open_event
from tracker.audit import AuditEntry
from tracker.checkin.attendance import ticket_digest
from tracker.checkin.models import CheckIn, Scan
from tracker.checkin.services import ScanInput, check_in
from tracker.db import utcnow
from tracker.events.registration import reissue_ticket
from tracker.extensions import db


def _url(event, suffix="checkins"):
    return f"/api/v1/events/{event.id}/{suffix}"


@pytest.fixture
def door(app, users):
    event, people = open_event()
    return event, people


def test_scan_checks_in_then_answers_already(door, api):
    event, (wayan, *_rest) = door
    staff = api("staff")
    first = staff.post(
        _url(event), json={"code": wayan.ticket_code, "brought_tumbler": True, "gate": "Pintu A"}
    )
    assert first.status_code == 201, first.json
    body = first.json
    assert body["status"] == "checked_in"
    assert body["participant"] == {
        "id": wayan.id,
        "name": "I Wayan Sudarsana",
        "agency": "Dinas Kesehatan Kabupaten Tabanan",
        "category": "participant",
    }
    assert body["gate"] == "Pintu A"
    assert body["checked_in_at"].endswith("+08:00")  # the event's zone, WITA

    second = staff.post(_url(event), json={"code": wayan.ticket_code, "gate": "Pintu B"})
    assert second.status_code == 200
    assert second.json["status"] == "already_checked_in"
    assert second.json["gate"] == "Pintu A"  # the first check-in's gate and time
    assert second.json["checked_in_at"] == body["checked_in_at"]

    checkin = db.session.scalar(select(CheckIn))
    assert checkin.brought_tumbler is True
    assert checkin.method == "scanner"
    assert checkin.staff_id is not None
    results = db.session.scalars(select(Scan.result).order_by(Scan.id)).all()
    assert results == ["checked_in", "already_checked_in"]


def test_a_whole_ticket_url_is_accepted(door, api):
    event, (wayan, *_rest) = door
    url = f"https://tracker.example/t/{wayan.ticket_code}?utm=wa"
    answer = api("staff").post(_url(event), json={"code": url, "device": "HP Pintu A"})
    assert answer.status_code == 201
    assert db.session.scalar(select(CheckIn.device)) == "HP Pintu A"


def test_unknown_code_is_404_invalid_and_logged(door, api):
    event, _people = door
    answer = api("staff").post(_url(event), json={"code": "not-a-real-ticket-code-x"})
    assert answer.status_code == 404
    assert answer.json["status"] == "invalid"
    assert answer.json["error"]["code"] == "invalid"
    scan = db.session.scalar(select(Scan))
    assert scan.result == "invalid"
    assert scan.code_prefix == "not-a-"  # enough to trace, never the whole code
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_ticket_of_another_event_is_409_wrong_event(door, api):
    event, _people = door
    other, (stranger, *_rest) = open_event("Rapat Koordinasi")
    answer = api("staff").post(_url(event), json={"code": stranger.ticket_code})
    assert answer.status_code == 409
    assert answer.json["status"] == "wrong_event"
    assert answer.json["ticket_event_id"] == other.id
    assert answer.json["error"]["code"] == "wrong_event"
    assert db.session.scalar(select(Scan.result)) == "wrong_event"


@pytest.mark.parametrize("how", ["draft", "closed", "before_window", "after_window"])
def test_event_not_open_is_409_not_open(app, users, api, how):
    now = utcnow()
    if how in ("draft", "closed"):
        event, (wayan, *_rest) = open_event(status=how)
    elif how == "before_window":
        event, (wayan, *_rest) = open_event(starts_at=now + timedelta(days=1))
    else:
        event, (wayan, *_rest) = open_event(starts_at=now - timedelta(days=1))
    answer = api("staff").post(_url(event), json={"code": wayan.ticket_code})
    assert answer.status_code == 409
    assert answer.json["status"] == "not_open"
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0
    assert db.session.scalar(select(Scan.result)) == "not_open"


def test_retry_with_the_same_nonce_gets_the_same_answer(door, api):
    event, (wayan, *_rest) = door
    staff = api("staff")
    payload = {"code": wayan.ticket_code, "nonce": "dev1-0001", "gate": "A"}
    first = staff.post(_url(event), json=payload)
    again = staff.post(_url(event), json={**payload, "gate": "somewhere else"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json  # the very same answer
    assert again.json["checked_in_at"] == first.json["checked_in_at"]
    assert again.json["gate"] == "A"
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1  # not logged twice

    # A different nonce is a new scan: the duplicate.
    other = staff.post(_url(event), json={**payload, "nonce": "dev1-0002"})
    assert other.status_code == 200
    assert other.json["status"] == "already_checked_in"
    retry_other = staff.post(_url(event), json={**payload, "nonce": "dev1-0002"})
    assert retry_other.status_code == 200
    assert retry_other.json == other.json
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 2


def test_nonce_replays_failures_too(door, api):
    event, _people = door
    _other, (stranger, *_rest) = open_event("Rapat Lain")
    staff = api("staff")
    for payload, status in (
        ({"code": "AAAAAAAAAAAAAAAAAAAAAA", "nonce": "n-1"}, 404),
        ({"code": stranger.ticket_code, "nonce": "n-2"}, 409),
    ):
        first = staff.post(_url(event), json=payload)
        again = staff.post(_url(event), json=payload)
        assert (first.status_code, again.status_code) == (status, status)
        assert again.json == first.json
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 2


def test_earliest_offline_scan_wins(door, api):
    event, (wayan, *_rest) = door
    staff = api("staff")
    now = utcnow()
    late = staff.post(
        _url(event),
        json={
            "code": wayan.ticket_code,
            "gate": "B",
            "device": "laptop",
            "brought_tumbler": None,
            "scanned_at": (now - timedelta(minutes=5)).isoformat(),
        },
    )
    assert late.status_code == 201
    early = staff.post(
        _url(event),
        json={
            "code": wayan.ticket_code,
            "gate": "A",
            "device": "hp-offline",
            "brought_tumbler": True,
            "nonce": "offline-1",
            "scanned_at": (now - timedelta(minutes=20)).isoformat(),
        },
    )
    assert early.status_code == 201
    assert early.json["status"] == "checked_in"
    assert early.json["gate"] == "A"
    checkin = db.session.scalar(select(CheckIn))
    db.session.refresh(checkin)
    assert checkin.gate == "A" and checkin.device == "hp-offline"
    assert checkin.brought_tumbler is True
    assert abs(checkin.checked_in_at - (now - timedelta(minutes=20))) < timedelta(seconds=1)

    # A later scan after that is a duplicate, answered with the earliest time and gate.
    later = staff.post(
        _url(event),
        json={"code": wayan.ticket_code, "gate": "C", "scanned_at": now.isoformat()},
    )
    assert later.status_code == 200
    assert later.json["gate"] == "A"
    assert later.json["checked_in_at"] == early.json["checked_in_at"]


def test_scans_at_the_same_moment_do_not_take_over(door, api):
    """Two gates a second apart: one green, one amber, even if the second's clock says earlier."""
    event, (wayan, *_rest) = door
    staff = api("staff")
    now = utcnow()
    first = staff.post(
        _url(event), json={"code": wayan.ticket_code, "gate": "A", "scanned_at": now.isoformat()}
    )
    second = staff.post(
        _url(event),
        json={
            "code": wayan.ticket_code,
            "gate": "B",
            "scanned_at": (now - timedelta(seconds=1)).isoformat(),
        },
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json["gate"] == "A"


def test_earlier_scan_without_tumbler_answer_keeps_the_known_one(door, api):
    event, (wayan, *_rest) = door
    staff = api("staff")
    now = utcnow()
    staff.post(_url(event), json={"code": wayan.ticket_code, "brought_tumbler": False})
    staff.post(
        _url(event),
        json={
            "code": wayan.ticket_code,
            "scanned_at": (now - timedelta(minutes=3)).isoformat(),
        },
    )
    assert db.session.scalar(select(CheckIn.brought_tumbler)) is False


def test_future_scan_time_counts_as_now(door, api):
    event, (wayan, *_rest) = door
    before = utcnow()
    answer = api("staff").post(
        _url(event),
        json={
            "code": wayan.ticket_code,
            "scanned_at": (before + timedelta(hours=3)).isoformat(),
        },
    )
    assert answer.status_code == 201
    at = db.session.scalar(select(CheckIn.checked_in_at))
    assert before <= at <= utcnow()


def test_tumbler_answer_on_a_duplicate_fills_a_missing_one(door, api):
    event, (wayan, *_rest) = door
    staff = api("staff")
    staff.post(_url(event), json={"code": wayan.ticket_code})
    assert db.session.scalar(select(CheckIn.brought_tumbler)) is None
    staff.post(_url(event), json={"code": wayan.ticket_code, "brought_tumbler": True})
    assert db.session.scalar(select(CheckIn.brought_tumbler)) is True
    # ... but never overwrites one.
    staff.post(_url(event), json={"code": wayan.ticket_code, "brought_tumbler": False})
    assert db.session.scalar(select(CheckIn.brought_tumbler)) is True


def test_manual_check_in_by_participant_id(door, api):
    event, (wayan, luh, _made) = door
    answer = api("staff").post(
        _url(event), json={"participant_id": luh.id, "method": "manual", "gate": "Meja"}
    )
    assert answer.status_code == 201
    assert answer.json["participant"]["name"] == "Ni Luh Ariani"
    assert db.session.scalar(select(CheckIn.method)) == "manual"


def test_participant_id_of_another_event_is_invalid(door, api):
    event, _people = door
    _other, (stranger, *_rest) = open_event("Rapat Lain")
    answer = api("staff").post(_url(event), json={"participant_id": stranger.id})
    assert answer.status_code == 404
    assert answer.json["status"] == "invalid"


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"code": "x", "participant_id": 1},
        {"code": "x", "method": "door"},
        {"code": "x", "brought_tumbler": "maybe"},
        {"code": "x", "gate": "g" * 51},
    ],
)
def test_bad_bodies_are_422(door, api, payload):
    event, _people = door
    answer = api("staff").post(_url(event), json=payload)
    assert answer.status_code == 422
    assert answer.json["error"]["code"] == "validation_error"


def test_reissued_ticket_old_code_is_invalid(door, api):
    event, (wayan, *_rest) = door
    old = wayan.ticket_code
    reissue_ticket(wayan, utcnow())
    db.session.commit()
    staff = api("staff")
    assert staff.post(_url(event), json={"code": old}).status_code == 404
    assert staff.post(_url(event), json={"code": wayan.ticket_code}).status_code == 201


def test_roles_and_anonymous(door, api):
    event, (wayan, *_rest) = door
    assert api(None).post(_url(event), json={"code": wayan.ticket_code}).status_code == 401
    assert api(None).get(_url(event, "attendance")).status_code == 401
    staff = api("staff")
    staff.post(_url(event), json={"code": wayan.ticket_code})
    assert staff.delete(_url(event, f"checkins/{wayan.id}")).status_code == 403


def test_undo_is_audited_and_allows_a_new_check_in(door, api, users):
    event, (wayan, *_rest) = door
    staff, organiser = api("staff"), api("organiser")
    staff.post(_url(event), json={"code": wayan.ticket_code, "gate": "A", "brought_tumbler": True})
    answer = organiser.delete(_url(event, f"checkins/{wayan.id}"))
    assert answer.status_code == 200
    assert answer.json["status"] == "undone"
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin.undo"))
    assert entry.actor_id == users.organiser.id
    assert entry.subject_id == wayan.id and entry.event_id == event.id
    assert entry.details["gate"] == "A" and entry.details["brought_tumbler"] is True
    # Not checked in any more: a second undo is 404, and the ticket works again.
    assert organiser.delete(_url(event, f"checkins/{wayan.id}")).status_code == 404
    assert staff.post(_url(event), json={"code": wayan.ticket_code}).status_code == 201


def test_attendance_figures(door, api):
    event, (wayan, luh, made) = door
    staff = api("staff")
    staff.post(_url(event), json={"code": wayan.ticket_code, "brought_tumbler": True})
    staff.post(_url(event), json={"code": luh.ticket_code, "brought_tumbler": False})
    answer = staff.get(_url(event, "attendance"))
    assert answer.status_code == 200
    body = answer.json
    assert body["registered"] == 3 and body["checked_in"] == 2 and body["walk_ins"] == 0
    assert body["by_agency"]["Dinas Kesehatan Kabupaten Tabanan"] == {
        "registered": 2,
        "checked_in": 1,
    }
    assert body["by_category"]["speaker"] == {"registered": 1, "checked_in": 1}
    assert body["tumbler"] == {"yes": 1, "no": 1, "unknown": 0}
    assert sum(bucket["count"] for bucket in body["arrivals"]) == 2
    assert body["arrivals"][0]["from"].endswith("+08:00")
    assert [p["name"] for p in body["latest"]] == ["Ni Luh Ariani", "I Wayan Sudarsana"]


def test_ticket_list_for_the_offline_scanner(door, api):
    event, (wayan, luh, made) = door
    staff = api("staff")
    staff.post(_url(event), json={"code": luh.ticket_code})
    answer = staff.get(_url(event, "tickets"))
    assert answer.status_code == 200
    assert answer.json["event"]["id"] == event.id
    assert answer.json["event"]["status"] == "open"
    assert answer.json["digest"]["algorithm"] == "hmac-sha256-128"
    key = base64.urlsafe_b64decode(answer.json["digest"]["key"] + "==")
    tickets = {t["digest"]: t for t in answer.json["tickets"]}
    digest = {p.ticket_code: ticket_digest(key, p.ticket_code) for p in (wayan, luh, made)}
    assert set(tickets) == set(digest.values())
    assert tickets[digest[luh.ticket_code]]["checked_in_at"] is not None
    assert tickets[digest[wayan.ticket_code]]["checked_in_at"] is None
    assert tickets[digest[wayan.ticket_code]]["participant_id"] == wayan.id


def test_the_ticket_list_holds_no_code_and_no_contact_and_is_logged(door, api, users):
    """The harvest path of issue 13: a staff token listed every code, and each code opened the
    person's data page with phone and e-mail."""
    event, people = door
    answer = api("staff").get(_url(event, "tickets"))
    text = answer.get_data(as_text=True)
    for person in people:
        assert person.ticket_code not in text
        assert person.email not in text and person.phone not in text
    assert set(answer.json["tickets"][0]) == {
        "digest",
        "participant_id",
        "name",
        "agency",
        "category",
        "checked_in_at",
        "days",  # the days the person is in already: dates and times, no contact
    }
    again = api("staff").get(_url(event, "tickets")).json
    assert again["digest"]["key"] != answer.json["digest"]["key"]  # each list its own key
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "export.ticket_list")
    ).all()
    assert [(e.actor_id, e.event_id, e.details["tickets"]) for e in entries] == [
        (users.staff.id, event.id, 3),
        (users.staff.id, event.id, 3),
    ]


def test_search_by_name_or_agency(door, api):
    event, (wayan, luh, made) = door
    staff = api("staff")
    by_agency = staff.get(_url(event, "checkin-search") + "?q=kesehatan")
    assert {r["participant_id"] for r in by_agency.json["results"]} == {wayan.id, made.id}
    by_name = staff.get(_url(event, "checkin-search") + "?q=LUH")
    assert [r["name"] for r in by_name.json["results"]] == ["Ni Luh Ariani"]
    assert "code" not in by_name.json["results"][0]
    assert staff.get(_url(event, "checkin-search") + "?q=%25").status_code == 422
    assert staff.get(_url(event, "checkin-search") + "?q=%25%25").json["results"] == []


def test_every_checkin_route_is_in_the_openapi_description(app, api):
    spec = api(None).get("/api/v1/openapi.json").json
    for path, method in [
        ("/api/v1/events/{event_id}/checkins", "post"),
        ("/api/v1/events/{event_id}/checkins/{participant_id}", "delete"),
        ("/api/v1/events/{event_id}/attendance", "get"),
        ("/api/v1/events/{event_id}/tickets", "get"),
        ("/api/v1/events/{event_id}/checkin-search", "get"),
    ]:
        assert method in spec["paths"][path]
    assert "CheckInIn" in spec["components"]["schemas"]


def test_text_no_database_can_store_is_refused_never_a_500(door, api):
    event, (wayan, *_rest) = door
    staff = api("staff")
    code = wayan.ticket_code
    for raw in (
        '{"code": "' + code + '", "gate": "Pintu\\u0000A"}',
        '{"code": "' + code + '", "device": "\\ud800"}',
        '{"code": "\\ud800\\u0000"}',
    ):
        answer = staff.post(_url(event), data=raw, headers={"Content-Type": "application/json"})
        assert answer.status_code in (400, 422), raw
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_the_service_drops_what_no_database_can_store(door):
    """The door page and other callers reach the service without the API's checks."""
    event, (wayan, *_rest) = door
    scan = ScanInput(code=wayan.ticket_code, gate="Pintu\x00A", device="\ud800HP", nonce="\x00n")
    outcome = check_in(event, scan, None, utcnow())
    db.session.commit()
    assert outcome.gate == "PintuA"
    assert db.session.scalar(select(CheckIn.device)) == "?HP"
    assert db.session.scalar(select(Scan.nonce)) == "n"


def test_a_device_clock_reset_to_1970_cannot_rewrite_time(door, api):
    """A time before the window is refused (not replaced by the server's), whatever it is."""
    event, (wayan, luh, _made) = door
    staff = api("staff")
    for scanned_at in ("1970-01-01T00:00:05Z", "0001-01-01T00:00:00+14:00"):
        reset = staff.post(_url(event), json={"code": wayan.ticket_code, "scanned_at": scanned_at})
        assert reset.status_code == 409 and reset.json["status"] == "not_open"
    opens, _closes = event.checkin_window()
    early = staff.post(
        _url(event),
        json={"code": luh.ticket_code, "scanned_at": (opens - timedelta(hours=1)).isoformat()},
    )
    assert early.status_code == 409 and early.json["status"] == "not_open"
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_an_offline_scan_synced_after_the_grace_is_refused(door, api, clock):
    event, (wayan, luh, _made) = door
    _opens, closes = event.checkin_window()
    in_window = (closes - timedelta(hours=1)).isoformat()
    clock.move_to(closes + timedelta(hours=23))
    kept = api("staff").post(_url(event), json={"code": wayan.ticket_code, "scanned_at": in_window})
    assert kept.status_code == 201
    clock.move_to(closes + timedelta(hours=25))
    late = api("staff").post(_url(event), json={"code": luh.ticket_code, "scanned_at": in_window})
    assert late.status_code == 409 and late.json["status"] == "not_open"


def test_an_organiser_records_a_late_manual_check_in_with_a_reason(door, api, clock):
    event, (wayan, *_rest) = door
    _opens, closes = event.checkin_window()
    clock.move_to(closes + timedelta(days=2))
    body = {"participant_id": wayan.id, "late_reason": "Daftar hadir kertas, HP petugas mati"}
    refused = api("staff").post(_url(event), json=body)
    assert refused.status_code == 403
    plain = api("organiser").post(_url(event), json={"participant_id": wayan.id})
    assert plain.status_code == 409 and plain.json["status"] == "not_open"
    recorded = api("organiser").post(_url(event), json=body)
    assert recorded.status_code == 201, recorded.json
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin.late"))
    assert entry.details["reason"] == body["late_reason"]
    assert entry.subject_id == wayan.id and entry.actor_label == "organiser@diskominfo.test"
    assert db.session.scalar(select(CheckIn.method)) == "manual"


def test_earliest_wins_keeps_the_before_and_after_in_the_audit_log(door, api):
    event, (wayan, *_rest) = door
    staff = api("staff")
    assert staff.post(_url(event), json={"code": wayan.ticket_code, "gate": "B"}).status_code == 201
    earlier = (utcnow() - timedelta(minutes=30)).isoformat()
    moved = staff.post(
        _url(event),
        json={"code": wayan.ticket_code, "gate": "A", "device": "HP Wayan", "scanned_at": earlier},
    )
    assert moved.status_code == 201
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin.moved"))
    assert entry.details["before"]["gate"] == "B" and entry.details["after"]["gate"] == "A"
    assert entry.details["after"]["device"] == "HP Wayan"
    assert entry.details["before"]["checked_in_at"] > entry.details["after"]["checked_in_at"]
