"""The project's own app: its management commands (`migrate`, as the owner) and the deploy
check of the application's database role (hrperf/dbroles.py)."""

from django.apps import AppConfig
from django.core import checks


class HrperfConfig(AppConfig):
    name = "hrperf"

    def ready(self) -> None:
        from hrperf import dbroles

        checks.register(dbroles.check_app_role, checks.Tags.security, deploy=True)
