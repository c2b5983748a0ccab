"""The login page and the language switch in a real browser."""

from tests.browser.conftest import log_in_page


def test_login_then_switch_to_english(page, live_server, users):
    page.goto(f"{live_server}/events")
    assert "/login" in page.url  # anonymous people are sent to log in
    log_in_page(page, live_server, users.organiser.email)
    assert page.url.endswith("/events")
    assert page.locator("html").get_attribute("lang") == "id"
    page.click("a[hreflang=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Events").is_visible()


def test_wrong_password_is_refused(page, live_server, users):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", users.organiser.email)
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert "/login" in page.url
    assert page.locator("[role=alert]").count() == 1
