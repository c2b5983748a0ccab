"""The attendance figures behind the board, the API and the summaries, and the board itself."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import insert, select

from tests.conftest import log_in
from tests.factories import add_people, open_event
from tracker.audit import AuditEntry
from tracker.checkin import attendance as figures
from tracker.checkin import services
from tracker.checkin.self_checkin import register_walk_in
from tracker.events.models import Participant
from tracker.events.registration import ParticipantInput, new_ticket_code
from tracker.extensions import db

WITA = ZoneInfo("Asia/Makassar")
START = datetime(2030, 7, 23, 9, 0, tzinfo=WITA)


@contextmanager
def count_queries():
    statements: list[str] = []

    def log(conn, cursor, statement, *args):  # noqa: ANN001 - SQLAlchemy's listener signature
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", log)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", log)


def _scan(event, person, at, tumbler=None, gate="A"):
    scan = services.ScanInput(code=person.ticket_code, brought_tumbler=tumbler, gate=gate)
    scan.scanned_at = at
    return services.check_in(event, scan, None, at)


@pytest.fixture
def morning(app, users):
    event, people = open_event(starts_at=START, now=START - timedelta(days=7))
    return event, people


def test_figures_count_registered_checked_in_and_tumblers(morning):
    event, (wayan, luh, made) = morning
    _scan(event, wayan, START - timedelta(minutes=25), tumbler=True)
    _scan(event, luh, START - timedelta(minutes=3), tumbler=False)
    walk_in = ParticipantInput(
        name="Komang", agency="Dinas Pariwisata Kabupaten Tabanan", phone="0813-5555-1234"
    )
    register_walk_in(event, walk_in, None, START - timedelta(minutes=2))
    db.session.commit()

    data = figures.attendance(event)
    assert (data.registered, data.checked_in, data.walk_ins) == (4, 3, 1)
    assert data.percent == 75
    assert data.tumbler == {"yes": 1, "no": 1, "unknown": 1}
    assert data.by_method == {"scanner": 2, "walk_in": 1}
    health = data.by_agency["Dinas Kesehatan Kabupaten Tabanan"]
    assert (health.registered, health.checked_in) == (2, 1)
    tourism = data.by_agency["Dinas Pariwisata Kabupaten Tabanan"]
    assert (tourism.registered, tourism.checked_in) == (2, 2)
    assert (data.by_category["speaker"].registered, data.by_category["speaker"].checked_in) == (
        1,
        1,
    )
    assert [name for name, _agency, _at in data.latest] == ["Komang", "Ni Luh Ariani", wayan.name]


def test_arrivals_in_ten_minute_buckets_with_the_gaps(morning):
    event, (wayan, luh, made) = morning
    _scan(event, wayan, START - timedelta(minutes=31))  # 08:29 WITA
    _scan(event, luh, START - timedelta(minutes=29))  # 08:31
    _scan(event, made, START - timedelta(seconds=1))  # 08:59:59
    db.session.commit()
    buckets = [
        (start.astimezone(WITA).strftime("%H:%M"), n) for start, n in figures.arrivals(event)
    ]
    assert buckets == [("08:20", 1), ("08:30", 1), ("08:40", 0), ("08:50", 1)]


def test_an_hour_of_arrivals_is_counted_per_bucket(app, users):
    """28 people over an hour, several in each ten minutes and within the same second."""
    event, _people = open_event(starts_at=START, now=START - timedelta(days=7), people=[])
    people = add_people(event, 28)
    opening = START - timedelta(minutes=60)  # 08:00 WITA
    offsets = [0, 0, 59, 61, 65, 300, 599, 600, 601, 601, 1199, 1200, 1300, 1500, 1799]
    offsets += [1800, 2000, 2100, 2399, 2400, 2401, 2402, 3000, 3000, 3100, 3500, 3599, 3599]
    for person, offset in zip(people, offsets, strict=True):
        _scan(event, person, opening + timedelta(seconds=offset))
    db.session.commit()
    buckets = [
        (start.astimezone(WITA).strftime("%H:%M"), n) for start, n in figures.arrivals(event)
    ]
    assert buckets == [
        ("08:00", 7), ("08:10", 4), ("08:20", 4), ("08:30", 4), ("08:40", 3), ("08:50", 6),
    ]  # fmt: skip
    assert sum(n for _start, n in buckets) == 28 == figures.attendance(event).checked_in


def test_an_event_without_arrivals_has_empty_figures(morning):
    event, _people = morning
    data = figures.attendance(event)
    assert (data.registered, data.checked_in, data.arrivals, data.latest) == (3, 0, [], [])
    assert data.percent == 0


def test_figures_take_a_fixed_number_of_queries(morning):
    event, people = morning
    for person in people:
        _scan(event, person, START - timedelta(minutes=10))
    db.session.commit()
    event.title  # noqa: B018 - loaded, as the view has it
    with count_queries() as statements:
        figures.attendance(event)
    # Four for the event-wide figures, one per day (GROUP BY day), one for the (empty) agenda.
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 6


def test_a_scan_takes_a_handful_of_queries(morning):
    """The door's hot path: participant + check-in in one select, then two inserts."""
    event, (wayan, *_rest) = morning
    at = START - timedelta(minutes=5)
    db.session.commit()
    scan = services.ScanInput(code=wayan.ticket_code, gate="A", scanned_at=at)
    event.title  # noqa: B018 - loaded, as the view has it before the scan
    with count_queries() as statements:
        services.check_in(event, scan, None, at)
        db.session.commit()
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, "\n".join(statements)
    assert len(statements) <= 7, statements  # + savepoint, insert, release, insert, (commit)


@pytest.mark.slow
def test_twenty_thousand_participants(morning):
    event, _people = morning
    now = datetime.now(UTC)
    rows = [
        {
            "event_id": event.id,
            "name": f"Peserta {i:05d}",
            "agency": f"OPD {i % 40}",
            "category": "participant",
            "ticket_code": new_ticket_code(),
            "ticket_issued_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(20_000)
    ]
    db.session.execute(insert(Participant), rows)
    db.session.commit()
    event.title  # noqa: B018 - loaded, as the view has it
    with count_queries() as statements:
        data = figures.attendance(event)
        tickets = figures.ticket_list(event)
    assert data.registered == 20_003 and len(data.by_agency) == 42
    assert len(tickets) == 20_003
    # The size shows in the rows, never in the number of queries (no per-person query).
    assert (
        len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 7
    )  # six for the figures, one for the list


# --- the board ----------------------------------------------------------------------------------


def test_board_shows_the_figures_and_updates_itself(morning, client, users):
    event, (wayan, luh, _made) = morning
    _scan(event, wayan, START - timedelta(minutes=12), tumbler=True)
    db.session.commit()
    log_in(client, users.staff)
    response = client.get(f"/events/{event.id}/board")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<span data-field="checked_in">1</span>' in page
    assert '<span data-field="registered">3</span>' in page
    assert '<span data-field="tumbler.yes">1</span>' in page
    assert "I Wayan Sudarsana" in page and "08:48" in page  # the latest, in WITA
    assert 'class="bar"' in page  # the arrivals chart, drawn on the server
    assert "js/board.js" in page
    assert f'data-attendance-url="/api/v1/events/{event.id}/attendance"' in page
    assert "<script>" not in page  # the CSP allows no inline script


def test_the_boards_chart_is_drawn_by_the_server_for_the_script_too(morning, client, users):
    event, (wayan, *_rest) = morning
    log_in(client, users.staff)
    path = f"/events/{event.id}/board/arrivals.svg"
    nobody = client.get(path)
    assert nobody.status_code == 204  # the page says so itself ("No arrivals yet.")
    page = client.get(f"/events/{event.id}/board").get_data(as_text=True)
    assert "Belum ada peserta yang datang." in page
    _scan(event, wayan, START - timedelta(minutes=12))
    db.session.commit()
    chart = client.get(path)
    assert (chart.status_code, chart.mimetype) == (200, "image/svg+xml")
    svg = chart.get_data(as_text=True)
    assert svg.startswith("<svg") and 'class="bar"' in svg and "08:40" in svg  # WITA buckets
    assert chart.headers["Cache-Control"] == "private, no-cache"  # revalidated by its ETag


def test_board_needs_an_account(morning, client):
    event, _people = morning
    assert client.get(f"/events/{event.id}/board").status_code == 302


def test_event_page_links_to_the_door_tools(morning, client, users):
    event, _people = morning
    log_in(client, users.organiser)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    for path in ("board", "door/display", "door/poster.pdf", "tickets.pdf", "ticket-links.csv"):
        assert f"/events/{event.id}/{path}" in page
    log_in(client, users.staff)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"/events/{event.id}/board" in page
    assert "tickets.pdf" not in page  # personal data: organisers only


def test_check_in_list_and_undo_from_the_page(morning, client, users):
    event, (wayan, luh, _made) = morning
    _scan(event, wayan, START - timedelta(minutes=12), tumbler=True, gate="Pintu A")
    _scan(event, luh, START - timedelta(minutes=2))
    db.session.commit()
    log_in(client, users.staff)
    page = client.get(f"/events/{event.id}/checkins").get_data(as_text=True)
    assert page.index("Ni Luh Ariani") < page.index("I Wayan Sudarsana")  # latest first
    assert "Pintu A" in page
    assert "/undo" not in page  # staff see the list, organisers undo
    assert client.post(f"/events/{event.id}/checkins/{wayan.id}/undo").status_code == 403

    log_in(client, users.organiser)
    page = client.get(f"/events/{event.id}/checkins?q=kesehatan").get_data(as_text=True)
    assert "I Wayan Sudarsana" in page and "Ni Luh Ariani" not in page
    response = client.post(f"/events/{event.id}/checkins/{wayan.id}/undo")
    assert response.status_code == 302
    assert figures.attendance(event).checked_in == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin.undo"))
    assert entry.actor_id == users.organiser.id and entry.subject_id == wayan.id
    assert client.post(f"/events/{event.id}/checkins/{wayan.id}/undo").status_code == 404


def test_the_board_has_a_projector_view(morning, client, users):
    """Full screen for the room: a link from the board, no menus, big numbers (board.css)."""
    event, (wayan, _luh, _made) = morning
    _scan(event, wayan, START - timedelta(minutes=12), tumbler=True)
    db.session.commit()
    log_in(client, users.staff)
    page = client.get(f"/events/{event.id}/board").get_data(as_text=True)
    assert f'href="/events/{event.id}/board?view=projector"' in page
    projector = client.get(f"/events/{event.id}/board?view=projector").get_data(as_text=True)
    assert "board-projector" in projector and "data-fullscreen" in projector
    assert 'class="top"' not in projector  # no header and menus on the projector
    assert "js/fullscreen.js" in projector
    assert 'class="bar-value"' in projector and "08:40" in projector  # labelled bars
