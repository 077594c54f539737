"""A quarter's list of reviews, filtered and searched, 50 to a page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from departments.models import Department
from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from reviews import selectors
from reviews.forms.review import ReviewFilterForm
from reviews.pages.common import PAGE_SIZE, cycle_or_404


@allowed("sees_reviews")
def review_list(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    roles = roles_of(request.user)
    form = ReviewFilterForm(request.GET or None)
    if not roles.sees_all_reviews and roles.employee is not None:
        # A head or an employee only ever sees reviews of their own department.
        choices = form.fields["department"]
        if isinstance(choices, ModelChoiceField):
            choices.queryset = Department.objects.filter(pk=roles.employee.department_id)
    filters: dict[str, Any] = {}
    text = ""
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "department_id": data["department"].pk if data["department"] else None,
            "state": data["state"] or None,
            "grade": data["grade"] or None,
            "warning": {"yes": True, "no": False}.get(data["warning"]),
            "needs": data["needs"] or None,
        }
        text = data["q"]
    reviews = selectors.review_list(viewer_roles=roles, cycle=cycle, **filters)
    reviews = selectors.review_list_search(reviews, text)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    # A filter that makes no sense is named above the (unfiltered) list, as on the queue.
    return render(
        request,
        "reviews/review_list.html",
        {"cycle": cycle, "form": form, "page": page},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


urlpatterns = [
    path("quarters/<str:period>/reviews/", review_list, name="review_list"),
]
