"""Helpers of the browser tests (Playwright driving the system's Chromium against a live test
server): where Chromium is and how it is started, the waits, logging in through the login page,
and posting a form.

`playwright install` cannot download browsers on these machines, so the tests use Debian's
Chromium (`apt-get install chromium`, and `fonts-noto-cjk` so that Chinese text renders). The
fixtures (`page_as`, `screenshots`, `browser_worker` and pytest-playwright's launch and context
arguments) are in tests/fixtures/browser.py.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Locator, Page, Response, ViewportSize, expect

from tests.helpers.personas import PASSWORD

CHROMIUM = os.environ.get("HRPERF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Bounded waits: generous for a loaded 2-core machine, short enough to fail rather than hang.
ACTION_TIMEOUT_MS = 15_000
NAVIGATION_TIMEOUT_MS = 30_000

# A phone's screen: every page must fit it without scrolling sideways.
PHONE: ViewportSize = {"width": 375, "height": 740}

# The browser tests' worker listens on a queue of its own: the session worker (on
# "hrperf-test", with its own mailbox) may be alive in the same run, and neither may take the
# other's tasks.
BROWSER_QUEUE = "hrperf-browser-test"


def log_in(page: Page, username: str) -> None:
    """Log in through the login page, as a person would."""
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def post(page: Page, button: Locator, *, expected_status: int | None = None) -> Response:
    """Click a form's button and wait for the server's answer to the POST (a full-page post or
    an htmx one): once it has come, the server has committed, and the test may read the
    database without racing the server's write (SQLite's shared in-memory database refuses a
    read while another connection writes). Unless `expected_status` is given, the answer must
    not be an error; a failure shows the page's messages. An htmx answer that sends the
    browser on (`HX-Redirect`) is followed until that page has loaded, so that the test's next
    navigation does not cut it short (or is cut short by it)."""
    loads: list[Page] = []

    def loaded(loaded_page: Page) -> None:
        loads.append(loaded_page)

    page.on("load", loaded)
    try:
        with page.expect_response(lambda response: response.request.method == "POST") as answer:
            button.click()
        response = answer.value
        if response.headers.get("hx-redirect") and not loads:
            page.wait_for_event("load")
    finally:
        page.remove_listener("load", loaded)
    if expected_status is not None:
        assert response.status == expected_status, (response.url, response.status)
    elif response.status >= 400:
        page.wait_for_load_state()
        messages = page.locator("main [role=alert], main .messages, main .errorlist")
        shown = " | ".join(messages.all_inner_texts()) if messages.count() else "(no message)"
        pytest.fail(
            f"POST {response.url} answered {response.status}: {shown}",
            pytrace=False,
        )
    page.wait_for_load_state()
    return response


def fits_the_screen(page: Page) -> bool:
    """Whether the page fits the window's width (nothing to scroll sideways)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
