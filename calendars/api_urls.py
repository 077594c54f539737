"""The API of calendars, mounted under /api/v1/ in the `api-v1` namespace."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
