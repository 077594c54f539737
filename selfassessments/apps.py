from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfassessmentsConfig(AppConfig):
    name = "selfassessments"
    verbose_name = _("Self-assessments")
