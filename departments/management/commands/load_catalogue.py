"""`python manage.py load_catalogue [PATH]`: load the department catalogue (safe to run again)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from departments.catalogue import CatalogueError, catalogue_load


class Command(BaseCommand):
    help = (
        "Load the department catalogue from a YAML file (default: fixtures/catalogue.yaml). "
        "Rows are matched by code, so running it again changes only what the file changed; "
        "a file with any problem is refused whole."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", type=Path, help="catalogue file (default: fixtures/catalogue.yaml)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = catalogue_load(path=options["path"])
        except CatalogueError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("The catalogue was not loaded, nothing was changed (problems: %(count)s).")
                % {"count": len(error.problems)}
            ) from None
        self.stdout.write(_("Catalogue file: %(path)s") % {"path": report.path})
        for label, counts in report.kinds():
            self.stdout.write(
                _(
                    "%(kind)s: %(created)s created, %(updated)s updated, %(deleted)s deleted, "
                    "%(deactivated)s deactivated"
                )
                % {
                    "kind": label,
                    "created": counts.created,
                    "updated": counts.updated,
                    "deleted": counts.deleted,
                    "deactivated": counts.deactivated,
                }
            )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if report.changed:
            self.stdout.write(self.style.SUCCESS(_("The catalogue was loaded.")))
        else:
            self.stdout.write(
                self.style.SUCCESS(_("The catalogue was already up to date: nothing changed."))
            )
