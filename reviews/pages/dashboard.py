"""The dashboard of the current quarter, and the reports across quarters (with their workbook)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from hrperf.lib.numbers import chart_number
from hrperf.lib.pages import XLSX_CONTENT_TYPE, allowed
from hrperf.lib.periods import clean_period
from hrperf.lib.roles import roles_of
from reviews import reports, selectors
from reviews.models import Review, ReviewCycle

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


def _chosen_cycle(cycles: Sequence[ReviewCycle], period: str | None) -> ReviewCycle | None:
    """The quarter `?period=` names (a 404 if there is none such), else the newest open one,
    else the newest."""
    if period:
        wanted = clean_period(period)
        for cycle in cycles:
            if cycle.period == wanted:
                return cycle
        raise Http404
    for cycle in cycles:
        if cycle.status == ReviewCycle.Status.OPEN:
            return cycle
    return cycles[0] if cycles else None


def _waiting_items(cycle: ReviewCycle, waiting: reports.Waiting) -> list[WaitingItem]:
    items = []
    for kind, count in waiting.counts.items():
        if kind == "to_approve":
            url = reverse("reviews:queue")
        else:
            url = reverse("reviews:review_list", args=[cycle.period])
            url += "?" + urlencode(WAITING_FILTERS[kind])
        items.append(WaitingItem(kind=kind, label=str(WAITING_TEXT[kind]), count=count, url=url))
    return items


def _overview_charts(overview: reports.Overview) -> dict[str, Any]:
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
    sees_quarter = roles.is_hr or roles.is_director or roles.is_head
    context: dict[str, Any] = {
        "has_role": sees_quarter or roles.employee is not None,
        "sees_quarter": sees_quarter,
    }
    if sees_quarter:
        cycles = selectors.cycles_newest_first()
        cycle = _chosen_cycle(cycles, request.GET.get("period"))
        context.update(cycles=cycles, cycle=cycle)
        if cycle is not None:
            department_id = None if roles.is_hr or roles.is_director else roles.headed_department_id
            overview = reports.cycle_overview(
                viewer_roles=roles, cycle=cycle, department_id=department_id
            )
            waiting = reports.waiting_for(
                viewer_roles=roles, cycle=cycle, by_state=overview.by_state
            )
            context.update(
                overview=overview,
                states=[
                    (state, label, overview.by_state[state])
                    for state, label in Review.State.choices
                ],
                waiting=_waiting_items(cycle, waiting),
                charts=_overview_charts(overview),
                department_only=department_id is not None,
            )
    if roles.employee is not None:
        context["my_reviews"] = reports.my_approved_reviews(viewer_roles=roles)
    return render(request, "reviews/dashboard.html", context)


def _reports_charts(data: reports.Report, chosen: reports.GradeRow | None) -> dict[str, Any]:
    return {
        "trend": {
            "type": "line",
            "labels": data.periods,
            "datasets": [
                {"label": row.department.name, "data": [chart_number(a) for a in row.averages]}
                for row in data.trend
            ],
        },
        "grades": {
            "type": "bar",
            "labels": list(reports.GRADES),
            "datasets": [
                {
                    "label": str(gettext_lazy("Employees")),
                    "data": chosen.counts if chosen else [0 for _ in reports.GRADES],
                }
            ],
        },
    }


def _report_of(request: HttpRequest) -> tuple[list[ReviewCycle], reports.Report | None]:
    cycles = selectors.cycles_newest_first()
    cycle = _chosen_cycle(cycles, request.GET.get("period"))
    if cycle is None:
        return cycles, None
    return cycles, reports.report(cycles=cycles, period=cycle.period, department_id=None)


@allowed("sees_reports")
def reports_page(request: HttpRequest) -> HttpResponse:
    cycles, data = _report_of(request)
    context: dict[str, Any] = {"cycles": cycles, "report": data}
    if data is not None:
        chosen = next((row for row in data.grades if row.period == data.period), None)
        context.update(
            chosen_grades=chosen,
            grade_rows=list(zip(reports.GRADES, chosen.counts, strict=True)) if chosen else [],
            charts=_reports_charts(data, chosen),
        )
    return render(request, "reviews/reports.html", context)


@allowed("sees_reports")
def reports_export(request: HttpRequest) -> HttpResponse:
    _cycles, data = _report_of(request)
    if data is None:
        raise Http404
    content = reports.report_workbook(
        data=data, results=reports.approved_results(period=data.period, department_id=None)
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="hrperf-reports-{data.period}.xlsx"'
    return response


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("reports/", reports_page, name="reports"),
    path("reports/export.xlsx", reports_export, name="reports_export"),
]
