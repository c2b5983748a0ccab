"""Attendance per person on a three-day training with sessions (issue 14): days present,
sessions, hours inside, JP earned, the completion rule, the participants' filters, the API,
and the certificates' eligibility. Runs on SQLite and PostgreSQL like the whole suite."""

from __future__ import annotations

from datetime import date, time

import pytest

from tests.clock import wita
from tests.factories import PEOPLE, make_event, register
from tracker.certificates.eligibility import completed
from tracker.checkin import services
from tracker.checkin.presence import Filter, attendance_list, presence
from tracker.checkin.services import ScanInput, ScanKind
from tracker.events.agenda import SessionInput, add_session, set_completion_rule
from tracker.extensions import db

DAYS = [date(2026, 7, 21), date(2026, 7, 22), date(2026, 7, 23)]


@pytest.fixture
def bimtek(app):
    """A Bimtek from Tuesday 08:00 to Thursday 16:00 WITA: each day a morning session (3 JP,
    scanned at its door on Tuesday only) and an afternoon one (2 JP); 15 JP in all."""
    event = make_event(starts_at=wita(2026, 7, 21, 8), hours=24 * 2 + 8)
    people = register(event, PEOPLE)
    sessions = {}
    for n, day in enumerate(DAYS):
        morning = SessionInput(f"Materi {n + 1}A", day, time(9), time(12), jp=3)
        afternoon = SessionInput(f"Materi {n + 1}B", day, time(13), time(15), jp=2)
        sessions[day] = (
            add_session(event, morning, None, wita(2026, 7, 20)),
            add_session(event, afternoon, None, wita(2026, 7, 20)),
        )
    db.session.commit()
    return event, people, sessions


def _scan(event, person, at, kind=ScanKind.ENTRY, session=None):
    scan = ScanInput(code=person.ticket_code, kind=kind, session_id=session, scanned_at=at)
    outcome = services.check_in(event, scan, None, at)
    db.session.commit()
    return outcome


def _day(d: date, hour: int, minute: int = 0):
    return wita(d.year, d.month, d.day, hour, minute)


def test_days_sessions_hours_and_jp_per_person(bimtek):
    event, (wayan, luh, made), sessions = bimtek
    for d in DAYS:  # Wayan: every day, scanned out at 15:30
        _scan(event, wayan, _day(d, 8, 30))
        _scan(event, wayan, _day(d, 15, 30), kind=ScanKind.EXIT)
    _scan(event, wayan, _day(DAYS[0], 9, 5), session=sessions[DAYS[0]][0].id)
    _scan(event, made, _day(DAYS[0], 8, 40))  # Made: Tuesday and Wednesday morning only
    _scan(event, made, _day(DAYS[1], 8, 40))
    _scan(event, made, _day(DAYS[1], 11, 0), kind=ScanKind.EXIT)

    measured = presence(event)
    w, m = measured.of(wayan.id), measured.of(made.id)
    assert (w.days_present, w.hours_inside, w.jp, w.completed) == (3, 21.0, 15, True)
    # Tuesday's morning session was scanned at its door, and Made was not scanned there.
    assert sessions[DAYS[0]][0].id not in m.sessions
    assert sessions[DAYS[1]][0].id in m.sessions  # Wednesday's: in before it ended
    assert sessions[DAYS[1]][1].id not in m.sessions  # out at 11:00, before 13:00
    # Tuesday never scanned out: counted to its door's closing (16:00), 7.33 h; Wednesday 2.33 h.
    assert (m.days_present, m.jp, m.completed, m.hours_inside) == (2, 5, False, 9.67)
    assert m.no_exit_days == [DAYS[0]]
    assert measured.of(luh.id).days_present == 0
    assert completed(event, _day(DAYS[2], 16)) == {wayan.id}

    set_completion_rule(event, "jp_percent", 30, None, _day(DAYS[2], 16))
    db.session.commit()
    assert presence(event).needed_jp() == 5  # 30 % of 15
    assert completed(event, _day(DAYS[2], 16)) == {wayan.id, made.id}


def test_the_participants_filters(bimtek):
    event, (wayan, luh, made), _sessions = bimtek
    for d in DAYS:
        _scan(event, wayan, _day(d, 8))
    _scan(event, made, _day(DAYS[0], 8))

    def names(wanted, day=None):
        return {row.name for row in attendance_list(event, wanted, day)[1]}

    assert names(Filter.PRESENT, DAYS[1]) == {wayan.name}
    assert names(Filter.NOT_ARRIVED, DAYS[1]) == {luh.name, made.name}
    assert names(Filter.ABSENT) == {luh.name}
    assert names(Filter.INCOMPLETE) == {made.name}
    assert names(Filter.PRESENT) == {wayan.name, made.name}


def test_attendance_per_person_over_the_api(bimtek, api):
    event, (wayan, _luh, _made), _sessions = bimtek
    _scan(event, wayan, _day(DAYS[0], 8, 30))
    _scan(event, wayan, _day(DAYS[0], 15), kind=ScanKind.EXIT)
    staff, organiser = api("staff"), api("organiser")
    path = f"/api/v1/events/{event.id}"

    listed = staff.get(f"{path}/attendance/people?filter=present&day=2026-07-21")
    bad = staff.get(f"{path}/attendance/people?filter=everyone")
    rule = organiser.put(f"{path}/completion", json={"rule": "jp_percent", "percent": 30})
    bad_rule = organiser.put(f"{path}/completion", json={"rule": "jp_percent", "percent": 0})
    doors = organiser.put(
        f"{path}/days", json={"doors": [{"day": "2026-07-22", "opens": "07:30", "closes": "12:00"}]}
    )
    outside = organiser.put(
        f"{path}/days", json={"doors": [{"day": "2026-07-25", "opens": "07:30", "closes": "12:00"}]}
    )

    assert listed.status_code == 200
    body = listed.json
    assert (body["total_jp"], body["days"]) == (15, [d.isoformat() for d in DAYS])
    [person] = body["people"]
    assert (person["name"], person["days_present"], person["hours_inside"]) == (
        wayan.name,
        1,
        6.5,
    )
    assert person["days"]["2026-07-21"]["last_out_at"].startswith("2026-07-21T15:00")
    assert person["jp"] == 5 and person["completed"] is False
    assert bad.status_code == 422
    assert rule.json == {"rule": "jp_percent", "percent": 30}
    assert bad_rule.status_code == 422
    assert doors.status_code == 200
    assert doors.json["days"][1]["opens_at"] == "2026-07-22T07:30:00+08:00"
    assert outside.status_code == 422
    everyone = staff.get(f"{path}/attendance/people").json["people"]
    assert [p["completed"] for p in everyone if p["participant_id"] == wayan.id] == [True]
    # An entry at 07:00 on Wednesday is now before that day's door.
    early = _scan(event, wayan, _day(DAYS[1], 7))
    assert early.result == "not_open"


def test_the_attendance_page_filters_by_day(bimtek, as_role):
    event, (wayan, luh, made), _sessions = bimtek
    _scan(event, wayan, _day(DAYS[0], 8))
    _scan(event, made, _day(DAYS[1], 8))
    page = as_role("staff")
    base = f"/events/{event.id}/attendance"

    absent = page.get(f"{base}?filter=absent&day=all").get_data(as_text=True)
    tuesday = page.get(f"{base}?filter=present&day=2026-07-21").get_data(as_text=True)
    bad = page.get(f"{base}?filter=nonsense&day=1999-01-01")

    assert luh.name in absent and wayan.name not in absent
    assert wayan.name in tuesday and made.name not in tuesday
    assert bad.status_code == 200  # an unknown filter or day shows everyone
