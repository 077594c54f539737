"""A quarter's list of reviews, one review's page with its actions, and its printable form."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def review_list(request: HttpRequest, period: str) -> HttpResponse:
    raise Http404


def review(request: HttpRequest, review_id: int) -> HttpResponse:
    raise Http404


def review_print(request: HttpRequest, review_id: int) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("quarters/<str:period>/reviews/", review_list, name="review_list"),
    path("reviews/<int:review_id>/", review, name="review"),
    path("reviews/<int:review_id>/print/", review_print, name="review_print"),
]
