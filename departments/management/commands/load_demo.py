"""`python manage.py load_demo`: a demo roster and one login per role, for local use only.

Safe to run again: the roster is imported (matched by employee number) and the logins are
reused, each with a new random password, printed at the end. Runs only with DEBUG on (or
with --force), so it never leaves known logins on a server.
"""

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from departments.models import Department, Employee
from departments.services import employee_import, employee_update
from hrperf.lib import roles
from hrperf.lib.tables import ImportRejected

DEMO_ROSTER = Path(settings.BASE_DIR) / "fixtures" / "demo_roster.csv"
HEAD_DEPARTMENT = "SALES"
# HR may edit the catalogue and the roster in the admin site.
HR_ADMIN_APPS = ("departments", "kpis")
HR_ADMIN_ACTIONS = ("view", "add", "change")


class Command(BaseCommand):
    help = (
        "Create a demo roster (fixtures/demo_roster.csv) and the demo logins admin, hr, "
        "director, head and employee, each with a new random password. Local use only: "
        "refused unless DEBUG is on or --force is given. Run load_catalogue first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even with DEBUG off (never on a server that others can reach)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or options["force"]):
            raise CommandError(
                _(
                    "load_demo creates logins whose passwords are printed on screen: it runs "
                    "only with DEBUG on, or with --force."
                )
            )
        if not Department.objects.exists():
            raise CommandError(
                _("There are no departments yet: run “python manage.py load_catalogue” first.")
            )
        with transaction.atomic():
            logins = self._load()
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(_("Demo logins, for local use only (new passwords on every run):"))
        )
        headings = (_("Username"), _("Role"), _("Password"))
        table = [headings, *logins]
        widths = [max(_width(row[column]) for row in table) for column in range(3)]
        for row in table:
            self.stdout.write(
                "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True))
            )

    def _load(self) -> list[tuple[str, str, str]]:
        admin, admin_password = _login("admin", is_staff=True, is_superuser=True)
        with DEMO_ROSTER.open("rb") as file:
            try:
                result = employee_import(file=file, filename=DEMO_ROSTER.name, actor=admin)
            except ImportRejected as rejected:
                for error in rejected.errors:
                    where = "" if error.row is None else f"{error.row}: "
                    self.stderr.write(f"{DEMO_ROSTER.name} {where}{error.message}")
                raise CommandError(
                    _(
                        "The demo roster was not imported. "
                        "Does the catalogue hold every department of %(file)s?"
                    )
                    % {"file": DEMO_ROSTER.name}
                ) from None
        self.stdout.write(
            _("Demo roster: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )

        hr, hr_password = _login("hr", is_staff=True, group=roles.HR)
        hr.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=HR_ADMIN_APPS,
                codename__regex=rf"^({'|'.join(HR_ADMIN_ACTIONS)})_",
            )
        )
        director, director_password = _login("director", group=roles.DIRECTOR)

        team = Employee.objects.filter(department__code=HEAD_DEPARTMENT, is_active=True).order_by(
            "employee_no"
        )
        head_employee = team.filter(is_department_head=True).first()
        member = team.filter(is_department_head=False).first()
        if head_employee is None or member is None:
            raise CommandError(
                _("The demo roster needs a head and another employee in %(department)s.")
                % {"department": HEAD_DEPARTMENT}
            )
        head, head_password = _login("head")
        _link(admin, head, head_employee)
        employee, employee_password = _login("employee")
        _link(admin, employee, member)

        return [
            (admin.get_username(), _("Administrator"), admin_password),
            (hr.get_username(), _("HR"), hr_password),
            (director.get_username(), _("Marketing director"), director_password),
            (
                head.get_username(),
                _("Department head (%(employee)s)") % {"employee": head_employee},
                head_password,
            ),
            (
                employee.get_username(),
                _("Employee (%(employee)s)") % {"employee": member},
                employee_password,
            ),
        ]


def _login(
    username: str, *, is_staff: bool = False, is_superuser: bool = False, group: str = ""
) -> tuple[User, str]:
    """The demo login `username`, with the given flags and a new random password."""
    user, _created = User.objects.get_or_create(username=username)
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.is_active = True
    user.is_staff = is_staff
    user.is_superuser = is_superuser
    user.save()
    user.groups.set([Group.objects.get_or_create(name=group)[0]] if group else [])
    return user, password


def _link(actor: User, user: User, employee: Employee) -> None:
    """Make `user` the login of `employee` (and of no other employee)."""
    for other in Employee.objects.filter(user=user).exclude(pk=employee.pk):
        employee_update(actor=actor, employee=other, user=None)
    employee_update(actor=actor, employee=employee, user=user)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    return sum(2 if ord(char) >= 0x1100 else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
