"""The pages of evidence."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "evidence"

urlpatterns: list[URLPattern] = []
