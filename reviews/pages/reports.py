"""The reports across quarters, from what was approved (HR and the director), and their Excel
workbook."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy

from hrperf.lib.numbers import chart_number
from hrperf.lib.pages import XLSX_CONTENT_TYPE, allowed
from hrperf.lib.roles import roles_of
from reviews import selectors
from reviews.files.reports import report_workbook
from reviews.models import ReviewCycle
from reviews.pages.common import chosen_cycle
from reviews.selectors import reports, visibility


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
    cycle = chosen_cycle(cycles, request.GET.get("period"))
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
    content = report_workbook(
        data=data,
        results=reports.approved_results(period=data.period, department_id=None),
        parts=visibility.parts_of(viewer_roles=roles_of(request.user)),
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="hrperf-reports-{data.period}.xlsx"'
    return response


urlpatterns = [
    path("reports/", reports_page, name="reports"),
    path("reports/export.xlsx", reports_export, name="reports_export"),
]
