"""Browser tests: Playwright driving the system's Chromium against a live test server.

`playwright install` cannot download browsers on these machines, so the tests use Debian's
Chromium (`apt-get install chromium`, and `fonts-noto-cjk` so that Chinese text renders).
Without it they are skipped with the reason, or fail when HRPERF_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.conftest import skip_or_fail

# The sync Playwright API runs an event loop in the test thread; the ORM calls made by the
# tests and fixtures are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
