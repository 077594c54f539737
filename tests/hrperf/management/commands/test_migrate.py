"""`manage.py migrate` (hrperf/management/commands/migrate.py): as the owner when
DATABASE_OWNER_URL is set, then the application's role holds only what it needs."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from hrperf import dbroles
from tests.helpers.services import skip_or_fail, uses_postgresql


def current_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return str(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_it_migrates_as_the_owner_and_grants_the_application_role_its_privileges() -> None:
    owner = dbroles.owner_credentials()
    if not uses_postgresql() or owner is None:
        skip_or_fail("Needs PostgreSQL and two roles: set DATABASE_URL and DATABASE_OWNER_URL")
    assert owner is not None
    app_role = current_role()
    out = StringIO()

    call_command("migrate", verbosity=1, stdout=out)

    assert f"Migrated as {owner['USER']}; {app_role} holds only" in out.getvalue()
    assert current_role() == app_role
    assert dbroles.app_role_problems(connection, app_role) == []


@pytest.mark.django_db(transaction=True)
def test_without_an_owner_it_is_djangos_migrate(settings: Any) -> None:
    settings.DATABASE_OWNER = None
    out = StringIO()

    call_command("migrate", verbosity=1, stdout=out)

    assert "No migrations to apply" in out.getvalue()
    assert "Migrated as" not in out.getvalue()
