from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("API clients")

    def ready(self) -> None:
        from clients import tasks  # noqa: F401 (registers the tasks the services name)
