"""The director's queue, and the list of verbal warnings."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def queue(request: HttpRequest) -> HttpResponse:
    raise Http404


def warnings(request: HttpRequest) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("queue/", queue, name="queue"),
    path("warnings/", warnings, name="warnings"),
]
