"""The 9-box (九宫格) of a quarter: each scored or approved review placed by its KPI score K (x)
and its competency score C (y), each low, middle or high by the cut-points
`settings.CALIBRATION_NINEBOX_CUTS` (low, high): below low is low, from low to below high is
middle, high and above is high.

Only a review that is scored or approved has K and C on record; the others (drafts, submitted,
returned, reopened) are counted apart as not scored yet. The counts are one query; the reviews
of one box are a queryset the page pages through and the API reads by keyset.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils.translation import pgettext_lazy

from hrperf.lib.roles import Roles
from reviews.models import Review, ReviewCycle
from reviews.selectors.visibility import visible_reviews

LOW, MIDDLE, HIGH = "low", "middle", "high"
BANDS = (LOW, MIDDLE, HIGH)
NOT_SCORED = "none"
SCORED_STATES = (Review.State.SCORED, Review.State.APPROVED)

# The standard names of the nine boxes, by (K band, C band).
LABELS = {
    (HIGH, HIGH): pgettext_lazy("nine-box", "Star"),
    (MIDDLE, HIGH): pgettext_lazy("nine-box", "High potential"),
    (LOW, HIGH): pgettext_lazy("nine-box", "Rough diamond"),
    (HIGH, MIDDLE): pgettext_lazy("nine-box", "High performer"),
    (MIDDLE, MIDDLE): pgettext_lazy("nine-box", "Core player"),
    (LOW, MIDDLE): pgettext_lazy("nine-box", "Inconsistent player"),
    (HIGH, LOW): pgettext_lazy("nine-box", "Solid performer"),
    (MIDDLE, LOW): pgettext_lazy("nine-box", "Average performer"),
    (LOW, LOW): pgettext_lazy("nine-box", "Needs improvement"),
}
BAND_LABELS = {
    LOW: pgettext_lazy("nine-box", "low"),
    MIDDLE: pgettext_lazy("nine-box", "middle"),
    HIGH: pgettext_lazy("nine-box", "high"),
}


def box_code(kpi_band: str, competency_band: str) -> str:
    """A box's code, as `?box=` names it: the K band, then the C band (`high-middle`)."""
    return f"{kpi_band}-{competency_band}"


BOXES = {box_code(k, c): (k, c) for k in BANDS for c in BANDS}


def band_of(score: Decimal, cuts: tuple[Decimal, Decimal] | None = None) -> str:
    """Which band a score falls in (the same rule as the query's)."""
    low, high = settings.CALIBRATION_NINEBOX_CUTS if cuts is None else cuts
    if score < low:
        return LOW
    if score < high:
        return MIDDLE
    return HIGH


def _scored() -> Q:
    return Q(state__in=SCORED_STATES, kpi_score__isnull=False, competency_score__isnull=False)


def _band(field: str, cuts: tuple[Decimal, Decimal]) -> Case:
    low, high = cuts
    return Case(
        When(~_scored(), then=Value(NOT_SCORED)),
        When(**{f"{field}__lt": low}, then=Value(LOW)),
        When(**{f"{field}__lt": high}, then=Value(MIDDLE)),
        default=Value(HIGH),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class Box:
    code: str
    kpi_band: str
    competency_band: str
    label: str
    count: int
    share: Decimal | None  # percent of the scored reviews, 1 place; None when none is scored

    @property
    def kpi_band_label(self) -> str:
        return str(BAND_LABELS[self.kpi_band])

    @property
    def competency_band_label(self) -> str:
        return str(BAND_LABELS[self.competency_band])


@dataclass(frozen=True)
class NineBox:
    period: str
    cuts: tuple[Decimal, Decimal]
    department_id: int | None
    rows: list[list[Box]]  # C high first (top), each row K low to high (left to right)
    scored: int  # reviews in the boxes
    not_scored: int  # reviews without K and C yet

    @property
    def boxes(self) -> list[Box]:
        return [box for row in self.rows for box in row]


def _share(count: int, scored: int) -> Decimal | None:
    if not scored:
        return None
    return (Decimal(count * 100) / scored).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _reviews(
    *, viewer_roles: Roles, cycle: ReviewCycle, department_id: int | None
) -> QuerySet[Review]:
    reviews = visible_reviews(viewer_roles=viewer_roles).filter(cycle=cycle)
    if department_id is not None:
        reviews = reviews.filter(department_id=department_id)
    return reviews


def nine_box(
    *,
    viewer_roles: Roles,
    cycle: ReviewCycle,
    department_id: int | None = None,
    cuts: tuple[Decimal, Decimal] | None = None,
) -> NineBox:
    """How many of the quarter's reviews the viewer may see fall in each box. One query."""
    cuts = settings.CALIBRATION_NINEBOX_CUTS if cuts is None else cuts
    counts: dict[tuple[str, str], int] = {}
    for kpi_band, competency_band, count in (
        _reviews(viewer_roles=viewer_roles, cycle=cycle, department_id=department_id)
        .annotate(
            kpi_band=_band("kpi_score", cuts), competency_band=_band("competency_score", cuts)
        )
        .values_list("kpi_band", "competency_band")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        counts[(kpi_band, competency_band)] = counts.get((kpi_band, competency_band), 0) + count
    not_scored = sum(count for (k, _), count in counts.items() if k == NOT_SCORED)
    scored = sum(counts.values()) - not_scored
    rows = [
        [
            Box(
                code=box_code(k, c),
                kpi_band=k,
                competency_band=c,
                label=str(LABELS[(k, c)]),
                count=counts.get((k, c), 0),
                share=_share(counts.get((k, c), 0), scored),
            )
            for k in BANDS
        ]
        for c in reversed(BANDS)
    ]
    return NineBox(
        period=cycle.period,
        cuts=cuts,
        department_id=department_id,
        rows=rows,
        scored=scored,
        not_scored=not_scored,
    )


def box_reviews(
    *,
    viewer_roles: Roles,
    cycle: ReviewCycle,
    box: str,
    department_id: int | None = None,
    cuts: tuple[Decimal, Decimal] | None = None,
) -> QuerySet[Review]:
    """The reviews of one box (`box` one of `BOXES`), with employee and department loaded,
    unordered: the page orders them by department and employee, the API by id."""
    kpi_band, competency_band = BOXES[box]
    cuts = settings.CALIBRATION_NINEBOX_CUTS if cuts is None else cuts
    low, high = cuts

    def within(field: str, band: str) -> Q:
        if band == LOW:
            return Q(**{f"{field}__lt": low})
        if band == MIDDLE:
            return Q(**{f"{field}__gte": low, f"{field}__lt": high})
        return Q(**{f"{field}__gte": high})

    return (
        _reviews(viewer_roles=viewer_roles, cycle=cycle, department_id=department_id)
        .filter(
            _scored(),
            within("kpi_score", kpi_band),
            within("competency_score", competency_band),
        )
        .select_related("employee", "department")
        .order_by()
    )
