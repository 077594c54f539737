"""The dashboard of the current quarter, and the reports across quarters."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def dashboard(request: HttpRequest) -> HttpResponse:
    raise Http404


def reports(request: HttpRequest) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("reports/", reports, name="reports"),
]
