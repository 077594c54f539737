"""The pages of printouts."""

from printouts.pages.jobs import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
