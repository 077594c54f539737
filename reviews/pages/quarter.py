"""Quarters: the list, opening one with its policy, generating its reviews, targets in bulk,
and importing actual figures."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def quarters(request: HttpRequest) -> HttpResponse:
    raise Http404


def quarter(request: HttpRequest, period: str) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("quarters/", quarters, name="quarters"),
    path("quarters/<str:period>/", quarter, name="quarter"),
]
