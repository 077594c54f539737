"""Reads of the KPI library. Only KPIs still in the catalogue (`is_active`) are listed: a KPI
removed from the catalogue but kept for the reviews that use it is not part of a department
any more."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kpis.models import Kpi


def catalogue_kpis() -> QuerySet[Kpi]:
    """The KPIs of the catalogue, each department's in its own order."""
    return Kpi.objects.filter(is_active=True).order_by("order")


def kpi_list(
    *, query: str = "", department_id: int | None = None, direction: str = "", unit: str = ""
) -> QuerySet[Kpi]:
    """The catalogue's KPIs in catalogue order (by department, then the department's own
    order), each with its department; `query` matches the code, the names and the definitions
    in both languages, ignoring case. One query."""
    kpis = catalogue_kpis().select_related("department").order_by("department__seq", "order")
    query = query.strip()
    if query:
        texts = Q(code__icontains=query)
        for field in ("name_zh", "name_en", "definition_zh", "definition_en"):
            texts |= Q(**{f"{field}__icontains": query})
        kpis = kpis.filter(texts)
    if department_id is not None:
        kpis = kpis.filter(department_id=department_id)
    if direction:
        kpis = kpis.filter(direction=direction)
    if unit:
        kpis = kpis.filter(unit=unit)
    return kpis
