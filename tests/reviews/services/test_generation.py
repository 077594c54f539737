"""Generating a quarter's reviews from the catalogue (reviews.services.generation)."""

from decimal import Decimal

import pytest

from departments.models import Employee
from hrperf.lib.errors import ValidationFailed
from kpis.models import Kpi
from reviews import services
from reviews.models import Review
from tests.helpers.quarters import review_of


def test_generation_gives_each_active_employee_one_review_with_copied_lines(
    fresh_quarter, personas
):
    assert Review.objects.filter(cycle=fresh_quarter).count() == Employee.objects.count()
    line = review_of(personas).kpi_lines.get()
    assert (line.code, line.target, line.weight, line.actual) == (
        "SALES_PLAN_RATE",
        Decimal(100),
        100,
        None,
    )
    assert services.reviews_generate_chunk(cycle_id=fresh_quarter.pk) == 0


def test_a_catalogue_edit_never_rewrites_a_review(fresh_quarter, personas):
    Kpi.objects.filter(code="SALES_PLAN_RATE").update(name_zh="新名称", default_target=90)
    line = review_of(personas).kpi_lines.get()
    assert (line.name_zh, line.target) == ("销售计划完成率", Decimal(100))


def test_a_new_review_lists_everything_missing_and_invents_no_zero(fresh_quarter, personas):
    review = review_of(personas)
    codes = [reason["code"] for reason in review.incomplete_reasons]
    assert codes.count("actual_missing") == 1
    assert codes.count("rating_missing") == 8
    assert review.total_score is None


def test_a_review_line_keeps_its_kpis_limits_when_the_library_changes(personas, departments):
    Kpi.objects.filter(code="SALES_PLAN_RATE").update(minimum=Decimal(0), maximum=Decimal(100))
    cycle = services.cycle_open(actor=personas["hr"], period="2026Q4")
    services.reviews_generate_chunk(cycle_id=cycle.pk)
    review = Review.objects.get(cycle=cycle, employee__user=personas["employee"])
    Kpi.objects.filter(code="SALES_PLAN_RATE").update(maximum=Decimal(200))

    line = review.kpi_lines.get()
    assert (line.minimum, line.maximum) == (Decimal(0), Decimal(100))
    with pytest.raises(ValidationFailed) as refused:
        services.review_set_figures(
            actor=personas["hr"], review=review, figures={line.pk: {"actual": "150"}}
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("SALES_PLAN_RATE.actual", "above_maximum")
    ]
