"""Browser tests: Playwright driving the system's Chromium against a live test server.

`playwright install` cannot download browsers on these machines, so the tests use Debian's
Chromium (`apt-get install chromium`, and `fonts-noto-cjk` so that Chinese text renders).
Without it they are skipped with the reason, or fail when HRPERF_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Locator, Page, Response, expect

from tests.conftest import PASSWORD, skip_or_fail

# The worker machinery of the review tests, shared rather than copied. The report hook adds the
# worker's log to a failure.
from tests.reviews.conftest import (
    WorkerPool,
    WorkerProcess,
    app,
    purge_queue,
    pytest_runtest_makereport,
    wait_until,
    worker_environment,
)

# The sync Playwright API runs an event loop in the test thread; the ORM calls made by the
# tests and fixtures are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

__all__ = ["pytest_runtest_makereport", "worker_environment"]

CHROMIUM = os.environ.get("HRPERF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).is_file():
        skip_or_fail(
            f"Chromium is not installed at {CHROMIUM} "
            "(apt-get install -y --no-install-recommends chromium fonts-noto-cjk)"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A Chinese-speaking browser with a desktop window, as HR staff use it."""
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "viewport": {"width": 1366, "height": 900},
    }


@pytest.fixture
def screenshots() -> Path:
    folder = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Bounded waits: generous for a loaded 2-core machine, short enough to fail rather than hang.
ACTION_TIMEOUT_MS = 15_000
NAVIGATION_TIMEOUT_MS = 30_000


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
    not be an error; a failure shows the page's messages."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        button.click()
    response = answer.value
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


@pytest.fixture
def page_as(
    browser: Browser, browser_context_args: dict[str, Any], live_server: Any
) -> Iterator[Callable[[str], Page]]:
    """`page_as("hr")`: a page in a browser context of its own (own cookies, own session),
    logged in as that persona on the live server; relative URLs go to the live server."""
    contexts = []

    def open_as(username: str) -> Page:
        context = browser.new_context(**{**browser_context_args, "base_url": live_server.url})
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        log_in(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


# The browser tests' worker listens on a queue of its own: the review tests' session worker
# (on "hrperf-test", with its own mailbox) may be alive in the same run, and neither may take
# the other's tasks.
BROWSER_QUEUE = "hrperf-browser-test"


@pytest.fixture
def worker(worker_environment: dict[str, str]) -> Iterator[WorkerProcess]:
    """A real `celery worker` process for this test only, on the test database the live server
    uses (PostgreSQL and Redis needed: without them the test skips with the reason, or fails
    when HRPERF_REQUIRE_SERVICES=1). What the live server enqueues goes to its queue; it is
    idle when the test ends, then stopped."""
    purge_queue(BROWSER_QUEUE)
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = BROWSER_QUEUE
    pool = WorkerPool(environment=worker_environment, queue=BROWSER_QUEUE, label="browser")
    try:
        process = pool.start()
        yield process
        wait_until(process.is_idle, what="the worker to be idle", worker=process)
    finally:
        app.conf.task_default_queue = default_queue
        pool.stop_all()
        purge_queue(BROWSER_QUEUE)
