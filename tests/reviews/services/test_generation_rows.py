"""The rows generation makes, column by column: the same on every database, and on PostgreSQL
the set-based statement makes exactly what the ORM path makes (reviews.services.generation)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from departments.models import Competency, Employee
from kpis.models import Kpi
from reviews import services
from reviews.models import AuditEvent, Review, ReviewCycle, ReviewKpiLine
from reviews.services import generation, generation_sql
from tests.helpers.api import SHORT_COMPETENCIES
from tests.helpers.services import uses_postgresql

RATINGS: list[dict[str, Any]] = [
    {"code": "rating_missing", "assessor": assessor, "competency": competency}
    for assessor in ("marketing_director", "hr")
    for competency in SHORT_COMPETENCIES
]
SALES_REASONS: list[dict[str, Any]] = [
    {"code": "actual_missing", "kpi": "SALES_PLAN_RATE"},
    {"code": "target_missing", "kpi": "SALES_COST"},
    {"code": "actual_missing", "kpi": "SALES_COST"},
    *RATINGS,
]
MARKET_REASONS: list[dict[str, Any]] = [{"code": "no_kpi_lines"}, *RATINGS]
NEW_REVIEW: dict[str, Any] = {
    "state": "draft",
    "version": 1,
    "revision": 1,
    "scored_revision": None,
    "policy_id": None,
    "kpi_score": None,
    "competency_score": None,
    "total_score": None,
    "grade": "",
    "pay_coefficient": None,
    "verbal_warning": False,
    "grade_basis": None,
    "submitted_at": None,
    "scored_at": None,
    "approved_at": None,
    "approved_by_id": None,
}
PLAN_LINE: dict[str, Any] = {
    "order": 1,
    "code": "SALES_PLAN_RATE",
    "name_zh": "销售计划完成率",
    "name_en": "Sales plan completion rate",
    "direction": "higher",
    "unit": "percent",
    "target": Decimal("100.0000"),
    "actual": None,
    "weight": 100,
    "minimum": Decimal("0.0000"),
    "maximum": None,
}
COST_LINE: dict[str, Any] = {
    "order": 2,
    "code": "SALES_COST",
    "name_zh": "销售费用率",
    "name_en": 'Cost "rate"',
    "direction": "lower",
    "unit": "percent",
    "target": None,
    "actual": None,
    "weight": 0,
    "minimum": Decimal("0.5000"),
    "maximum": Decimal("99.1234"),
}
CREATED_EVENT: dict[str, Any] = {
    "actor_id": None,
    "action": "created",
    "field": "",
    "from_value": "",
    "to_value": "draft",
    "reason": "",
    "params": {},
}


@pytest.fixture
def catalogue(personas, departments) -> dict[str, Any]:
    """The personas' catalogue, plus a SALES KPI with no default target, a limit with decimals
    and a quote in its name; a retired SALES KPI; a MARKET employee who has left."""
    for order, code in enumerate(SHORT_COMPETENCIES, start=1):
        Competency.objects.create(code=code, order=order, text_zh=code, text_en=code)
    sales = departments["SALES"]
    Kpi.objects.create(
        department=sales,
        code="SALES_COST",
        order=2,
        name_zh="销售费用率",
        name_en='Cost "rate"',
        direction="lower",
        unit="percent",
        default_target=None,
        default_weight=0,
        minimum=Decimal("0.5"),
        maximum=Decimal("99.1234"),
    )
    Kpi.objects.create(
        department=sales,
        code="SALES_OLD",
        order=3,
        name_zh="旧",
        name_en="Old",
        direction="higher",
        unit="amount",
        default_target=Decimal(5),
        default_weight=10,
        is_active=False,
    )
    Employee.objects.create(
        employee_no="E00009", name="离职", department=departments["MARKET"], is_active=False
    )
    return {"personas": personas, "departments": departments}


def _open(catalogue, period: str) -> ReviewCycle:
    return services.cycle_open(actor=catalogue["personas"]["hr"], period=period)


def _generate(cycle: ReviewCycle) -> None:
    """In two chunks, as a resumed job would."""
    assert services.reviews_generate_chunk(cycle_id=cycle.pk, limit=2) == 2
    assert services.reviews_generate_chunk(cycle_id=cycle.pk) == 1
    assert services.reviews_generate_chunk(cycle_id=cycle.pk) == 0


def _rows(cycle: ReviewCycle) -> dict[str, list[dict[str, Any]]]:
    """The cycle's generated rows in id order, with what identifies a row across cycles (the
    employee, the KPI) in place of ids, and the timestamps left out (checked apart)."""
    reviews: list[dict[str, Any]] = [
        dict(row) for row in Review.objects.filter(cycle=cycle).order_by("pk").values()
    ]
    employee_of = {review["id"]: review["employee_id"] for review in reviews}
    lines: list[dict[str, Any]] = [
        dict(row)
        for row in ReviewKpiLine.objects.filter(review__cycle=cycle).order_by("pk").values()
    ]
    created = AuditEvent.objects.filter(cycle=cycle, action="created").order_by("pk")
    trail: list[dict[str, Any]] = [dict(row) for row in created.values()]
    for review in reviews:
        for column in ("id", "cycle_id", "created_at", "updated_at"):
            del review[column]
    for line in lines:
        line["employee_id"] = employee_of[line.pop("review_id")]
        del line["id"]
    for event in trail:
        event["employee_id"] = employee_of[event.pop("review_id")]
        for column in ("id", "cycle_id", "at"):
            del event[column]
    return {"reviews": reviews, "lines": lines, "events": trail}


def _expected(catalogue) -> dict[str, list[dict[str, Any]]]:
    employees = dict(Employee.objects.values_list("employee_no", "pk"))
    sales = catalogue["departments"]["SALES"].pk
    market = catalogue["departments"]["MARKET"].pk
    kpis = dict(Kpi.objects.values_list("code", "pk"))
    people: list[tuple[str, int, list[dict[str, Any]]]] = [
        ("E00001", sales, SALES_REASONS),
        ("E00002", sales, SALES_REASONS),
    ]
    people.append(("E00003", market, MARKET_REASONS))
    return {
        "reviews": [
            {
                "employee_id": employees[number],
                "department_id": department,
                **NEW_REVIEW,
                "incomplete_reasons": reasons,
            }
            for number, department, reasons in people
        ],
        "lines": [
            {**line, "kpi_id": kpis[line["code"]], "employee_id": employees[number]}
            for number in ("E00001", "E00002")
            for line in (PLAN_LINE, COST_LINE)
        ],
        "events": [
            {**CREATED_EVENT, "employee_id": employees[number]}
            for number, _department, _reasons in people
        ],
    }


def _stamps(cycle: ReviewCycle) -> set[dt.datetime]:
    reviews = Review.objects.filter(cycle=cycle)
    return {
        *reviews.values_list("created_at", flat=True),
        *reviews.values_list("updated_at", flat=True),
        *AuditEvent.objects.filter(cycle=cycle, action="created").values_list("at", flat=True),
    }


def test_generation_copies_the_catalogue_column_for_column(catalogue):
    cycle = _open(catalogue, "2026Q3")
    before = timezone.now()
    _generate(cycle)
    after = timezone.now()

    assert _rows(cycle) == _expected(catalogue)
    assert all(before <= stamp <= after for stamp in _stamps(cycle))


def test_postgresql_makes_the_rows_the_orm_makes(catalogue, monkeypatch):
    if not uses_postgresql():
        pytest.skip("the set-based statement is PostgreSQL's; elsewhere the ORM makes the rows")
    by_sql = _open(catalogue, "2026Q3")
    _generate(by_sql)
    monkeypatch.setattr(generation, "_set_based", lambda: False)
    by_orm = _open(catalogue, "2026Q4")
    _generate(by_orm)

    assert _rows(by_sql) == _rows(by_orm) == _expected(catalogue)
    # Each chunk's rows share the time the chunk was made, as its reviews share one commit.
    assert len(_stamps(by_sql)) == 2


def test_a_chunk_skips_an_employee_whose_review_another_run_made(catalogue):
    if not uses_postgresql():
        pytest.skip("the set-based statement is PostgreSQL's; elsewhere the ORM makes the rows")
    cycle = _open(catalogue, "2026Q3")
    _generate(cycle)
    rows = _rows(cycle)
    employee = Employee.objects.get(employee_no="E00002")
    # A second run that read the same employees before the first committed.
    made = generation_sql.insert_chunk(
        review=Review(cycle_id=cycle.pk),
        employees=[(employee.pk, employee.department_id)],
        reasons={employee.department_id: []},
        lines={employee.department_id: list(ReviewKpiLine.objects.all()[:1])},
        event=AuditEvent(cycle_id=cycle.pk, action="created", to_value="draft", params={}),
        now=timezone.now(),
    )

    assert made == 0
    assert _rows(cycle) == rows
