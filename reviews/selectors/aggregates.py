"""What the dashboard and the reports count with: the grades, exact averages, a department as
an aggregate names it, and the latest approved version of every review.

Averages are exact: the database sums the totals and counts them, and the division is done in
`Decimal`, rounded to 2 places half up as scoring rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from hrperf.lib.bilingual import localized
from reviews import scoring
from reviews.models import ApprovedResult, Review

GRADES: tuple[str, ...] = tuple(Review.Grade.values)


def average(total: Decimal | None, count: int) -> Decimal | None:
    """`total / count`, exact, rounded to 2 places half up; None when nothing was counted."""
    if not count or total is None:
        return None
    return scoring.round2(Decimal(total) / count)


@dataclass(frozen=True)
class DepartmentRef:
    """A department as the aggregates name it (one query gives both the figures and this)."""

    id: int
    code: str
    seq: int
    name_zh: str
    name_en: str

    def tr(self, field_name: str) -> str:
        return localized(self, field_name)

    @property
    def name(self) -> str:
        return self.tr("name")


DEPARTMENT_COLUMNS = ("id", "code", "seq", "name_zh", "name_en")


def department_ref(row: dict[str, Any], prefix: str) -> DepartmentRef:
    return DepartmentRef(**{column: row[f"{prefix}{column}"] for column in DEPARTMENT_COLUMNS})


def latest_results() -> QuerySet[ApprovedResult]:
    """The latest approved version of every review (what payroll pays on)."""
    newer = ApprovedResult.objects.filter(
        review_id=OuterRef("review_id"), version__gt=OuterRef("version")
    )
    return ApprovedResult.objects.filter(~Exists(newer))
