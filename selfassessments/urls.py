"""The pages of selfassessments."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "selfassessments"

urlpatterns: list[URLPattern] = []
