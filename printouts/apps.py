from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintoutsConfig(AppConfig):
    name = "printouts"
    verbose_name = _("Printouts")

    def ready(self) -> None:
        from printouts import services, tasks  # noqa: F401 (registers the tasks the services name)
        from printouts.pages.sheets import forms_html

        # The forms' HTML is the pages' template (the print page's): handed to the services,
        # which never import the web layer.
        services.renderer_use(forms_html)
