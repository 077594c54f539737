"""`python manage.py create_api_token --client NAME --scope payroll|hr [--create-client]`

Prints the new raw token on standard output, alone on its line, once: it is not stored and
cannot be shown again (revoke it and make another if it is lost). Notes go to standard error, so
`TOKEN=$(python manage.py create_api_token …)` captures the token only.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from clients import services
from clients.models import ApiClient, Scope
from hrperf.lib.errors import DomainError, ValidationFailed


class Command(BaseCommand):
    help = (
        "Create an API token for a client and print it once. The token is not stored: copy it "
        "now. With --create-client, the client is created first if it does not exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client", required=True, help="the client's name, such as payroll")
        parser.add_argument(
            "--scope",
            required=True,
            choices=Scope.values,
            help="payroll: read approved scores only; hr: everything HR may do",
        )
        parser.add_argument(
            "--create-client",
            action="store_true",
            help="create the client if there is none of that name",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["client"].strip().lower()
        try:
            with transaction.atomic():
                client = ApiClient.objects.filter(name=name).first()
                if client is None:
                    if not options["create_client"]:
                        raise CommandError(
                            _("There is no API client named %(name)s: add --create-client.")
                            % {"name": name}
                        )
                    client = services.client_create(actor=None, name=name)
                    self.stderr.write(_("Created the API client %(name)s.") % {"name": name})
                token, raw = services.token_create(
                    actor=None, client=client, scope=options["scope"]
                )
        except ValidationFailed as failure:
            raise CommandError(
                "; ".join(f"{error.field}: {error.message}" for error in failure.errors)
            ) from failure
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stderr.write(
            _(
                "Token %(prefix)s (scope %(scope)s) for %(client)s. Copy it now: "
                "it will not be shown again."
            )
            % {"prefix": token.prefix, "scope": token.scope, "client": client.name}
        )
        self.stdout.write(raw)
