"""The KPIs of the catalogue over the API."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from kpis.models import Kpi
from tests.helpers.api import API, CATALOGUE_ACCESS, error_of, field_names


@pytest.mark.parametrize(("persona", "status"), CATALOGUE_ACCESS.items())
def test_who_may_list_the_kpis(call_as: Callable[..., Any], persona, status) -> None:
    assert call_as(persona, "GET", f"{API}kpis/").status_code == status


def test_it_lists_the_kpis_of_one_department(call_as: Callable[..., Any], departments) -> None:
    body = call_as("head", "GET", f"{API}kpis/", {"department": "sales"}).json()
    assert [(kpi["department"], kpi["code"]) for kpi in body] == [("SALES", "SALES_PLAN_RATE")]
    assert call_as("head", "GET", f"{API}kpis/", {"department": "MARKET"}).json() == []


def test_it_rejects_the_kpis_of_an_unknown_department(
    call_as: Callable[..., Any], departments
) -> None:
    error = error_of(call_as("hr", "GET", f"{API}kpis/", {"department": "NOPE"}), 400, "invalid")
    assert field_names(error) == ["department"]


def test_each_kpi_says_the_figures_it_allows(call_as: Callable[..., Any], departments) -> None:
    Kpi.objects.filter(code="SALES_PLAN_RATE").update(maximum=Decimal(100))
    [kpi] = call_as("hr", "GET", f"{API}kpis/", {"department": "SALES"}).json()
    assert (kpi["unit"], kpi["minimum"], kpi["maximum"], kpi["whole_numbers"]) == (
        "percent",
        "0.0000",
        "100.0000",
        False,
    )
    Kpi.objects.filter(code="SALES_PLAN_RATE").update(unit="count", maximum=None)
    [kpi] = call_as("hr", "GET", f"{API}kpis/", {"department": "SALES"}).json()
    assert (kpi["maximum"], kpi["whole_numbers"]) == (None, True)
