"""The reports across quarters, from what was approved (HR and the director): filtered by a
range of quarters (`from`, `to`; `period` is the old name of `to`) and a department (its
code), each figure of the last quarter beside the quarter before and linked to the reviews
behind it; the department trend as small multiples (one panel a department, one scale, the
division's line as reference); and their Excel workbook with the same filters."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy

from departments.models import Department
from departments.selectors import department_list
from hrperf.lib.numbers import chart_number, two
from hrperf.lib.pages import XLSX_CONTENT_TYPE, allowed
from hrperf.lib.periods import clean_period
from hrperf.lib.roles import roles_of
from reviews import selectors
from reviews.files.reports import report_workbook
from reviews.models import ReviewCycle
from reviews.pages.common import chosen_cycle
from reviews.selectors import reports, visibility

MINUS = "\u2212"  # a figure's minus sign, as people read it: −1.10


def signed(value: Decimal | int | None) -> str:
    """A change with its sign: +2.35, −1.10, 0.00 (scores, 2 places); +3, −1, 0 (counts);
    "" for None."""
    if value is None:
        return ""
    text = two(value) if isinstance(value, Decimal) else str(value)
    if text.startswith("-"):
        return MINUS + text[1:]
    return text if Decimal(text) == 0 else f"+{text}"


def percent(value: Decimal | None) -> str:
    """A share in percent without needless decimals: 25%, 33.3%, 100%; "" for None."""
    if value is None:
        return ""
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text}%"


@dataclass(frozen=True)
class Filters:
    period_from: str | None
    period_to: str
    department: Department | None

    def query(self, **extra: str) -> str:
        params = {"from": self.period_from or "", "to": self.period_to}
        if self.department is not None:
            params["department"] = self.department.code
        return urlencode({**params, **extra})


def _period(cycles: list[ReviewCycle], raw: str | None) -> str | None:
    """A quarter the filter names: one that was opened (a 404 otherwise); None when not given."""
    if not raw:
        return None
    wanted = clean_period(raw)
    if not any(cycle.period == wanted for cycle in cycles):
        raise Http404
    return wanted


def _filters(request: HttpRequest, cycles: list[ReviewCycle]) -> Filters | None:
    to = _period(cycles, request.GET.get("to") or request.GET.get("period"))
    if to is None:
        cycle = chosen_cycle(cycles, None)
        if cycle is None:
            return None
        to = cycle.period
    start = _period(cycles, request.GET.get("from"))
    if start is not None and start > to:
        start, to = to, start
    code = request.GET.get("department") or ""
    department = None
    if code:
        department = department_list().filter(code=code).first()
        if department is None:
            raise Http404
    return Filters(period_from=start, period_to=to, department=department)


def _report_of(
    request: HttpRequest,
) -> tuple[list[ReviewCycle], Filters | None, reports.Report | None]:
    cycles = selectors.cycles_newest_first()
    filters = _filters(request, cycles)
    if filters is None:
        return cycles, None, None
    data = reports.report(
        cycles=cycles,
        period=filters.period_to,
        period_from=filters.period_from,
        department_id=filters.department.pk if filters.department else None,
    )
    return cycles, filters, data


# -- the quarter-on-quarter table ------------------------------------------------------------


def _reviews_url(period: str, department_id: int | None, **filters: str) -> str:
    params = {**({"department": str(department_id)} if department_id else {}), **filters}
    url = reverse("reviews:review_list", kwargs={"period": period})
    return f"{url}?{urlencode(params)}" if params else url


def _change_row(series: reports.Series, period: str) -> dict[str, Any]:
    change = series.last
    department = series.department
    department_id = department.id if department else None
    figures = change.now
    return {
        "code": department.code if department else "",
        "name": department.name if department else gettext("All departments shown"),
        "count": figures.count,
        "count_delta": signed(change.count_delta),
        "mean": two(figures.mean),
        "mean_delta": signed(change.mean_delta),
        "mean_url": _reviews_url(period, department_id),
        "grades": [
            {
                "grade": grade,
                "count": count,
                "share": percent(share),
                "delta": signed(delta),
                "url": _reviews_url(period, department_id, grade=grade),
            }
            for grade, count, share, delta in zip(
                reports.GRADES, figures.grades, figures.shares, change.grade_deltas, strict=True
            )
        ],
        "warnings": figures.warnings,
        "warnings_delta": signed(change.warnings_delta),
        "warnings_url": _reviews_url(period, department_id, warning="yes"),
    }


# -- the trend as small multiples ---------------------------------------------------------------

PANEL_WIDTH, PANEL_HEIGHT = 240, 110
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 30, 232, 8, 92


def _scale(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    """One scale for every panel: from the lowest to the highest mean, widened to tens."""
    if not values:
        return Decimal(0), Decimal(100)
    low = (min(values) / 10).to_integral_value(rounding="ROUND_FLOOR") * 10
    high = (max(values) / 10).to_integral_value(rounding="ROUND_CEILING") * 10
    return (low, high) if high > low else (low - 10, high + 10)


def _points(
    averages: list[Decimal | None], low: Decimal, high: Decimal
) -> tuple[list[str], list[dict[str, str]]]:
    """The polylines (one for each run of quarters with a figure) and the dots of a series."""
    count = len(averages)
    step = Decimal(PLOT_RIGHT - PLOT_LEFT) / (count - 1) if count > 1 else Decimal(0)
    lines: list[str] = []
    run: list[str] = []
    dots = []
    for index, value in enumerate(averages):
        if value is None:
            if len(run) > 1:
                lines.append(" ".join(run))
            run = []
            continue
        x = PLOT_LEFT + step * index if count > 1 else Decimal(PLOT_LEFT + PLOT_RIGHT) / 2
        y = PLOT_BOTTOM - (value - low) / (high - low) * (PLOT_BOTTOM - PLOT_TOP)
        point = f"{x:.1f},{y:.1f}"
        run.append(point)
        dots.append({"x": f"{x:.1f}", "y": f"{y:.1f}", "value": two(value)})
    if len(run) > 1:
        lines.append(" ".join(run))
    return lines, dots


def _panels(data: reports.Report) -> dict[str, Any]:
    values = [v for s in [*data.series, data.division] for v in s.averages if v is not None]
    low, high = _scale(values)
    reference, _dots = _points(data.division.averages, low, high)
    panels = []
    for series in data.series:
        assert series.department is not None
        lines, dots = _points(series.averages, low, high)
        last = series.last
        panels.append(
            {
                "code": series.department.code,
                "name": series.department.name,
                "lines": lines,
                "dots": dots,
                "latest": two(last.now.mean),
                "delta": signed(last.mean_delta),
                "summary": ", ".join(
                    f"{period} {two(value) if value is not None else '—'}"
                    for period, value in zip(data.periods, series.averages, strict=True)
                ),
            }
        )
    return {
        "panels": panels,
        "reference": reference,
        "low": low,
        "high": high,
        "first": data.periods[0] if data.periods else "",
        "last": data.periods[-1] if data.periods else "",
        "width": PANEL_WIDTH,
        "height": PANEL_HEIGHT,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "top": PLOT_TOP,
        "bottom": PLOT_BOTTOM,
    }


def _grades_chart(data: reports.Report) -> dict[str, Any]:
    return {
        "type": "bar",
        "labels": list(reports.GRADES),
        "datasets": [
            {
                "label": str(gettext_lazy("Employees")),
                "data": list(data.division.last.now.grades) if data.periods else [],
            }
        ],
    }


@allowed("sees_reports")
def reports_page(request: HttpRequest) -> HttpResponse:
    cycles, filters, data = _report_of(request)
    context: dict[str, Any] = {
        "cycles": cycles,
        "report": data,
        "filters": filters,
        "departments": list(department_list()),
    }
    if data is not None and filters is not None:
        chosen = next((row for row in data.grades if row.period == data.period), None)
        context.update(
            chosen_grades=chosen,
            grade_rows=list(zip(reports.GRADES, chosen.counts, strict=True)) if chosen else [],
            changes=[_change_row(series, data.period) for series in data.series],
            division=_change_row(data.division, data.period),
            trend=_panels(data),
            charts={
                "grades": _grades_chart(data),
                "trend_numbers": [
                    [chart_number(v) for v in series.averages] for series in data.series
                ],
            },
            closed_at=data.closed_at.get(data.period),
            export_query=filters.query(),
            finals=[period for period in data.periods if data.closed_at.get(period)],
        )
    return render(request, "reviews/reports.html", context)


@allowed("sees_reports")
def reports_export(request: HttpRequest) -> HttpResponse:
    _cycles, filters, data = _report_of(request)
    if data is None or filters is None:
        raise Http404
    content = report_workbook(
        data=data,
        results=reports.approved_results(
            period=data.period, department_id=filters.department.pk if filters.department else None
        ),
        parts=visibility.parts_of(viewer_roles=roles_of(request.user)),
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    name = "-".join(dict.fromkeys(["hrperf-reports", data.period_from, data.period]))
    if filters.department is not None:
        name += f"-{filters.department.code}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


urlpatterns = [
    path("reports/", reports_page, name="reports"),
    path("reports/export.xlsx", reports_export, name="reports_export"),
]
