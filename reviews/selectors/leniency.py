"""Assessor leniency (绩效校准): how each assessor rates each department against the division.

For each assessor role of a quarter's reviews (the marketing director, HR; the employee's own
self-assessment apart, as advisory), the mean and the population standard deviation of their
competency ratings (1-5) per department and over the whole division, with the number of ratings
counted. A department is flagged for an assessor when its mean strays from the division's mean
for that assessor by more than the gap (`settings.CALIBRATION_LENIENCY_GAP`, rating points).

One query, whatever the number of reviews (and one for the departments): the database counts
the ratings and sums them and their squares per (assessor, department); the means, deviations
and differences are computed exactly from those sums (fractions) and rounded to 2 places half
up, as scoring rounds. The difference is that of the exact means, rounded; a department is
flagged when the rounded difference exceeds the gap, so that what the page shows and what it
flags agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, F, Sum

from departments.models import Department
from hrperf.lib.roles import Roles
from reviews.models import AssessorRole, CompetencyRating, ReviewCycle
from reviews.selectors.aggregates import DEPARTMENT_COLUMNS, DepartmentRef, department_ref
from reviews.selectors.visibility import visible_reviews

# The assessors whose ratings make the competency score, in the order the page shows them; the
# self-assessment is advisory and shown apart, only when there is any.
WEIGHTED = (AssessorRole.MARKETING_DIRECTOR, AssessorRole.HR)
ADVISORY = (AssessorRole.SELF,)
_CENT = Decimal("0.01")


def round_fraction(value: Fraction) -> Decimal:
    """An exact fraction rounded to 2 places, half away from zero (2.345 → 2.35)."""
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """An assessor's ratings of a group of reviews: how many, their mean and their population
    standard deviation (2 places). `exact_mean` is kept for the differences."""

    count: int
    mean: Decimal | None
    std_dev: Decimal | None
    exact_mean: Fraction | None


def figures_of(*, count: int, total: int, squares: int) -> Figures:
    """The figures of `count` ratings summing to `total`, their squares to `squares`."""
    if not count:
        return Figures(count=0, mean=None, std_dev=None, exact_mean=None)
    mean = Fraction(total, count)
    # Population variance: squares/n - mean² = (n·squares - total²) / n²; its root is
    # sqrt(n·squares - total²) / n, exact when the integer under the root is a square.
    spread = count * squares - total * total
    with localcontext() as context:
        context.prec = 60
        deviation = Decimal(spread).sqrt() / count
    return Figures(
        count=count,
        mean=round_fraction(mean),
        std_dev=deviation.quantize(_CENT, rounding=ROUND_HALF_UP),
        exact_mean=mean,
    )


@dataclass(frozen=True)
class DepartmentLeniency:
    department: DepartmentRef
    figures: Figures
    difference: Decimal | None  # the department's mean minus the division's, 2 places
    flagged: bool


@dataclass(frozen=True)
class AssessorLeniency:
    assessor: str  # an AssessorRole value
    label: str
    advisory: bool  # the self-assessment: its weight may be 0, shown apart
    division: Figures
    departments: list[DepartmentLeniency]  # in the catalogue's order; only the chosen one
    flagged: int  # how many of `departments` are flagged


@dataclass(frozen=True)
class Leniency:
    period: str
    gap: Decimal
    department_id: int | None  # the department chosen, None for all
    assessors: list[AssessorLeniency]  # the director and HR, always
    advisory: list[AssessorLeniency]  # the self-assessment, when there is any

    @property
    def shown(self) -> list[AssessorLeniency]:
        """The assessors the page shows, the advisory ones last."""
        return [*self.assessors, *self.advisory]

    @property
    def ratings(self) -> int:
        return sum(row.division.count for row in (*self.assessors, *self.advisory))


def _assessor(
    assessor: str,
    sums: dict[int, tuple[DepartmentRef, int, int, int]],
    *,
    gap: Decimal,
    department_id: int | None,
) -> AssessorLeniency:
    division = figures_of(
        count=sum(count for _, count, _, _ in sums.values()),
        total=sum(total for _, _, total, _ in sums.values()),
        squares=sum(squares for _, _, _, squares in sums.values()),
    )
    rows = []
    for department, count, total, squares in sorted(
        sums.values(), key=lambda row: (row[0].seq, row[0].code)
    ):
        if department_id is not None and department.id != department_id:
            continue
        figures = figures_of(count=count, total=total, squares=squares)
        difference = None
        if figures.exact_mean is not None and division.exact_mean is not None:
            difference = round_fraction(figures.exact_mean - division.exact_mean)
        rows.append(
            DepartmentLeniency(
                department=department,
                figures=figures,
                difference=difference,
                flagged=difference is not None and abs(difference) > gap,
            )
        )
    return AssessorLeniency(
        assessor=assessor,
        label=str(AssessorRole(assessor).label),
        advisory=assessor in ADVISORY,
        division=division,
        departments=rows,
        flagged=sum(row.flagged for row in rows),
    )


def leniency(
    *,
    viewer_roles: Roles,
    cycle: ReviewCycle,
    department_id: int | None = None,
    gap: Decimal | None = None,
    departments: list[DepartmentRef] | None = None,
) -> Leniency:
    """The quarter's leniency figures, over the ratings of the reviews the viewer may see (the
    division's means always over every department; the rows of one department when
    `department_id` is given). One query, and one more for the departments unless given
    (`calibration_departments()`)."""
    gap = settings.CALIBRATION_LENIENCY_GAP if gap is None else gap
    by_id = {
        department.id: department
        for department in (calibration_departments() if departments is None else departments)
    }
    ratings = CompetencyRating.objects.filter(review__cycle=cycle)
    if not viewer_roles.sees_all_reviews:
        # Whoever sees every review (`visible_reviews`) needs no second join of the reviews.
        visible = visible_reviews(viewer_roles=viewer_roles).filter(cycle=cycle)
        ratings = ratings.filter(review__in=visible.values("pk"))
    sums: dict[str, dict[int, tuple[DepartmentRef, int, int, int]]] = {}
    for row in (
        ratings.values("assessor_role", "review__department_id")
        .annotate(count=Count("pk"), total=Sum("value"), squares=Sum(F("value") * F("value")))
        .order_by()
    ):
        department = by_id[row["review__department_id"]]
        sums.setdefault(row["assessor_role"], {})[department.id] = (
            department,
            row["count"],
            int(row["total"]),
            int(row["squares"]),
        )
    return Leniency(
        period=cycle.period,
        gap=gap,
        department_id=department_id,
        assessors=[
            _assessor(role, sums.get(role, {}), gap=gap, department_id=department_id)
            for role in WEIGHTED
        ],
        advisory=[
            _assessor(role, sums[role], gap=gap, department_id=department_id)
            for role in ADVISORY
            if role in sums
        ],
    )


def calibration_departments() -> list[DepartmentRef]:
    """The departments the calibration pages filter by, in the catalogue's order. One query."""
    return [
        department_ref(row, "")
        for row in Department.objects.order_by("seq", "code").values(*DEPARTMENT_COLUMNS)
    ]
