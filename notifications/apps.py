from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


def check_site_url(**kwargs: Any) -> list[checks.CheckMessage]:
    """Links in mails and chat messages need the product's address (a deploy check)."""
    if settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "SITE_URL is not set: the links in notifications are paths without the address.",
            hint="Set SITE_URL to the address people open hrperf at, such as "
            "https://hr.example.com.",
            id="notifications.W001",
        )
    ]


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from notifications import tasks  # noqa: F401 (registers the tasks the services name)

        checks.register(check_site_url, deploy=True)
