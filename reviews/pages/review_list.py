"""A quarter's list of reviews, filtered and searched, 50 to a page; and HR's submit-all: every
complete review matching the list's filter submitted at once, after a confirmation step that
shows how many (the incomplete ones counted apart and named)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from departments.models import Department
from hrperf.lib.errors import Conflict
from hrperf.lib.pages import allowed
from hrperf.lib.roles import Roles, roles_of
from reviews import selectors, services, workflow
from reviews.forms.queue import BulkConfirmForm
from reviews.forms.review import ReviewFilterForm
from reviews.models import Review, ReviewCycle
from reviews.pages.common import PAGE_SIZE, cycle_or_404
from reviews.pages.lists import query_of
from reviews.workflow import Action

LIST_KEYS = ("department", "state", "grade", "warning", "needs", "q")


def _filtered(
    roles: Roles, cycle: ReviewCycle, query: QueryDict
) -> tuple[ReviewFilterForm, QuerySet[Review]]:
    """The filter form as read from `query` and the reviews it keeps that the viewer sees (a
    filter that makes no sense keeps every review, and the form says why)."""
    form = ReviewFilterForm(query or None)
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
    return form, selectors.review_list_search(reviews, text)


@allowed("sees_reviews")
def review_list(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    roles = roles_of(request.user)
    form, reviews = _filtered(roles, cycle, request.GET)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {"cycle": cycle, "form": form, "page": page}
    if workflow.holds(Action.SUBMIT, roles):
        # What submit-all would take: one query counting both.
        context["submit_all"] = reviews.filter(
            state__in=workflow.rule(Action.SUBMIT).within
        ).aggregate(
            ready=Count("pk", filter=Q(incomplete_reasons=[])),
            incomplete=Count("pk", filter=~Q(incomplete_reasons=[])),
        )
        context["list_query"] = query_of(request.GET, LIST_KEYS).urlencode()
    # A filter that makes no sense is named above the (unfiltered) list, as on the queue.
    return render(
        request,
        "reviews/review_list.html",
        context,
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@allowed("is_hr")
@require_http_methods(["GET", "POST"])
def review_submit_all(request: HttpRequest, period: str) -> HttpResponse:
    """The confirmation of submit-all (GET: the count, the incomplete ones named), and the
    submission (POST: refused, with the new count, if the set changed since it was counted)."""
    cycle = cycle_or_404(period)
    roles = roles_of(request.user)
    source = request.POST.get("query", "") if request.method == "POST" else request.GET
    query = query_of(source, LIST_KEYS)
    _form, reviews = _filtered(roles, cycle, query)
    list_url = reverse("reviews:review_list", args=[cycle.period])
    back = list_url + (f"?{query.urlencode()}" if query else "")
    message, status = "", 200
    if request.method == "POST":
        confirm = BulkConfirmForm(request.POST)
        if not confirm.is_valid():
            message, status = gettext("Confirm the number of reviews again."), 400
        else:
            try:
                outcome = services.reviews_submit_batch(
                    actor=request.user,
                    reviews=reviews,
                    expected=confirm.cleaned_data["expected"],
                    fingerprint=confirm.cleaned_data["fingerprint"],
                )
            except Conflict as error:
                message, status = str(error.message), 409
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s review submitted for scoring.",
                        "%(count)s reviews submitted for scoring.",
                        outcome.done,
                    )
                    % {"count": f"{outcome.done:,}"},
                )
                return HttpResponseRedirect(back)
    batch = selectors.submittable(reviews)
    return render(
        request,
        "reviews/bulk_confirm.html",
        {
            "cycle": cycle,
            "kind": "submit",
            "batch": batch,
            "query": query.urlencode(),
            "action": reverse("reviews:review_submit_all", args=[cycle.period]),
            "back": back,
            "message": message,
        },
        status=status,
    )


urlpatterns = [
    path("quarters/<str:period>/reviews/", review_list, name="review_list"),
    path("quarters/<str:period>/reviews/submit-all/", review_submit_all, name="review_submit_all"),
]
