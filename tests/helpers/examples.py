"""The worked examples of scoring.md, built through the services: the catalogue of their
departments (KPIs and the four common competencies), each example's inputs and the figures it
must give, and filling a review in as HR and the director would.

Used by the worker's tests (the `worked_quarter` fixture, tests/fixtures/quarters.py), the pages'
quarter (`page_quarter`) and the journeys through a whole quarter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User

from departments.models import Competency, Department
from kpis.models import Kpi
from reviews import services
from reviews.models import Review, ReviewCycle

# The four competencies common to every department (fixtures/catalogue.yaml), in order.
CATALOGUE_COMPETENCIES = (
    (
        "culture_loyalty",
        "认同公司企业文化，忠诚度高",
        "Embraces the company culture and is highly loyal",
    ),
    (
        "customer_industry_knowledge",
        "了解不同类型的客户及本行业的发展状况",
        "Understands different customer types and industry developments",
    ),
    ("internal_management", "注重内部管理", "Attaches importance to internal management"),
    ("learning_teamwork", "有学习意识和团队意识", "Willing to learn and works well in a team"),
)
COMPETENCY_CODES = tuple(code for code, _zh, _en in CATALOGUE_COMPETENCIES)


def create_catalogue_competencies() -> list[Competency]:
    return [
        Competency.objects.create(code=code, order=order, text_zh=zh, text_en=en)
        for order, (code, zh, en) in enumerate(CATALOGUE_COMPETENCIES, start=1)
    ]


def _kpi(
    department: Department,
    code: str,
    order: int,
    name_zh: str,
    name_en: str,
    direction: str,
    target: str | None,
    weight: int,
) -> None:
    Kpi.objects.update_or_create(
        code=code,
        defaults={
            "department": department,
            "order": order,
            "name_zh": name_zh,
            "name_en": name_en,
            "direction": direction,
            "unit": "percent" if target is not None else "yuan",
            "default_target": Decimal(target) if target is not None else None,
            "default_weight": weight,
        },
    )


def create_example_kpis(departments: Mapping[str, Department]) -> dict[str, Department]:
    """The KPIs of the departments of the worked examples, as the catalogue has them, and one
    department with a single KPI (example 4)."""
    sales, market = departments["SALES"], departments["MARKET"]
    keyacct = Department.objects.create(
        code="KEYACCT",
        seq=8,
        name_zh="大客户部",
        name_en="Key Account Department",
        head_position_zh="大客户部经理",
        head_position_en="Key Account Manager",
        source="seed",
    )
    quality = Department.objects.create(
        code="QUALITY",
        seq=31,
        name_zh="质量管理部",
        name_en="Quality Management Department",
        head_position_zh="质量管理部经理",
        head_position_en="Quality Manager",
        source="drafted",
    )
    _kpi(
        sales,
        "SALES_PLAN_RATE",
        1,
        "销售计划完成率",
        "Sales plan completion rate",
        "higher",
        "100",
        30,
    )
    _kpi(sales, "SALES_REVENUE", 2, "销售额", "Sales revenue", "higher", None, 30)
    _kpi(sales, "SALES_EXPENSE_RATIO", 3, "销售费用率", "Sales expense ratio", "lower", "8", 20)
    _kpi(sales, "SALES_COLLECTION_RATE", 4, "销售回款率", "Collection rate", "higher", "95", 20)
    _kpi(
        market,
        "MARKET_DEV_PLAN_RATE",
        1,
        "市场开发计划完成率",
        "Market development plan completion rate",
        "higher",
        "100",
        40,
    )
    _kpi(
        market,
        "MARKET_RESEARCH_PLAN_RATE",
        2,
        "市场调研计划完成率",
        "Market research plan completion rate",
        "higher",
        "100",
        30,
    )
    _kpi(
        market,
        "MARKET_AD_PLAN_RATE",
        3,
        "广告宣传计划完成率",
        "Advertising plan completion rate",
        "higher",
        "100",
        30,
    )
    _kpi(
        keyacct,
        "KEYACCT_DEV_PLAN_RATE",
        1,
        "大客户开发计划完成率",
        "Key account acquisition plan completion rate",
        "higher",
        "100",
        40,
    )
    _kpi(
        keyacct,
        "KEYACCT_RECORD_COMPLETENESS",
        2,
        "大客户档案完整率",
        "Key account record completeness rate",
        "higher",
        "100",
        20,
    )
    _kpi(
        keyacct, "KEYACCT_CHURN_RATE", 3, "大客户流失率", "Key account churn rate", "lower", "5", 40
    )
    _kpi(
        quality,
        "QUALITY_PLAN_RATE",
        1,
        "质量计划完成率",
        "Quality plan completion rate",
        "higher",
        "100",
        100,
    )
    return {**departments, "KEYACCT": keyacct, "QUALITY": quality}


@dataclass(frozen=True)
class WorkedExample:
    """One worked example of scoring.md: its inputs and the figures it must give."""

    number: int
    employee_no: str
    # KPI code -> {"target": …, "actual": …, "weight": …}, as HR enters them.
    lines: Mapping[str, Mapping[str, str]]
    director: tuple[int, int, int, int]
    hr: tuple[int, int, int, int]
    kpi_score: Decimal
    competency_score: Decimal
    total_score: Decimal
    grade: str
    pay_coefficient: Decimal
    verbal_warning: bool

    def expected(self) -> dict[str, object]:
        return {
            "kpi_score": self.kpi_score,
            "competency_score": self.competency_score,
            "total_score": self.total_score,
            "grade": self.grade,
            "pay_coefficient": self.pay_coefficient,
            "verbal_warning": self.verbal_warning,
        }


def _line(target: str, actual: str, weight: int) -> dict[str, str]:
    return {"target": target, "actual": actual, "weight": str(weight)}


WORKED_EXAMPLES = (
    WorkedExample(
        number=1,
        employee_no="E00002",  # SALES
        lines={
            "SALES_PLAN_RATE": _line("100", "92", 30),
            "SALES_REVENUE": _line("5000000", "5500000", 30),
            "SALES_EXPENSE_RATIO": _line("8", "10", 20),
            "SALES_COLLECTION_RATE": _line("95", "90", 20),
        },
        director=(4, 4, 3, 5),
        hr=(3, 4, 4, 4),
        kpi_score=Decimal("95.55"),
        competency_score=Decimal("78.00"),
        total_score=Decimal("92.04"),
        grade="A",
        pay_coefficient=Decimal("1.10"),
        verbal_warning=False,
    ),
    WorkedExample(
        number=2,
        employee_no="E00004",  # KEYACCT
        lines={
            "KEYACCT_DEV_PLAN_RATE": _line("100", "50", 40),
            "KEYACCT_RECORD_COMPLETENESS": _line("100", "80", 30),
            "KEYACCT_CHURN_RATE": _line("5", "0", 30),
        },
        director=(2, 2, 2, 2),
        hr=(2, 3, 2, 3),
        kpi_score=Decimal("80.00"),
        competency_score=Decimal("44.00"),
        total_score=Decimal("72.80"),
        grade="C",
        pay_coefficient=Decimal("0.90"),
        verbal_warning=False,
    ),
    WorkedExample(
        number=3,
        employee_no="E00003",  # MARKET
        lines={
            "MARKET_DEV_PLAN_RATE": _line("100", "40", 40),
            "MARKET_RESEARCH_PLAN_RATE": _line("100", "55", 30),
            "MARKET_AD_PLAN_RATE": _line("100", "60", 30),
        },
        director=(2, 2, 2, 2),
        hr=(3, 3, 3, 3),
        kpi_score=Decimal("50.50"),
        competency_score=Decimal("48.00"),
        total_score=Decimal("50.00"),
        grade="D",
        pay_coefficient=Decimal("0.70"),
        verbal_warning=True,
    ),
    WorkedExample(
        number=4,
        employee_no="E00005",  # QUALITY
        lines={"QUALITY_PLAN_RATE": _line("100", "60", 100)},
        director=(3, 3, 3, 3),
        hr=(3, 3, 3, 3),
        kpi_score=Decimal("60.00"),
        competency_score=Decimal("60.00"),
        total_score=Decimal("60.00"),
        grade="C",
        pay_coefficient=Decimal("0.90"),
        verbal_warning=False,
    ),
)


def fill_in(personas: Mapping[str, User], review: Review, example: WorkedExample) -> Review:
    """HR enters the figures and rates as HR, the director rates: all through the services."""
    lines = {line.code: line.pk for line in review.kpi_lines.all()}
    assert set(lines) == set(example.lines), (sorted(lines), sorted(example.lines))
    review = services.review_set_figures(
        actor=personas["hr"],
        review=review,
        figures={lines[code]: values for code, values in example.lines.items()},
    )
    review = services.review_rate(
        actor=personas["director"],
        review=review,
        assessor_role="marketing_director",
        ratings=dict(zip(COMPETENCY_CODES, example.director, strict=True)),
    )
    return services.review_rate(
        actor=personas["hr"],
        review=review,
        assessor_role="hr",
        ratings=dict(zip(COMPETENCY_CODES, example.hr, strict=True)),
    )


@dataclass
class WorkedQuarter:
    cycle: ReviewCycle
    reviews: dict[int, Review]  # by example number, submitted (and, once waited for, scored)
