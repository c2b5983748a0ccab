"""Every page a person uses passes axe-core's WCAG 2.1 A and AA rules, on a phone's screen.

axe-core comes from the ``axe-playwright-python`` package (a dev dependency), which ships
axe.min.js inside its wheel: nothing is fetched from the internet when the tests run. The script
is injected through Playwright (the DevTools protocol), which the pages' Content-Security-Policy
does not govern.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.base import AXE_FILE_PATH

from tests.browser.conftest import PHONE, log_in_page
from tests.summaries.helpers import build_event
from tracker.checkin import door_codes
from tracker.extensions import db

#: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_SCRIPT = AXE_FILE_PATH.read_text(encoding="utf-8")

#: The organiser's and staff's pages, {e}: the event, {c}: its checklist, {p}: a participant.
STAFF_PAGES = [
    "/events",
    "/events/new",
    "/events/{e}",
    "/events/{e}/edit",
    "/venues",
    "/events/{e}/participants",
    "/events/{e}/participants/new",
    "/events/{e}/participants/{p}/edit",
    "/events/{e}/participants/import",
    "/events/{e}/checklists",
    "/events/{e}/checklists/{c}",
    "/events/{e}/checklists/{c}/sign-off",
    "/events/{e}/board",
    "/events/{e}/checkins",
    "/events/{e}/scan",
    "/events/{e}/door/display",
    "/events/{e}/summary",
    "/events/{e}/sustainability",
    "/reports",
    "/events/{e}/messages",
    "/events/{e}/messages/new",
    "/events/{e}/certificates",
    "/events/{e}/certificates/design",
    "/events/{e}/certificates/register",
    "/checklist-templates",
    "/checklist-templates/new",
    "/admin/users",
    "/admin/settings",
    "/privacy/requests",
    "/no-such-page",
]


def violations(page: Any) -> list[str]:
    """axe's WCAG 2.1 AA violations on the page as it stands: "rule: selector (message)"."""
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']}: {' '.join(node['target'][0] for node in v['nodes'][:3])} ({v['help']})"
        for v in result["violations"]
    ]


@pytest.fixture
def event(app, users):
    built = build_event(users.organiser, users.staff)
    db.session.commit()
    return built


def too_wide(page: Any) -> int:
    """How many CSS pixels the page is wider than the screen (0: it fits; tables scroll in
    their own region)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_the_staff_pages_pass_axe_and_fit_a_phone(new_page, live_server, users, event):
    page = new_page(viewport=PHONE)
    log_in_page(page, live_server, users.admin.email)
    ids = {"e": event.event.id, "c": event.checklist.id, "p": event.people[0].id}
    found, wide = {}, {}
    for path in STAFF_PAGES:
        page.goto(live_server + path.format(**ids))
        page.wait_for_load_state("networkidle")
        found[path] = violations(page)
        wide[path] = too_wide(page)
    assert {path: v for path, v in found.items() if v} == {}
    assert {path: px for path, px in wide.items() if px > 0} == {}


def test_the_participants_pages_pass_axe_on_a_phone(new_page, live_server, event):
    page = new_page(viewport=PHONE)
    person = event.people[0]
    found = {}
    for path in (
        "/login",
        f"/t/{person.ticket_code}",
        f"/t/{person.ticket_code}/data",
        f"/door/{door_codes.poster_code('test-secret', event.event.id)}",
    ):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        found[path] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}


def test_a_form_with_errors_passes_axe(new_page, live_server, users):
    """A refused form marks its fields (aria-invalid, aria-describedby) only where they err."""
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server}/login")
    page.click("button[type=submit]")  # empty: the browser's own check stops it
    assert page.locator("[aria-invalid='None'], [aria-describedby='None']").count() == 0
    log_in_page(page, live_server, users.organiser.email)
    page.goto(f"{live_server}/events/new")
    page.evaluate("() => document.querySelector('form.event-form, main form').noValidate = true")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[aria-invalid='true']").count() > 0
    assert page.locator("[aria-invalid='None'], [aria-describedby='None']").count() == 0
    assert violations(page) == []
