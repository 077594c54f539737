from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Confirmations and appeals")

    def ready(self) -> None:
        from appeals import tasks  # noqa: F401 (registers the tasks the services name)
