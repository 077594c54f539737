"""The two database roles (hrperf/dbroles.py): the grants leave the application's role exactly
what it needs, whatever it held before, and the deploy check refuses a role that could undo
the triggers. On PostgreSQL with DATABASE_OWNER_URL (tests/fixtures/database.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from hrperf import dbroles
from tests.helpers.services import skip_or_fail, uses_postgresql


def owner() -> Any:
    credentials = dbroles.owner_credentials()
    if not uses_postgresql() or credentials is None:
        skip_or_fail("Needs PostgreSQL and two roles: set DATABASE_URL and DATABASE_OWNER_URL")
    return credentials


def current_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return str(cursor.fetchone()[0])


def test_the_statements_keep_the_append_only_tables_append_only() -> None:
    statements = dbroles.grant_statements(app_role="app", schema="public", quote=lambda n: n)
    assert statements[0] == "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM app"
    assert (
        "REVOKE UPDATE, DELETE ON public.reviews_approvedresult, public.reviews_auditevent "
        "FROM app" in statements
    )
    assert "REVOKE INSERT, UPDATE, DELETE ON public.django_migrations FROM app" in statements
    grants = [s for s in statements if s.startswith("GRANT")]
    assert not any("TRUNCATE" in s or "TRIGGER" in s or "CREATE" in s for s in grants)
    assert "REVOKE CREATE ON SCHEMA public FROM PUBLIC" in statements


def test_a_role_name_with_a_quote_stays_one_name() -> None:
    statements = dbroles.grant_statements(
        app_role='app"; DROP TABLE x; --', schema="public", quote=dbroles.quote_identifier
    )
    assert statements[0] == (
        'REVOKE ALL ON ALL TABLES IN SCHEMA "public" FROM "app""; DROP TABLE x; --"'
    )


@pytest.mark.django_db(transaction=True)
def test_granting_takes_back_whatever_more_the_application_role_held() -> None:
    credentials = owner()
    app_role = current_role()
    with dbroles.connected_as(connection, credentials), connection.cursor() as cursor:
        cursor.execute(f"GRANT ALL ON reviews_review, reviews_auditevent TO {app_role}")
        cursor.execute(f"GRANT CREATE ON SCHEMA public TO {app_role}")
        assert len(dbroles.app_role_problems(connection, app_role)) >= 3

        dbroles.grant_app_privileges(connection, app_role)

        assert dbroles.app_role_problems(connection, app_role) == []
    assert current_role() == app_role


@pytest.mark.django_db(transaction=True)
def test_granting_refuses_to_run_as_the_application_role() -> None:
    owner()
    with pytest.raises(RuntimeError, match="same role"):
        dbroles.grant_app_privileges(connection, current_role())


@pytest.mark.django_db
def test_the_deploy_check_passes_the_application_role(settings: Any) -> None:
    owner()
    settings.DEBUG = False
    assert dbroles.check_app_role() == []


@pytest.mark.django_db(transaction=True)
def test_the_deploy_check_refuses_a_role_that_owns_the_tables(settings: Any) -> None:
    settings.DEBUG = False
    with dbroles.connected_as(connection, owner()):
        messages = dbroles.check_app_role()
    assert [m.id for m in messages] == ["hrperf.E001"]
    assert "TRUNCATE reviews_" in messages[0].msg or "owns" in messages[0].msg
    assert "DATABASE_OWNER_URL" in str(messages[0].hint)


def test_the_deploy_check_leaves_local_development_alone(settings: Any) -> None:
    settings.DEBUG = True
    assert dbroles.check_app_role() == []
