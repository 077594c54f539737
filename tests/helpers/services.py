"""The real services some tests need (PostgreSQL, Redis, a Celery worker, Chromium): whether
they are configured, and what a test does when they are not.

Without a service a test skips with the reason; in CI (HRPERF_REQUIRE_SERVICES=1) it fails
instead, so that nothing there is skipped unnoticed.
"""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
from django.conf import settings


def uses_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def services_required() -> bool:
    """In CI (HRPERF_REQUIRE_SERVICES=1) a test needing a real service fails instead of skipping."""
    return os.environ.get("HRPERF_REQUIRE_SERVICES", "") == "1"


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (HRPERF_REQUIRE_SERVICES=1: nothing may be skipped)")
    pytest.skip(reason)


def database_url() -> str:
    """The test database as a DATABASE_URL, for a process of its own (a worker, a server)."""
    database = settings.DATABASES["default"]
    user = quote(str(database.get("USER") or ""), safe="")
    password = str(database.get("PASSWORD") or "")
    credentials = user + (f":{quote(password, safe='')}" if password else "")
    host = quote(str(database.get("HOST") or "localhost"), safe="")
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(str(database['NAME']), safe='')}"


def process_environment() -> dict[str, str]:
    """The environment of a process of its own on the test database (a worker, a server): this
    one's, with DATABASE_URL the test database as the application's role, and no owner's URL
    (such a process never migrates)."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_OWNER_URL"}
    return {**environment, "DATABASE_URL": database_url()}
