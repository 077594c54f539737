"""The API of appeals, mounted under /api/v1/ in the `api-v1` namespace."""

from appeals.api import urlpatterns

__all__ = ["urlpatterns"]
