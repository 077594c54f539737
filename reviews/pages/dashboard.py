"""The dashboard of the current quarter: its progress, grades and department averages as far as
the viewer sees them, what waits for the viewer, and an employee's own approved results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from hrperf.lib.numbers import chart_number
from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from hrperf.lib.todos import Todo
from improvement.selectors import written_warnings_to_flag
from reviews import selectors
from reviews.models import Review, ReviewCycle
from reviews.pages import todos
from reviews.pages.common import chosen_cycle
from reviews.selectors import dashboard as at_a_glance

WAITING_TEXT = {
    "to_approve": gettext_lazy("Scored, awaiting your approval"),
    "director_ratings": gettext_lazy("Drafts still missing your competency ratings"),
    "returned": gettext_lazy("Returned by the director"),
    "reopened": gettext_lazy("Reopened by the director"),
    "incomplete": gettext_lazy("Drafts still missing figures or ratings"),
    "ready": gettext_lazy("Complete drafts ready to submit"),
    "hr_ratings": gettext_lazy("Drafts still missing HR's competency ratings"),
}
# Which of the quarter's reviews each kind of work lists (the review list's filters).
WAITING_FILTERS: dict[str, dict[str, str]] = {
    "director_ratings": {"state": Review.State.DRAFT, "needs": "director_ratings"},
    "returned": {"state": Review.State.RETURNED},
    "reopened": {"state": Review.State.REOPENED},
    "incomplete": {"state": Review.State.DRAFT, "needs": "incomplete"},
    "ready": {"state": Review.State.DRAFT, "needs": "ready"},
    "hr_ratings": {"state": Review.State.DRAFT, "needs": "hr_ratings"},
}


@dataclass(frozen=True)
class WaitingItem:
    kind: str
    label: str
    count: int
    url: str


def _waiting_items(cycle: ReviewCycle, waiting: at_a_glance.Waiting) -> list[WaitingItem]:
    items = []
    for kind, count in waiting.counts.items():
        if kind == "to_approve":
            url = reverse("reviews:queue")
        else:
            url = reverse("reviews:review_list", args=[cycle.period])
            url += "?" + urlencode(WAITING_FILTERS[kind])
        items.append(WaitingItem(kind=kind, label=str(WAITING_TEXT[kind]), count=count, url=url))
    return items


def _overview_charts(overview: at_a_glance.Overview) -> dict[str, Any]:
    return {
        "grades": {
            "type": "bar",
            "labels": list(overview.grades),
            "datasets": [
                {"label": str(gettext_lazy("Reviews")), "data": list(overview.grades.values())}
            ],
        },
        "departments": {
            "type": "bar",
            "horizontal": True,
            "labels": [row.department.name for row in overview.department_averages],
            "datasets": [
                {
                    "label": str(gettext_lazy("Average total score")),
                    "data": [chart_number(row.average) for row in overview.department_averages],
                }
            ],
        },
    }


@allowed("signed_in")
def dashboard(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    sees_quarter = roles.sees_quarters
    context: dict[str, Any] = {
        "has_role": sees_quarter or roles.employee is not None,
        "sees_quarter": sees_quarter,
    }
    review_work: list[Todo] = []
    if sees_quarter:
        cycles = selectors.cycles_newest_first()
        cycle = chosen_cycle(cycles, request.GET.get("period"))
        context.update(cycles=cycles, cycle=cycle)
        if cycle is not None:
            department_id = None if roles.sees_all_reviews else roles.headed_department_id
            overview = at_a_glance.cycle_overview(
                viewer_roles=roles, cycle=cycle, department_id=department_id
            )
            waiting = at_a_glance.waiting_for(
                viewer_roles=roles, cycle=cycle, by_state=overview.by_state
            )
            review_work = todos.review_work(cycle, _waiting_items(cycle, waiting))
            context.update(
                overview=overview,
                states=[
                    (state, label, overview.by_state[state])
                    for state, label in Review.State.choices
                ],
                charts=_overview_charts(overview),
                department_only=department_id is not None,
            )
    context["todos"] = todos.todos(viewer_roles=roles, user=request.user, review_items=review_work)
    context["written_warnings"] = list(written_warnings_to_flag(viewer_roles=roles)[:10])
    if roles.employee is not None:
        context["my_reviews"] = at_a_glance.my_approved_reviews(viewer_roles=roles)
    return render(request, "reviews/dashboard.html", context)


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
]
