"""A KPI of the library: its limits hold together, and its default target lies within them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kpis.models import Kpi


def kpi(departments, **values) -> Kpi:
    fields = {
        "department": departments["SALES"],
        "code": "SALES_COMPLAINT_RATE",
        "order": 2,
        "name_zh": "投诉率",
        "name_en": "Complaint rate",
        "direction": "lower",
        "unit": "percent",
        "default_target": Decimal(2),
        "default_weight": 0,
        **values,
    }
    return Kpi(**fields)


def test_a_kpi_within_its_limits_is_clean(departments) -> None:
    kpi(departments, maximum=Decimal(100)).full_clean()


def test_a_default_target_above_the_maximum_is_refused(departments) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        kpi(departments, maximum=Decimal(100), default_target=Decimal("103.5")).full_clean()
    assert refused.value.message_dict == {
        "default_target": ["target 103.5 is above this KPI's maximum of 100 (a share of a whole)."]
    }


def test_a_maximum_below_the_minimum_is_refused(departments) -> None:
    with pytest.raises(ValidationError) as refused:
        kpi(departments, minimum=Decimal(5), maximum=Decimal(1), default_target=None).full_clean()
    assert list(refused.value.message_dict) == ["maximum"]


def test_a_count_takes_a_whole_default_target(departments) -> None:
    with pytest.raises(ValidationError) as refused:
        kpi(departments, unit="count", default_target=Decimal("2.5")).full_clean()
    assert list(refused.value.message_dict) == ["default_target"]
