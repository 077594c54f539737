"""The catalogue over the API: departments and a department's job description (the KPIs:
tests/kpis/test_api.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from departments.models import Duty, PolicyItem, QualificationItem
from reviews import services
from tests.helpers.api import (
    API,
    CATALOGUE_ACCESS,
    create_short_competencies,
    error_of,
    field_names,
)


@pytest.fixture
def job_description(departments: dict[str, Any]) -> None:
    sales = departments["SALES"]
    sales.education_zh, sales.education_en = "本科", "Bachelor's degree"
    sales.experience_years = 3
    sales.save()
    Duty.objects.create(department=sales, order=1, text_zh="制定销售计划", text_en="Plan sales")
    QualificationItem.objects.create(
        department=sales, kind="major", order=1, text_zh="市场营销", text_en="Marketing"
    )
    QualificationItem.objects.create(
        department=sales, kind="ability", order=1, text_zh="沟通能力", text_en="Communication"
    )
    PolicyItem.objects.create(
        kind="frequency", code="quarterly", order=1, text_zh="每季度", text_en="Quarterly"
    )
    create_short_competencies()


@pytest.mark.parametrize(("persona", "status"), CATALOGUE_ACCESS.items())
def test_who_may_list_the_departments(call_as: Callable[..., Any], persona, status) -> None:
    assert call_as(persona, "GET", f"{API}departments/").status_code == status


@pytest.mark.parametrize(("persona", "status"), {**CATALOGUE_ACCESS, "outsider": 404}.items())
def test_who_may_read_a_job_description(call_as: Callable[..., Any], persona, status) -> None:
    assert call_as(persona, "GET", f"{API}departments/SALES/").status_code == status


@pytest.mark.parametrize(
    "path", ["departments/", "departments/SALES/", "kpis/", "kpis/?department=SALES"]
)
def test_a_payroll_token_may_not_read_the_catalogue(call_as: Callable[..., Any], path: str) -> None:
    error_of(call_as("token:payroll", "GET", f"{API}{path}"), 403, "insufficient_scope")
    error_of(call_as(None, "GET", f"{API}{path}"), 401, "not_authenticated")
    assert call_as("token:hr", "GET", f"{API}{path}").status_code == 200


def test_it_lists_the_departments_in_catalogue_order_with_both_languages(
    call_as: Callable[..., Any], departments: dict[str, Any]
) -> None:
    body = call_as("employee", "GET", f"{API}departments/").json()
    assert [row["code"] for row in body] == ["MARKET", "SALES"]
    sales = body[1]
    assert sales["name"] == {"zh": "销售部", "en": "Sales Department"}
    assert sales["head_position"] == {"zh": "销售部经理", "en": "Sales Manager"}
    assert (sales["kpi_count"], sales["duty_count"], sales["source"]) == (1, 0, "seed")


def test_it_searches_the_departments(call_as: Callable[..., Any], departments) -> None:
    body = call_as("hr", "GET", f"{API}departments/", {"q": "销售"}).json()
    assert [row["code"] for row in body] == ["SALES"]


def test_it_rejects_an_unknown_provenance(call_as: Callable[..., Any], departments) -> None:
    error = error_of(call_as("hr", "GET", f"{API}departments/", {"source": "x"}), 400, "invalid")
    assert field_names(error) == ["source"]


def test_a_job_description_has_every_part_in_both_languages(
    call_as: Callable[..., Any], job_description: None
) -> None:
    body = call_as("employee", "GET", f"{API}departments/SALES/").json()
    assert body["code"] == "SALES"
    assert body["name"] == {"zh": "销售部", "en": "Sales Department"}
    assert body["duties"] == [{"order": 1, "text": {"zh": "制定销售计划", "en": "Plan sales"}}]
    kpi = body["kpis"][0]
    assert kpi["code"] == "SALES_PLAN_RATE"
    assert kpi["name"] == {"zh": "销售计划完成率", "en": "Sales plan completion rate"}
    assert (kpi["direction"], kpi["unit"], kpi["default_weight"]) == ("higher", "percent", 100)
    assert Decimal(kpi["default_target"]) == Decimal(100)
    assert isinstance(kpi["default_target"], str)
    qualifications = body["qualifications"]
    assert qualifications["education"] == {"zh": "本科", "en": "Bachelor's degree"}
    assert qualifications["experience_years"] == 3
    assert qualifications["majors"] == [{"order": 1, "text": {"zh": "市场营销", "en": "Marketing"}}]
    assert qualifications["abilities"][0]["text"]["en"] == "Communication"
    assert [c["code"] for c in body["competencies"]] == [
        "culture",
        "customers",
        "management",
        "learning",
    ]
    assert body["competencies"][0]["text"] == {"zh": "culture（中）", "en": "culture"}
    assert body["policy"]["frequency"] == [
        {"order": 1, "code": "quarterly", "text": {"zh": "每季度", "en": "Quarterly"}}
    ]
    assert body["policy"]["assessors"] == []


def test_an_unknown_department_is_not_found(call_as: Callable[..., Any], departments) -> None:
    error_of(call_as("hr", "GET", f"{API}departments/NOPE/"), 404, "not_found")


def test_errors_speak_the_callers_language(api_client_for, departments) -> None:
    client = api_client_for("outsider")
    english = client.get(f"{API}departments/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(f"{API}departments/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert error_of(english, 403)["message"] != error_of(chinese, 403)["message"]


def test_a_job_description_names_the_warning_threshold(
    call_as: Callable[..., Any], personas, departments
) -> None:
    PolicyItem.objects.create(
        kind="result_use",
        order=1,
        text_zh="考核得分低于××分者，将受到口头警告处分",
        text_en="Anyone scoring below ×× points receives a verbal warning",
    )
    services.cycle_open(
        actor=personas["hr"], period="2026Q3", policy={"warning_threshold": Decimal(58)}
    )
    body = call_as("hr", "GET", f"{API}departments/SALES/").json()

    assert body["policy"]["result_uses"][0]["text"] == {
        "zh": "考核得分低于58分者，将受到口头警告处分",
        "en": "Anyone scoring below 58 points receives a verbal warning",
    }
