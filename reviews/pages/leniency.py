"""The leniency page of a quarter's calibration (绩效校准): each assessor's mean rating per
department against the division's (HR and the director, as the reports)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from reviews.pages.common import cycle_or_404
from reviews.selectors.aggregates import DepartmentRef
from reviews.selectors.leniency import calibration_departments, leniency


def chosen_department(
    request: HttpRequest, departments: list[DepartmentRef]
) -> DepartmentRef | None:
    """The department `?department=<code>` names (any case; a 404 if there is none such), or
    None for the whole division."""
    code = request.GET.get("department", "").strip().upper()
    if not code:
        return None
    for department in departments:
        if department.code.upper() == code:
            return department
    raise Http404


def calibration_context(request: HttpRequest) -> dict[str, Any]:
    """The department filter both calibration pages share."""
    departments = calibration_departments()
    chosen = chosen_department(request, departments)
    return {"departments": departments, "department": chosen}


@require_safe
@allowed("sees_reports")
def leniency_page(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    context = calibration_context(request)
    chosen = context["department"]
    data = leniency(
        viewer_roles=roles_of(request.user),
        cycle=cycle,
        department_id=chosen.id if chosen else None,
        departments=context["departments"],
    )
    return render(request, "reviews/leniency.html", {**context, "cycle": cycle, "data": data})


urlpatterns = [
    path(
        "quarters/<str:period>/calibration/leniency/",
        leniency_page,
        name="calibration_leniency",
    ),
]
