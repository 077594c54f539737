"""The pages of appeals."""

from appeals.pages import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
