"""The pages of improvement."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "improvement"

urlpatterns: list[URLPattern] = []
