"""The pages of appeals."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "appeals"

urlpatterns: list[URLPattern] = []
