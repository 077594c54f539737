"""Two PostgreSQL roles: the OWNER, which owns the tables and runs the migrations, and the APP
role of the web, worker and beat processes, which owns nothing.

The triggers of reviews/migrations (an approved review is frozen, approved results and audit
events are append-only) hold against any SQL the application's connection sends only because
its role may not remove them: only a table's owner may drop or disable a trigger, TRUNCATE
skips row triggers, and a role that may CREATE in the schema could shadow what they read.

`manage.py migrate` (hrperf/management/commands/migrate.py) connects as the owner when
DATABASE_OWNER_URL is set, migrates, then `grant_app_privileges` gives the role of DATABASE_URL
exactly what it needs, whatever it held before; `app_role_problems` is what the migrate command
and the deploy check (`check_app_role`) verify.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# Rows that are only ever added: the application may read and insert them, nothing more.
APPEND_ONLY = ("reviews_approvedresult", "reviews_auditevent")
# What the migrations write: the application only reads it.
READ_ONLY = ("django_migrations",)
# The tables whose rows the triggers protect.
PROTECTED = (
    "reviews_review",
    "reviews_reviewkpiline",
    "reviews_competencyrating",
    "reviews_approvedresult",
    "reviews_auditevent",
)
WRITES = ("INSERT", "UPDATE", "DELETE")
# What the application's role may never hold on any table.
NEVER = ("TRUNCATE", "TRIGGER", "REFERENCES")


def quote_identifier(name: str) -> str:
    """A PostgreSQL identifier quoted whatever it holds (a '"' inside is doubled)."""
    return '"' + name.replace('"', '""') + '"'


def grant_statements(*, app_role: str, schema: str, quote: Any) -> list[str]:
    """The statements (run as the owner) that leave the application's role exactly: SELECT,
    INSERT, UPDATE, DELETE on the tables; SELECT and INSERT on the append-only ones; SELECT on
    the migrations table; USAGE and SELECT on the sequences; USAGE of the schema, no CREATE.
    Safe to run again: everything is revoked first."""
    role, space = quote(app_role), quote(schema)
    return [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {space} FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {space} FROM {role}",
        f"REVOKE ALL ON SCHEMA {space} FROM {role}",
        # Before PostgreSQL 15 everyone may create in the public schema (a warning, and the
        # check that follows fails, when the owner is not the schema's).
        f"REVOKE CREATE ON SCHEMA {space} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {space} TO {role}",
        f"GRANT SELECT, {', '.join(WRITES)} ON ALL TABLES IN SCHEMA {space} TO {role}",
        f"REVOKE UPDATE, DELETE ON {_tables(APPEND_ONLY, space, quote)} FROM {role}",
        f"REVOKE {', '.join(WRITES)} ON {_tables(READ_ONLY, space, quote)} FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {space} TO {role}",
    ]


def _tables(names: tuple[str, ...], space: str, quote: Any) -> str:
    return ", ".join(f"{space}.{quote(name)}" for name in names)


# Each row: a table of the schema the role owns, or a privilege on it the role must not hold.
PROBLEMS = """
SELECT c.relname,
       pg_has_role(%(role)s, c.relowner, 'USAGE') AS owns,
       ARRAY(SELECT p FROM unnest(%(never)s::text[]) AS p
             WHERE has_table_privilege(%(role)s, c.oid, p)) AS never,
       ARRAY(SELECT p FROM unnest(%(writes)s::text[]) AS p
             WHERE (c.relname = ANY(%(append_only)s) AND p <> 'INSERT'
                    OR c.relname = ANY(%(read_only)s))
               AND has_table_privilege(%(role)s, c.oid, p)) AS limited
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""


def app_role_problems(connection: BaseDatabaseWrapper, app_role: str) -> list[str]:
    """What the role may do that the application's role must not: own a table (and so drop
    or disable its triggers), TRUNCATE, TRIGGER or REFERENCES one, change an append-only or
    read-only table, CREATE in the schema. Empty when it holds just what it needs."""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            PROBLEMS,
            {
                "role": app_role,
                "never": list(NEVER),
                "writes": list(WRITES),
                "append_only": list(APPEND_ONLY),
                "read_only": list(READ_ONLY),
            },
        )
        rows = cursor.fetchall()
        for table, owns, never, limited in rows:
            kinds = (["owns"] if owns else []) + [f"may {p}" for p in [*never, *limited]]
            for kind in kinds:
                found.setdefault(kind, []).append(table)
        cursor.execute("SELECT has_schema_privilege(%s, current_schema(), 'CREATE')", [app_role])
        creates = cursor.fetchone()[0]
    problems = [f"{app_role} {kind} {_some(tables)}" for kind, tables in found.items()]
    if creates:
        problems.append(f"{app_role} may CREATE in the schema")
    if not rows:
        problems.append("there is no table: migrate first")
    return problems


def _some(tables: list[str], shown: int = 3) -> str:
    more = len(tables) - shown
    return ", ".join(tables[:shown]) + (f" and {more} more" if more > 0 else "")


def grant_app_privileges(connection: BaseDatabaseWrapper, app_role: str) -> None:
    """Give the application's role exactly its privileges (run as the owner), then verify;
    raise RuntimeError naming what is still wrong (a table the role owns, a privilege PUBLIC
    holds) with the statement that fixes it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), current_user")
        schema, owner = cursor.fetchone()
        if owner == app_role:
            raise RuntimeError(
                f"DATABASE_OWNER_URL and DATABASE_URL name the same role, {app_role}: the "
                "application's role must be another one, which owns nothing."
            )
        for statement in grant_statements(app_role=app_role, schema=schema, quote=quote_identifier):
            cursor.execute(statement)
    problems = app_role_problems(connection, app_role)
    if problems:
        raise RuntimeError(
            f"The application's role {app_role} still holds more than it needs: "
            f"{'; '.join(problems)}. As a superuser, hand its tables to the owner "
            f"(REASSIGN OWNED BY {app_role} TO {owner}) and take CREATE on the schema from "
            f"everyone (REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC), then migrate again."
        )


@contextmanager
def connected_as(
    connection: BaseDatabaseWrapper, credentials: Mapping[str, Any]
) -> Iterator[BaseDatabaseWrapper]:
    """The connection, reconnected with another role's USER and PASSWORD (same server, same
    database) for the duration; then closed, to reconnect as before when next used. Only this
    thread's connection changes."""
    original = connection.settings_dict
    if credentials["USER"] == original["USER"]:
        yield connection
        return
    connection.close()
    connection.settings_dict = {
        **original,
        "USER": credentials["USER"],
        "PASSWORD": credentials.get("PASSWORD", ""),
    }
    try:
        yield connection
    finally:
        connection.close()
        # Keep what was changed meanwhile (creating the test database renames it).
        original["NAME"] = connection.settings_dict["NAME"]
        connection.settings_dict = original


def owner_credentials() -> Mapping[str, Any] | None:
    """The owner's USER and PASSWORD from DATABASE_OWNER_URL, or None (a single role)."""
    owner: Mapping[str, Any] | None = getattr(settings, "DATABASE_OWNER", None)
    return owner


def check_app_role(**kwargs: Any) -> list[checks.CheckMessage]:
    """Deploy check: on PostgreSQL with DEBUG off, the application's role must own no table
    and hold no privilege that would let it undo the triggers."""
    connection = connections[DEFAULT_DB_ALIAS]
    if settings.DEBUG or connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            role = cursor.fetchone()[0]
        problems = app_role_problems(connection, role)
    except DatabaseError as error:
        return [
            checks.Warning(
                f"Could not check the database role of the application: {error}",
                id="hrperf.W002",
            )
        ]
    if not problems:
        return []
    return [
        checks.Error(
            "The application's database role can undo what the database guarantees: "
            + "; ".join(problems)
            + ".",
            hint=(
                "Run the application as a role that owns nothing (DATABASE_URL) and the "
                "migrations as the owner (DATABASE_OWNER_URL): see README, Two database roles."
            ),
            id="hrperf.E001",
        )
    ]
