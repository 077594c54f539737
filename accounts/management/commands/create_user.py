"""`python manage.py create_user USERNAME --role hr|director|head|employee [--employee NUMBER]
[--email ADDRESS] [--password-stdin] [--update]`

Makes a login with its role (README: Sign-in and lockout). The password is asked twice at the
terminal, or read from the first line of standard input with --password-stdin, and checked by
the password validators. Bad input is reported field by field and nothing is written (exit
status 1). An existing username is refused unless --update is given.
"""

from __future__ import annotations

import sys
from getpass import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from accounts import services
from hrperf.lib.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "Create a login with its role: hr, director, head or employee (a head's and an "
        "employee's login belongs to their roster record, named by --employee)."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="hr, director, head or employee")
        parser.add_argument(
            "--employee", default="", help="the employee number of the login's roster record"
        )
        parser.add_argument("--email", default="", help="the login's email address")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="change the login if the username exists (its password, role and employee)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options)
        try:
            user = services.user_create(
                username=options["username"],
                role=options["role"],
                password=password,
                employee_no=options["employee"],
                email=options["email"],
                update=options["update"],
            )
        except ValidationFailed as failure:
            raise CommandError(
                "\n".join(f"{error.field}: {error.message}" for error in failure.errors)
            ) from failure
        self.stdout.write(
            _("Login %(username)s saved with the role %(role)s.")
            % {"username": user.get_username(), "role": options["role"]}
        )

    def _password(self, options: dict[str, Any]) -> str:
        if options["password_stdin"]:
            stream = options.get("stdin") or sys.stdin
            return str(stream.readline()).rstrip("\r\n")
        if not sys.stdin.isatty():
            raise CommandError(
                _("password: no terminal to ask it at; give it with --password-stdin.")
            )
        first = getpass(_("Password: "))
        if getpass(_("Password (again): ")) != first:
            raise CommandError(_("password: the two passwords differ."))
        return first
