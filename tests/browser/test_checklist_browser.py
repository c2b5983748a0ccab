"""Compliance staff on a phone: tick items, photograph a failure, sign off; then it is locked."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import PHONE, log_in_page
from tests.compliance.helpers import jpeg_bytes
from tests.factories import make_event
from tracker import audit
from tracker.compliance.models import ChecklistItem, ChecklistPhoto, EventChecklist
from tracker.compliance.services import attach_template, load_builtin_templates
from tracker.db import utcnow
from tracker.extensions import db


def _fresh_checklist(checklist_id: int) -> tuple[EventChecklist, list[ChecklistItem]]:
    db.session.rollback()  # the live server wrote from another connection
    checklist = db.session.get(EventChecklist, checklist_id)
    items = list(
        db.session.scalars(
            select(ChecklistItem)
            .where(ChecklistItem.checklist_id == checklist_id)
            .order_by(ChecklistItem.position)
        ).unique()
    )
    return checklist, items


def _tap(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_tick_photograph_and_sign_off_on_a_phone(new_page, live_server, users, tmp_path):
    load_builtin_templates(utcnow())
    event = make_event(users.organiser)
    checklist = attach_template(event, "pergub-bali-97-2018", users.organiser, utcnow())
    db.session.commit()
    items = {i.position: (i.id, i.template_item.required) for i in checklist.items}
    bags_id = items[1][0]  # "no plastic bags": note and photo required when not compliant
    photo_file = tmp_path / "bukti.jpg"
    photo_file.write_bytes(jpeg_bytes(3000, 2000))

    page = new_page(viewport=PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    log_in_page(page, live_server, users.staff.email)
    page.goto(f"{live_server}/events/{event.id}")
    _tap(page, f"a[href='/events/{event.id}/checklists']")
    _tap(page, f"a[href='/events/{event.id}/checklists/{checklist.id}']")

    # Three big buttons side by side, nothing wider than the phone.
    box = page.locator(f"#item-{bags_id} button.choice-ok").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 90
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The plastic bags item fails: photo from the camera input, a note, "not compliant".
    page.set_input_files(f"#photo-{bags_id}", str(photo_file))
    page.fill(f"#note-{bags_id}", "Goodie bag plastik dari sponsor")
    _tap(page, f"#item-{bags_id} button.choice-bad")
    card = page.locator(f"#item-{bags_id}")
    assert card.get_attribute("data-status") == "non_compliant"
    assert card.locator("button.choice-bad").get_attribute("aria-pressed") == "true"
    thumb = card.locator(".photos img")
    thumb.wait_for()
    # Visible is not yet decoded: wait for the picture itself before measuring it.
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    assert page.evaluate("(img) => img.naturalWidth", thumb.element_handle()) == 400

    # Every other required item: one tap on "compliant".
    for _position, (item_id, required) in sorted(items.items())[1:]:
        if required:
            _tap(page, f"#item-{item_id} button.choice-ok")
            assert page.locator(f"#item-{item_id}").get_attribute("data-status") == "compliant"
    assert page.locator(".score").get_attribute("data-percent") == "86"  # 6 of 7 compliant

    _tap(page, "a.button.primary[href$='/sign-off']")
    page.fill("input[name=name]", "I Nyoman Arta Sukma Witra")
    page.fill("input[name=position]", "Kepala Bidang PISKP")
    _tap(page, "form button[type=submit].primary")
    assert page.locator("[data-signed-off='1']").is_visible()
    assert page.locator("button[name=status]").count() == 0
    assert errors == []

    signed, rows = _fresh_checklist(checklist.id)
    assert signed.signed_off_name == "I Nyoman Arta Sukma Witra"
    assert signed.signed_off_position == "Kepala Bidang PISKP"
    assert signed.signed_off_by_id == users.staff.id
    statuses = [row.status for row in rows]
    assert statuses == ["non_compliant"] + ["compliant"] * 6 + [None, None]
    assert rows[0].note == "Goodie bag plastik dari sponsor"
    photos = list(db.session.scalars(select(ChecklistPhoto)))
    assert len(photos) == 1 and (photos[0].width, photos[0].height) == (1600, 1067)
    assert len(audit.entries(event_id=event.id, action_prefix="checklist.item")) == 7
    db.session.rollback()


def test_a_signed_off_checklist_offers_no_changes(new_page, live_server, users):
    load_builtin_templates(utcnow())
    event = make_event(users.organiser)
    checklist = attach_template(event, "pergub-bali-47-2019", users.organiser, utcnow())
    for item in checklist.items:
        item.status = "compliant"
    checklist.signed_off_at, checklist.signed_off_name = utcnow(), "I Nyoman Arta"
    checklist.signed_off_position = "Kabid PISKP"
    db.session.commit()

    page = new_page(viewport=PHONE)
    log_in_page(page, live_server, users.staff.email)
    page.goto(f"{live_server}/events/{event.id}/checklists/{checklist.id}")
    assert page.locator("[data-signed-off='1']").is_visible()
    assert page.locator("form.item-form").count() == 0
    assert page.locator("form.reopen").count() == 0  # staff cannot reopen
    # A form kept open on another phone from before the sign-off is refused too.
    response = page.request.post(
        f"{live_server}/events/{event.id}/checklists/{checklist.id}/items/{checklist.items[0].id}",
        form={"status": "non_compliant", "note": "terlambat"},
    )
    assert response.status == 409
    _, rows = _fresh_checklist(checklist.id)
    assert rows[0].status == "compliant"
    db.session.rollback()


def test_a_refused_answer_comes_back_at_its_item_with_the_error(new_page, live_server, users):
    """On a phone the list is long: "not compliant" without its required note and photo is
    refused, and the page comes back scrolled to that item, the error shown there."""
    load_builtin_templates(utcnow())
    event = make_event(users.organiser)
    checklist = attach_template(event, "pergub-bali-97-2018", users.organiser, utcnow())
    db.session.commit()
    needs_note = [i for i in checklist.items if i.template_item.note_on_fail]
    bags = max(needs_note, key=lambda i: i.position)  # far down the list, on a phone
    page = new_page(viewport=PHONE)
    log_in_page(page, live_server, users.staff.email)
    page.goto(f"{live_server}/events/{event.id}/checklists/{checklist.id}")
    page.locator(f"#item-{bags.id}").scroll_into_view_if_needed()
    _tap(page, f"#item-{bags.id} button.choice-bad")
    assert page.url.endswith(f"#item-{bags.id}")
    error = page.locator(f"#item-{bags.id} .errors")
    assert error.is_visible() and error.inner_text().strip()
    top = page.evaluate(
        f"() => document.getElementById('item-{bags.id}').getBoundingClientRect().top"
    )
    assert -2 <= top < PHONE["height"]  # scrolled to it (to within a pixel)
