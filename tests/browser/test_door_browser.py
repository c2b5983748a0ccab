"""The door in a real browser: a participant's phone, a walk-in, the page's weight, the board."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import PHONE, log_in_page
from tests.factories import open_event
from tracker.checkin import door_codes as door
from tracker.checkin.models import CheckIn
from tracker.db import utcnow
from tracker.extensions import db

#: The door page must load on weak mobile data: everything it fetches, under 30 KB.
DOOR_PAGE_BUDGET = 30 * 1024


def _door_url(base: str, event) -> str:
    return f"{base}/door/{door.poster_code('test-secret', event.id)}"


def test_participant_checks_in_with_their_phone_number(new_page, live_server, app, users):
    event, (wayan, luh, _made) = open_event()
    page = new_page(viewport=PHONE)
    page.goto(_door_url(live_server, event))
    page.locator("form[data-form=checkin] input[name=who]").fill("0812-3000-4000")
    page.locator("form[data-form=checkin] input[name=tumbler][value=yes]").check()
    page.locator("form[data-form=checkin] button[type=submit]").click()
    answer = page.locator("[data-status]")
    answer.wait_for()
    # Let the page finish loading: a stylesheet cut off mid-send leaves an open file behind.
    page.wait_for_load_state("networkidle")
    assert answer.get_attribute("data-status") == "checked_in"
    assert answer.locator("[data-name]").inner_text() == "I Wayan Sudarsana"
    assert "Ni Luh Ariani" not in page.content()
    # The answer fits a phone's screen without sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    db.session.rollback()
    checkin = db.session.scalar(select(CheckIn))
    assert (checkin.participant_id, checkin.brought_tumbler, checkin.method) == (
        wayan.id,
        True,
        "door",
    )


def fill_walk_in(page, tumbler: str):
    """Open the walk-in section and fill it in as Komang from the Dinas Pariwisata."""
    page.locator("details.door-walkin > summary").click()
    form = page.locator("form[data-form=walk-in]")
    form.locator("input[name=w-name]").fill("Komang Ayu Lestari")
    form.locator("input[name=w-agency]").fill("Dinas Pariwisata Kabupaten Tabanan")
    form.locator("input[name=w-phone]").fill("0813-5555-1234")
    form.locator(f"input[name=w-tumbler][value={tumbler}]").check()
    form.locator("input[name=w-consent]").check()
    return form


def test_walk_in_registers_at_the_door(new_page, live_server, app, users):
    event, _people = open_event()
    page = new_page(viewport=PHONE)
    page.goto(_door_url(live_server, event))
    form = fill_walk_in(page, tumbler="no")
    form.locator("button[type=submit]").click()
    answer = page.locator("[data-status]")
    answer.wait_for()
    # Let the page finish loading: a stylesheet cut off mid-send leaves an open file behind.
    page.wait_for_load_state("networkidle")
    assert answer.get_attribute("data-status") == "checked_in"
    assert answer.locator("[data-name]").inner_text() == "Komang Ayu Lestari"
    db.session.rollback()
    checkin = db.session.scalar(select(CheckIn))
    assert (checkin.method, checkin.brought_tumbler) == ("walk_in", False)


def test_door_page_weighs_under_30_kb(new_page, live_server, app, users):
    event, _people = open_event()
    page = new_page(viewport=PHONE)
    bodies: list[tuple[str, int]] = []

    def weigh(response) -> None:
        bodies.append((response.url, len(response.body())))

    page.on("response", weigh)
    page.goto(_door_url(live_server, event), wait_until="networkidle")
    total = sum(size for _url, size in bodies)
    assert all(url.startswith(live_server) for url, _size in bodies)  # nothing from outside
    assert total < DOOR_PAGE_BUDGET, bodies
    assert page.locator("script").count() == 0  # it works without JavaScript


def test_board_updates_itself_after_a_check_in(page, live_server, app, users, api):
    event, (wayan, *_rest) = open_event()
    staff = api("staff")
    log_in_page(page, live_server, users.staff.email)
    page.goto(f"{live_server}/events/{event.id}/board")
    checked_in = page.locator("[data-field=checked_in]").first
    assert checked_in.inner_text() == "0"
    assert page.locator("[data-latest] li").count() == 0

    answer = staff.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"code": wayan.ticket_code, "gate": "Pintu A", "brought_tumbler": True},
    )
    assert answer.status_code == 201

    # The server pushes the change (a stream of server-sent events; the watcher looks every
    # 2 seconds); a board refused a stream would poll every 5 seconds instead.
    assert page.locator("[data-board]").get_attribute("data-mode") == "stream"
    expect(checked_in).to_have_text("1", timeout=15_000)
    assert page.locator("[data-field='tumbler.yes']").inner_text() == "1"
    assert page.locator("[data-latest] li").first.inner_text().startswith("I Wayan Sudarsana")
    page.wait_for_selector("[data-arrivals] rect.bar", state="attached")  # fetched after
    assert page.url.endswith(f"/events/{event.id}/board")  # no reload happened


def test_one_scan_checks_in_one_person_on_a_phone(new_page, live_server, app, users, clock):
    """Issue 13.3 on a phone: after a check-in the page asks the next person to scan again, and
    the door screen's code in the phone's history opens nothing a minute later."""
    event, (wayan, luh, _made) = open_event()
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server}/door/{door.rotating_code('test-secret', event.id, utcnow())}")
    page.locator("form[data-form=checkin] input[name=who]").fill("0812-3000-4000")
    page.locator("form[data-form=checkin] input[name=tumbler][value=yes]").check()
    page.locator("form[data-form=checkin] button[type=submit]").click()
    page.locator("[data-status]").wait_for()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-status=checked_in] [data-next]")).to_be_visible()
    expect(page.locator("form[data-form=checkin]")).to_have_count(0)  # no form for a second
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    clock.shift(timedelta(seconds=61))
    page.go_back()  # the screen's code, from the phone's history
    page.locator("[data-status]").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-status]").get_attribute("data-status") == "expired"
    expect(page.locator("form[data-form=checkin]")).to_have_count(0)
    db.session.rollback()
    assert db.session.scalars(select(CheckIn.participant_id)).all() == [wayan.id]
