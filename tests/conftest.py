"""The only conftest of the tests: it registers the fixtures of tests/fixtures/ for every test,
and sets what must be set before any test runs.

Fixtures live in tests/fixtures/ (one module per subject), plain helpers in tests/helpers/;
a test module imports helpers from tests.helpers only, never from a conftest or another test
module (tests/test_layout.py checks it).
"""

import os

# The browser tests drive Playwright's sync API, which runs an event loop in the test thread;
# the ORM calls made by the tests and fixtures are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.personas",
    "tests.fixtures.api",
    "tests.fixtures.quarters",
    "tests.fixtures.worker",
    "tests.fixtures.broker",
    "tests.fixtures.browser",
    "tests.fixtures.webhooks",
    "tests.fixtures.network",
    "tests.fixtures.catalogue",
    "tests.fixtures.language",
    "tests.fixtures.evidence",
    "tests.fixtures.notifications",
    "tests.fixtures.todos",
    "tests.fixtures.directories",
]
