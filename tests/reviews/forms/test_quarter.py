"""The quarter page's targets form: the KPI drop-down grouped by department, by name."""

from __future__ import annotations

import re

from django.utils import translation

from reviews.forms.quarter import BulkTargetsForm
from reviews.selectors.cycles import KpiChoice

KPIS = [
    KpiChoice("MARKET_COST", "市场费用率", "Marketing cost ratio", 1, "市场部", "Marketing"),
    KpiChoice("SALES_PLAN_RATE", "销售计划完成率", "Sales plan rate", 2, "销售部", "Sales"),
    KpiChoice("SALES_REVENUE", "销售额", "", 2, "销售部", "Sales"),
]


def test_kpis_are_grouped_by_department_and_named_in_the_viewers_language() -> None:
    with translation.override("zh-hans"):
        html = str(BulkTargetsForm(kpis=KPIS)["kpi_code"])
    assert re.findall(r'<optgroup label="([^"]+)">', html) == ["市场部", "销售部"]
    assert '<option value="SALES_PLAN_RATE" data-department="2">销售计划完成率</option>' in html
    assert '<option value="MARKET_COST" data-department="1">市场费用率</option>' in html
    assert "Sales plan rate" not in html and ">SALES_PLAN_RATE" not in html  # no raw code
    assert 'data-narrowed-by="department"' in html
    with translation.override("en"):
        html = str(BulkTargetsForm(kpis=KPIS)["kpi_code"])
    assert '<optgroup label="Sales">' in html
    assert ">Sales plan rate</option>" in html
    assert ">销售额</option>" in html  # no English name: the Chinese one


def test_a_kpi_of_the_list_is_accepted_and_another_refused() -> None:
    form = BulkTargetsForm({"kpi_code": "SALES_REVENUE", "target": "5"}, kpis=KPIS)
    assert form.is_valid(), form.errors
    form = BulkTargetsForm({"kpi_code": "OTHER", "target": "5"}, kpis=KPIS)
    assert not form.is_valid() and "kpi_code" in form.errors


def test_departments_are_offered_by_name_not_by_code(departments) -> None:
    with translation.override("zh-hans"):
        html = str(BulkTargetsForm(kpis=KPIS)["department"])
    assert ">销售部</option>" in html and "SALES" not in html
