"""The certificates API: issue (idempotent), list, revoke with a reason, one PDF."""

from __future__ import annotations

from tests.certificates.helpers import finished_training


def test_issue_list_revoke(api, clock):
    event, people = finished_training(clock, people=3, checked_in=2)
    organiser = api("organiser")
    first = organiser.post(f"/api/v1/events/{event.id}/certificates")
    assert first.status_code == 201 and first.get_json()["issued"] == 2
    again = organiser.post(f"/api/v1/events/{event.id}/certificates")
    assert again.status_code == 200 and again.get_json()["issued"] == 0
    listed = organiser.get(f"/api/v1/events/{event.id}/certificates").get_json()["certificates"]
    assert len(listed) == 2
    one = listed[0]
    assert one["number"] == "001/SERT/2026" and one["status"] == "valid"
    assert one["participant"]["id"] in {people[0].id, people[1].id}
    assert "/v/" in one["verify_url"] and one["pdf_url"].endswith(".pdf")
    pdf = organiser.get(one["pdf_url"].split("localhost", 1)[1])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    path = f"/api/v1/events/{event.id}/certificates/{one['id']}"
    no_reason = organiser.delete(path, json={})
    assert no_reason.status_code == 422
    revoked = organiser.delete(path, json={"reason": "Titip absen"})
    assert revoked.status_code == 200 and revoked.get_json()["certificate"]["status"] == "revoked"
    assert organiser.delete(path, json={"reason": "again"}).status_code == 409
    gone = organiser.get(f"{path}.pdf")
    assert gone.status_code == 410 and gone.get_json()["error"]["code"] == "revoked"


def test_before_the_end_the_api_says_why(api, app):
    from tests.factories import make_event

    event = make_event()
    answer = api("organiser").post(f"/api/v1/events/{event.id}/certificates")
    assert answer.status_code == 409 and answer.get_json()["error"]["message"]


def test_staff_may_not(api, clock):
    event, _ = finished_training(clock, people=1, checked_in=1)
    assert api("staff").post(f"/api/v1/events/{event.id}/certificates").status_code == 403
