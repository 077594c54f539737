"""The dashboard of the current quarter: its progress, grades and department averages as far as
the viewer sees them, what waits for the viewer (every to-do, `todos_of`), and an employee's own
approved results."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy

from hrperf.lib.numbers import chart_number
from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from improvement.selectors import written_warnings_to_flag
from reviews import selectors
from reviews.models import Review
from reviews.pages.common import chosen_cycle
from reviews.selectors import dashboard as at_a_glance
from reviews.selectors.todos import todos_of


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
    if sees_quarter:
        cycles = selectors.cycles_newest_first()
        cycle = chosen_cycle(cycles, request.GET.get("period"))
        context.update(cycles=cycles, cycle=cycle)
        if cycle is not None:
            department_id = None if roles.sees_all_reviews else roles.headed_department_id
            overview = at_a_glance.cycle_overview(
                viewer_roles=roles, cycle=cycle, department_id=department_id
            )
            context.update(
                overview=overview,
                states=[
                    (state, label, overview.by_state[state])
                    for state, label in Review.State.choices
                ],
                charts=_overview_charts(overview),
                department_only=department_id is not None,
            )
    context["todos"] = todos_of(request.user)
    context["written_warnings"] = list(written_warnings_to_flag(viewer_roles=roles)[:10])
    if roles.employee is not None:
        context["my_reviews"] = at_a_glance.my_approved_reviews(viewer_roles=roles)
    return render(request, "reviews/dashboard.html", context)


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
]
