"""The API of printouts, mounted under /api/v1/ in the `api-v1` namespace."""

from printouts.api import urlpatterns

__all__ = ["urlpatterns"]
