"""The import's preview with its column-mapping step, in Chromium: axe-core's WCAG 2.1 AA rules
on a phone's screen, and the organiser choosing the name column by hand (issue 11, point 3)."""

from __future__ import annotations

from tests.browser.conftest import PHONE, log_in_page
from tests.browser.test_accessibility import too_wide, violations
from tests.events.test_column_mapping import FIRST, office_list
from tests.factories import make_event
from tracker.events.models import ParticipantImport
from tracker.extensions import db


def test_the_column_mapping_step_in_the_browser(new_page, live_server, users):
    event = make_event(users.organiser)
    pending = ParticipantImport(
        event_id=event.id,
        user_id=users.organiser.id,
        filename="daftar_hadir.xlsx",
        content=office_list(FIRST),  # "Peserta" holds the names: not recognised
    )
    db.session.add(pending)
    db.session.commit()
    page = new_page(viewport=PHONE)
    log_in_page(page, live_server, users.organiser.email)
    preview = f"{live_server}/events/{event.id}/participants/import/{pending.id}"

    page.goto(preview)
    assert page.get_by_role("alert").count() == 1
    assert violations(page) == [] and too_wide(page) <= 0

    page.select_option("select[name=column-0-1]", "name")
    page.locator("form[action$='/columns'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    assert "Ni Made Ari Widayani" in page.content()
    assert violations(page) == [] and too_wide(page) <= 0
