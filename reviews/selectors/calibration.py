"""Calibration (绩效校准, product.md v2 step 3): the grade distribution of each department and
of the division against the quarter's guideline, which groups are locked or may be locked
(relative grading, scoring.md v2), and which hard limits an approval would break.

The current grade of a review is the one it carries: the relative grade once its group is
locked, else the bands' grade (provisional under a relative policy). Every read here is a
fixed number of queries, whatever the number of reviews or departments."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count

from departments.models import Department
from hrperf.lib.roles import Roles
from reviews import scoring
from reviews.models import CalibrationLock, Review, ReviewCycle, ScoringPolicy
from reviews.policies import current_policy, hard_limits, shares_of

State = Review.State
GRADES = scoring.GRADES
QUARTER = "quarter"
DIVISION = "division"
DEPARTMENT = "department"
_CENT = Decimal("0.01")


def group_key(department_id: int | None) -> str:
    """A lock's group: a department's, or the whole quarter's."""
    return QUARTER if department_id is None else f"{DEPARTMENT}:{department_id}"


def review_group(policy: ScoringPolicy, department_id: int) -> str:
    """The group a review of this department is ranked in under the policy."""
    return group_key(None if policy.grading_group == QUARTER else department_id)


def share(count: int, size: int) -> Decimal:
    """count / size in percent, 2 places, half up (0 for an empty group)."""
    if not size:
        return Decimal("0.00")
    return (Decimal(100 * count) / size).quantize(_CENT, rounding=ROUND_HALF_UP)


# -- approval and the hard limits --------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    """A hard limit of a grade's share that approving some reviews would break.

    `group` is ``department`` (with `department_id`) or ``division`` (the whole quarter);
    `limit` is ``max`` (more than `percent` % of the group would be approved with `grade`) or
    ``min`` (even if every review of the group not yet approved got `grade`, its share would
    stay under `percent` %). `count` is how many of the group's `size` reviews would then be
    approved with the grade; `share` the same in percent."""

    group: str
    department_id: int | None
    grade: str
    limit: str
    percent: int
    count: int
    size: int

    @property
    def share(self) -> Decimal:
        return share(self.count, self.size)


def approval_breaches(*, cycle: ReviewCycle, review_ids: Collection[int]) -> list[Breach]:
    """The hard limits of the quarter's policy that approving `review_ids` (with their
    current grades, together with the reviews of the quarter already approved) would break,
    in each department touched and in the division. Shares are of every review of the group,
    whatever its state, so that a limit is broken only once it is certain:

    * ``max``: the approved reviews of a grade (those already approved and these) make more
      than its greatest share; only a grade some of `review_ids` carry is checked;
    * ``min``: even if every review of the group still to approve got the grade, it would
      stay under its least share; checked when some of `review_ids` carry another grade.

    Empty when the policy has no hard limit. Two queries (the policy, then the counts).
    For the single approval (`reviews.services.transitions.review_approve`, which then needs
    a written reason) and the batch approval alike: call it once with the whole batch, before
    approving, inside the transaction that approves."""
    policy = current_policy(cycle)
    limits = hard_limits(policy)
    if not any(low is not None or high is not None for low, high in limits.values()):
        return []
    wanted = set(review_ids)
    rows = (
        Review.objects.filter(cycle=cycle)
        .values_list("pk", "department_id", "state", "grade")
        .order_by()
    )
    size: Counter[Any] = Counter()
    approved: Counter[tuple[Any, str]] = Counter()
    approved_all: Counter[Any] = Counter()
    new: dict[Any, Counter[str]] = defaultdict(Counter)
    for pk, department_id, state, grade in rows:
        for group in (department_id, None):
            size[group] += 1
            if pk in wanted:
                new[group][grade] += 1
                approved[group, grade] += 1
                approved_all[group] += 1
            elif state == State.APPROVED:
                approved[group, grade] += 1
                approved_all[group] += 1
    breaches: list[Breach] = []
    for group in sorted(new, key=lambda g: (g is None, g or 0)):
        n, grades_new = size[group], new[group]
        still = n - approved_all[group]
        for grade in GRADES:
            lowest, highest = limits[grade]
            count = approved[group, grade]
            kind = DIVISION if group is None else DEPARTMENT
            if highest is not None and grades_new[grade] and 100 * count > highest * n:
                breaches.append(Breach(kind, group, grade, "max", highest, count, n))
            others_new = sum(c for g, c in grades_new.items() if g != grade)
            if lowest is not None and others_new and 100 * (count + still) < lowest * n:
                breaches.append(Breach(kind, group, grade, "min", lowest, count, n))
    return breaches


# -- the calibration page ----------------------------------------------------------------


@dataclass(frozen=True)
class GradeShare:
    grade: str
    count: int
    share: Decimal  # of the group's graded reviews, percent
    guideline: int  # the policy's share, percent
    least: int | None  # hard limits, percent
    most: int | None
    off_guideline: bool  # further from the guideline than the tolerance
    beyond_limit: bool  # outside a hard limit


@dataclass(frozen=True)
class Group:
    """A department, or the division (`department` None), as calibration shows it."""

    key: str
    department: Department | None
    size: int  # every review of the group
    graded: int  # those with a grade (scored, approved, or reopened with the last one)
    unscored: int  # not scored yet: draft, submitted, returned, reopened
    shares: list[GradeShare]
    lock: CalibrationLock | None
    lockable: bool  # a group of a relative policy, every review scored, not locked yet
    ranked: bool  # the group relative grading ranks (department or quarter, by the policy)

    @property
    def off_guideline(self) -> bool:
        return any(s.off_guideline for s in self.shares)

    @property
    def beyond_limit(self) -> bool:
        return any(s.beyond_limit for s in self.shares)


@dataclass(frozen=True)
class Overview:
    cycle: ReviewCycle
    policy: ScoringPolicy
    relative: bool
    division: Group
    departments: list[Group] = field(default_factory=list)


def calibration_overview(*, viewer_roles: Roles, cycle: ReviewCycle) -> Overview | None:
    """Each department's and the division's grade distribution against the guideline, the
    locks and what may be locked; None for a viewer who does not see every review (HR and
    the director do). Four queries."""
    if not viewer_roles.sees_all_reviews:
        return None
    policy = current_policy(cycle)
    counts: dict[int | None, Counter[str]] = defaultdict(Counter)
    states: dict[int | None, Counter[str]] = defaultdict(Counter)
    for department_id, state, grade, number in (
        Review.objects.filter(cycle=cycle)
        .values_list("department_id", "state", "grade")
        .annotate(number=Count("pk"))
        .order_by()
    ):
        for where in (department_id, None):
            states[where][state] += number
            if grade:
                counts[where][grade] += number
    departments = list(Department.objects.filter(pk__in=[g for g in states if g]).order_by("seq"))
    locks = {
        lock.group: lock
        for lock in CalibrationLock.objects.filter(cycle=cycle).select_related("locked_by")
    }
    relative = policy.grading == "relative"
    by_quarter = policy.grading_group == QUARTER

    def group_of(department: Department | None) -> Group:
        key = group_key(department.pk if department else None)
        ranked = by_quarter if department is None else not by_quarter
        in_states = states[department.pk if department else None]
        lock = locks.get(key) if ranked else None
        size = sum(in_states.values())
        scored = in_states[State.SCORED]
        return Group(
            key=key,
            department=department,
            size=size,
            graded=sum(counts[department.pk if department else None].values()),
            unscored=size - scored - in_states[State.APPROVED],
            shares=_shares(counts[department.pk if department else None], policy),
            lock=lock,
            lockable=relative and ranked and lock is None and size > 0 and scored == size,
            ranked=relative and ranked,
        )

    return Overview(
        cycle=cycle,
        policy=policy,
        relative=relative,
        division=group_of(None),
        departments=[group_of(department) for department in departments],
    )


def _shares(counts: Mapping[str, int], policy: ScoringPolicy) -> list[GradeShare]:
    graded = sum(counts.values())
    guideline, limits, tolerance = shares_of(policy), hard_limits(policy), policy.tolerance
    rows = []
    for grade in GRADES:
        part = share(counts.get(grade, 0), graded)
        least, most = limits[grade]
        rows.append(
            GradeShare(
                grade=grade,
                count=counts.get(grade, 0),
                share=part,
                guideline=guideline[grade],
                least=least,
                most=most,
                off_guideline=bool(graded) and abs(part - guideline[grade]) > tolerance,
                beyond_limit=bool(graded)
                and ((most is not None and part > most) or (least is not None and part < least)),
            )
        )
    return rows


def lock_of(*, cycle_id: int, group: str) -> CalibrationLock | None:
    return CalibrationLock.objects.filter(cycle_id=cycle_id, group=group).first()
