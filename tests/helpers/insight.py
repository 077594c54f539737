"""Helpers of the calibration tests (leniency and the 9-box): a small quarter built by hand on
the `fresh_quarter` fixture, with figures worked out on paper.

Reviews (2026Q3): SALES E00001 (head), E00002 (employee), E00012; MARKET E00003
(other_employee), E00010, E00011. Every review has the four short competencies.

Ratings, each review rated the same on its four competencies:

    director  SALES 5, 5, 4   MARKET 3, 3, 4
              SALES: 12 ratings, mean 4.67, std-dev 0.47; MARKET: 12, 3.33, 0.47
              division: 24 ratings, mean 4.00, std-dev 0.82; differences +0.67 / -0.67
    hr        SALES 4, 4, 4   MARKET 3, 3, 3
              SALES 4.00 (0.00), MARKET 3.00 (0.00), division 3.50 (0.50): ±0.50, on the gap
    self      E00002 only: 5, 4, 3, 2 — mean 3.50, std-dev 1.12

Scores (K, C), cut-points 70 and 85:

    E00001 scored    69.99  70.00   low-middle
    E00002 scored    70.00  84.99   middle-middle
    E00012 scored    85.00  85.00   high-high
    E00003 scored    84.99  69.99   middle-low
    E00010 scored   100.00  90.00   high-high
    E00011 returned  90.00  90.00   not scored (its figures are not on record as scored)
"""

from __future__ import annotations

import re
from decimal import Decimal

from departments.models import Competency, Department, Employee
from reviews import services
from reviews.models import CompetencyRating, Review, ReviewCycle

DIRECTOR_RATINGS = {"E00001": 5, "E00002": 5, "E00012": 4, "E00003": 3, "E00010": 3, "E00011": 4}
HR_RATINGS = {"E00001": 4, "E00002": 4, "E00012": 4, "E00003": 3, "E00010": 3, "E00011": 3}
SELF_RATINGS = {"E00002": (5, 4, 3, 2)}
SCORES = {
    "E00001": ("scored", "69.99", "70.00"),
    "E00002": ("scored", "70.00", "84.99"),
    "E00012": ("scored", "85.00", "85.00"),
    "E00003": ("scored", "84.99", "69.99"),
    "E00010": ("scored", "100.00", "90.00"),
    "E00011": ("returned", "90.00", "90.00"),
}
BOX_OF = {
    "E00001": "low-middle",
    "E00002": "middle-middle",
    "E00012": "high-high",
    "E00003": "middle-low",
    "E00010": "high-high",
}


def add_employees(departments: dict[str, Department], cycle: ReviewCycle) -> None:
    """Three more employees, and their reviews in the quarter."""
    for number, name, code in (
        ("E00012", "刘洋", "SALES"),
        ("E00010", "孙丽", "MARKET"),
        ("E00011", "周杰", "MARKET"),
    ):
        Employee.objects.create(
            employee_no=number, name=name, department=departments[code], position="专员"
        )
    while services.reviews_generate_chunk(cycle_id=cycle.pk):
        pass


def reviews_by_number(cycle: ReviewCycle) -> dict[str, Review]:
    return {
        review.employee.employee_no: review
        for review in Review.objects.filter(cycle=cycle).select_related("employee")
    }


def rate_by_hand(cycle: ReviewCycle) -> dict[str, Review]:
    """The ratings of the table above, written straight to the reviews."""
    reviews = reviews_by_number(cycle)
    competencies = list(Competency.objects.order_by("order"))
    rows = []
    for role, table in (("marketing_director", DIRECTOR_RATINGS), ("hr", HR_RATINGS)):
        for number, value in table.items():
            rows += [
                CompetencyRating(
                    review=reviews[number], competency=c, assessor_role=role, value=value
                )
                for c in competencies
            ]
    for number, values in SELF_RATINGS.items():
        rows += [
            CompetencyRating(review=reviews[number], competency=c, assessor_role="self", value=v)
            for c, v in zip(competencies, values, strict=True)
        ]
    CompetencyRating.objects.bulk_create(rows)
    return reviews


def score_by_hand(cycle: ReviewCycle) -> dict[str, Review]:
    """The scores of the table above, written straight to the reviews."""
    reviews = reviews_by_number(cycle)
    for number, (state, kpi, competency) in SCORES.items():
        k, c = Decimal(kpi), Decimal(competency)
        Review.objects.filter(pk=reviews[number].pk).update(
            state=state,
            kpi_score=k,
            competency_score=c,
            total_score=(k * Decimal("0.6") + c * Decimal("0.4")).quantize(Decimal("0.01")),
            grade="B",
        )
    return reviews_by_number(cycle)


def calibration_quarter(
    departments: dict[str, Department], cycle: ReviewCycle
) -> dict[str, Review]:
    """The whole hand-built quarter: employees, ratings and scores."""
    add_employees(departments, cycle)
    rate_by_hand(cycle)
    return score_by_hand(cycle)


def cells(html: str, testid: str) -> list[str]:
    """The texts of the <td> cells of the row with that data-testid."""
    match = re.search(rf'<tr[^>]*data-testid="{re.escape(testid)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match is not None, f"no row {testid}"
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    ]


def add_stars(departments: dict[str, Department], cycle: ReviewCycle, count: int) -> None:
    """`count` more SALES employees, each scored 90 and 90 (the high-high box)."""
    Employee.objects.bulk_create(
        Employee(
            employee_no=f"E1{n:04d}",
            name=f"员工{n}",
            department=departments["SALES"],
            position="专员",
        )
        for n in range(count)
    )
    while services.reviews_generate_chunk(cycle_id=cycle.pk):
        pass
    Review.objects.filter(cycle=cycle, employee__employee_no__startswith="E1").update(
        state="scored",
        kpi_score=Decimal(90),
        competency_score=Decimal(90),
        total_score=Decimal(90),
        grade="A",
    )
