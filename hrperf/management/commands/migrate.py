"""`manage.py migrate`, as the owner of the tables when DATABASE_OWNER_URL is set.

It migrates connected as the owner's role, then leaves the application's role (the one of
DATABASE_URL) exactly the privileges hrperf/dbroles.py lists, and refuses to finish while that
role could still undo the triggers. Without DATABASE_OWNER_URL (SQLite, one role in local
development) it is Django's migrate.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections

from hrperf import dbroles


class Command(MigrateCommand):
    help = (
        "Updates the database schema, as the owner's role when DATABASE_OWNER_URL is set, then "
        "grants the application's role (DATABASE_URL) what it needs and nothing more."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        database = options["database"]
        owner = dbroles.owner_credentials()
        connection = connections[database]
        if (
            owner is None
            or database != DEFAULT_DB_ALIAS
            or connection.vendor != "postgresql"
            or options.get("plan")
            or options.get("check_unapplied")
        ):
            # Nothing to grant after only showing the plan or checking for unapplied migrations.
            super().handle(*args, **options)
            return
        app_role = str(settings.DATABASES[database]["USER"])
        with dbroles.connected_as(connection, owner):
            super().handle(*args, **options)
            try:
                dbroles.grant_app_privileges(connection, app_role)
            except RuntimeError as error:
                raise CommandError(str(error)) from error
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Migrated as {owner['USER']}; {app_role} holds only what the application needs."
            )
