"""The KPI library: every KPI of the catalogue with its direction, unit, default target and
weight and how it is measured, searchable and filtered; and a KPI as a row of a table (the
library and a department's job description show them alike)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from hrperf.lib.numbers import grouped
from hrperf.lib.pages import allowed
from kpis import selectors
from kpis.forms import KpiFilterForm
from kpis.models import Kpi
from kpis.values import MAX_DECIMAL_PLACES, MAX_WEIGHT, limits_of, limits_text


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    unit: str
    target: str | None  # None: HR sets the target each cycle
    limits: str  # the figures it allows, such as "0 to 100"


def kpi_row(kpi: Kpi) -> KpiRow:
    target = kpi.default_target
    return KpiRow(
        kpi=kpi,
        unit=kpi.get_unit_display(),
        target=None if target is None else grouped(target),
        limits=limits_text(limits_of(kpi)),
    )


@require_safe
@allowed("sees_catalogue")
def kpi_library(request: HttpRequest) -> HttpResponse:
    form = KpiFilterForm(request.GET)
    form.is_valid()  # invalid filters are shown with their error and not applied
    data = form.cleaned_data
    department = data.get("department")
    kpis = selectors.kpi_list(
        query=data.get("q") or "",
        department_id=department.pk if department is not None else None,
        direction=data.get("direction") or "",
        unit=data.get("unit") or "",
    )
    rows = [kpi_row(kpi) for kpi in kpis]
    return render(
        request,
        "kpis/library.html",
        {
            "form": form,
            "rows": rows,
            "total": selectors.catalogue_kpis().count(),
            "filtered": any(request.GET.get(name) for name in form.fields),
            "max_places": MAX_DECIMAL_PLACES,
            "max_weight": MAX_WEIGHT,
        },
    )
