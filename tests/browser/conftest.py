"""Real-browser tests: Debian's Chromium driven by Playwright through ``executable_path``.

Playwright's own browser download cannot work here, so the browser is the ``chromium`` on PATH.
Without it these tests skip with a message on a developer's machine, and fail in CI (CI=true),
where they must run: .ci/run installs the package.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import PASSWORD


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (``-m "not browser"`` leaves them out)."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.browser)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}  # a common phone, in CSS pixels


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    message = (
        "Debian's Chromium is not installed: `apt-get install chromium` "
        "(Playwright's own browser download does not work here)."
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server(make_app: Callable[..., Flask], app: Flask) -> Iterator[str]:
    """The app served on a free loopback port, on the suite's database."""
    served = make_app()
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def set_browser_clock(context: Any) -> None:
    """The pages' clock starts where the suite's clock stands (tests/clock.py) and runs on, so
    the scanner's own idea of "now" (the door window, the scan's time) agrees with the server's."""
    context.clock.install(time=datetime.now(UTC))


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """``new_page(viewport=PHONE, **context_options)``: a page in a fresh browser context."""
    contexts = []

    def make(viewport: dict[str, int] | None = None, **options: Any) -> Any:
        context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900}, **options
        )
        context.set_default_timeout(10_000)
        set_browser_clock(context)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


def log_in_page(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
