"""The admin's KPI form reads its figures with the one strict reader (kpis/forms.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpis.forms import KpiAdminForm

pytestmark = pytest.mark.django_db


def data(departments, **values: str) -> dict[str, object]:
    return {
        "department": departments["SALES"].pk,
        "code": "SALES_COMPLAINT_RATE",
        "order": "2",
        "name_zh": "投诉率",
        "name_en": "Complaint rate",
        "direction": "lower",
        "unit": "percent",
        "default_target": "2.5",
        "default_weight": "10",
        "minimum": "0",
        "maximum": "100",
        "is_active": "on",
        **values,
    }


def test_plain_figures_are_taken_exactly(departments) -> None:
    form = KpiAdminForm(data=data(departments))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["default_target"] == Decimal("2.5")
    assert form.cleaned_data["default_weight"] == 10


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("default_target", "1e2"),
        ("default_target", "１００"),
        ("default_target", "٩٢.5"),
        ("maximum", "+5"),
        ("minimum", "1_0"),
        ("default_weight", "30.5"),
        ("default_weight", "٣٠"),
    ],
)
def test_a_figure_written_loosely_is_refused_naming_its_field(departments, field, raw) -> None:
    form = KpiAdminForm(data=data(departments, **{field: raw}))
    assert not form.is_valid()
    assert field in form.errors
