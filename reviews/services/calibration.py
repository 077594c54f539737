"""Calibration (绩效校准): the director locks a group of a quarter under relative grading
(scoring.md v2) and its reviews take the grades of their ranks; a review of a locked group
rescored later (reopened, appealed, or its inputs changed before approval) ranks into the
lock's seats and totals, and nobody else's grade changes.

What a lock writes on each review, by a conditional update at the revision read, is its grade,
the pay coefficient of that grade and its basis (`Review.grade_basis`): ``basis`` (relative,
or absolute for a group smaller than the policy's minimum), ``group``, ``rank``, ``size``,
``minimum``, ``seats``, ``lock``, ``grade``, ``coefficient`` and the bands' grade it had
(``absolute_grade``). The approval copies it into the approved result. The verbal warning
stays the bands' (scoring.md v2)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy, pgettext
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from hrperf.lib import numbers
from hrperf.lib.errors import Conflict, ValidationFailed
from reviews import events, scoring
from reviews.models import AuditEvent, CalibrationLock, Review, ReviewCycle, ScoringPolicy
from reviews.policies import current_policy, to_scoring
from reviews.selectors.calibration import (
    QUARTER,
    Breach,
    approval_breaches,
    group_key,
    review_group,
)
from reviews.services.common import field_error, require, require_open, require_text
from reviews.workflow import Action

State = Review.State
RELATIVE = scoring.RELATIVE


def _basis(
    *,
    graded: scoring.GroupGrading,
    member: scoring.GroupMember,
    group: str,
    lock_id: int,
    absolute_grade: str,
) -> dict[str, Any]:
    return {
        "basis": graded.basis,
        "group": group,
        "rank": member.rank,
        "size": graded.size,
        "minimum": graded.minimum,
        "seats": dict(graded.seats),
        "lock": lock_id,
        "grade": member.grade,
        "coefficient": f"{member.pay_coefficient:f}",
        "absolute_grade": absolute_grade,
    }


def group_lock(
    *, actor: Any, cycle: ReviewCycle, department: Department | None, reason: str
) -> CalibrationLock:
    """The director locks a group (a department, or the whole quarter when the policy ranks
    the quarter together): every review of it must be scored at its current revision, with
    the policy in force. Its reviews take the grades of their ranks (the bands' grades when
    the group is smaller than the policy's minimum). One lock per group and quarter."""
    require(Action.LOCK_GROUP, actor)
    require_open(cycle.pk, Action.LOCK_GROUP)
    require_text("reason", reason, _("Say why this group's grades are final."))
    with transaction.atomic():
        policy = _lockable_policy(cycle=cycle, department=department)
        key = group_key(department.pk if department else None)
        if CalibrationLock.objects.filter(cycle=cycle, group=key).exists():
            raise Conflict(_("This group is already locked."), code="already_locked")
        rows = _scored_members(cycle=cycle, department=department, policy=policy)
        totals = {pk: total for pk, _s, _r, _sr, _p, total, _g in rows if total is not None}
        graded = scoring.relative_grades(totals, to_scoring(policy))
        lock = CalibrationLock.objects.create(
            cycle=cycle,
            group=key,
            department=department,
            policy=policy,
            basis=graded.basis,
            seats=dict(graded.seats),
            totals={str(pk): f"{total:f}" for pk, total in totals.items()},
            locked_by=actor,
            reason=reason.strip(),
        )
        trail = [
            events.group_locked(
                cycle_id=cycle.pk,
                actor=actor,
                group=key,
                basis=graded.basis,
                size=graded.size,
                seats=dict(graded.seats),
                lock_id=lock.pk,
                reason=reason.strip(),
            )
        ]
        trail.extend(_grade_members(actor=actor, lock=lock, graded=graded, rows=rows))
        AuditEvent.objects.bulk_create(trail)
    return lock


def _lockable_policy(*, cycle: ReviewCycle, department: Department | None) -> ScoringPolicy:
    """The quarter's policy in force, its row locked (one lock of the quarter at a time, none
    during a change), if it grades relatively by the kind of group asked for."""
    policy = (
        ScoringPolicy.objects.select_for_update().filter(cycle=cycle).order_by("-version").first()
    )
    assert policy is not None
    if policy.grading != RELATIVE:
        raise Conflict(
            _("This quarter grades by the bands: there is no group to lock."),
            code="not_relative",
        )
    if (policy.grading_group == QUARTER) != (department is None):
        message = (
            _("This quarter ranks the whole quarter together: lock the quarter.")
            if policy.grading_group == QUARTER
            else _("This quarter ranks each department: choose the department to lock.")
        )
        raise ValidationFailed([field_error("department", message, "wrong_group")])
    return policy


MemberRow = tuple[int, str, int, int | None, int, Decimal | None, str]


def _scored_members(
    *, cycle: ReviewCycle, department: Department | None, policy: ScoringPolicy
) -> list[MemberRow]:
    """The group's reviews, locked in id order, each scored at its revision with `policy`."""
    reviews = Review.objects.select_for_update().filter(cycle=cycle).order_by("pk")
    if department is not None:
        reviews = reviews.filter(department=department)
    rows = list(
        reviews.values_list(
            "pk", "state", "revision", "scored_revision", "policy_id", "total_score", "grade"
        )
    )
    if not rows:
        raise ValidationFailed(
            [field_error("department", _("This group has no reviews."), "empty_group")]
        )
    waiting = [
        row for row in rows if row[1] != State.SCORED or row[3] != row[2] or row[4] != policy.pk
    ]
    if waiting:
        raise Conflict(
            ngettext_lazy(
                "%(count)d review of this group is not scored with the quarter's policy "
                "yet: every review must be scored before its group is locked.",
                "%(count)d reviews of this group are not scored with the quarter's policy "
                "yet: every review must be scored before its group is locked.",
                len(waiting),
            )
            % {"count": len(waiting)},
            code="not_all_scored",
        )
    return rows


def _grade_members(
    *, actor: Any, lock: CalibrationLock, graded: scoring.GroupGrading, rows: list[MemberRow]
) -> list[AuditEvent]:
    """Write each member's grade of its rank, its pay coefficient and basis, by a conditional
    update at the revision read; the `grade_calibrated` event of each."""
    now = timezone.now()
    trail = []
    for pk, _state, revision, _scored, _policy, _total, before in rows:
        member = graded.members[pk]
        basis = _basis(
            graded=graded, member=member, group=lock.group, lock_id=lock.pk, absolute_grade=before
        )
        written = Review.objects.filter(
            pk=pk, state=State.SCORED, revision=revision, scored_revision=revision
        ).update(
            grade=member.grade,
            pay_coefficient=member.pay_coefficient,
            grade_basis=basis,
            updated_at=now,
        )
        if written != 1:  # moved since read (the rows are locked: never expected)
            raise Conflict(_("A review of this group changed meanwhile."), code="stale")
        trail.append(
            events.grade_calibrated(
                cycle_id=lock.cycle_id,
                review_id=pk,
                actor=actor,
                group=lock.group,
                basis=graded.basis,
                before=before,
                after=member.grade,
                rank=member.rank,
                lock_id=lock.pk,
            )
        )
    return trail


def reviews_regrade_in_locks(*, review_ids: Collection[int]) -> dict[int, str]:
    """Reviews just scored (by the worker, at their scored revision) whose group is locked
    under a relative policy: each takes the grade of the seat its new total ranks into among
    the lock's other totals, ties going up (scoring.md v2, rescoring); a group locked with
    the bands' grades (too small) keeps them. Nobody else's grade changes. Writes the grade,
    the coefficient and the basis by a conditional update at the scored revision, with a
    `grade_calibrated` event. Returns {review id: grade} of those regraded. Call inside the
    scoring transaction. Three queries when nothing is locked."""
    if not review_ids:
        return {}
    rows = list(
        Review.objects.filter(pk__in=review_ids, state=State.SCORED)
        .values_list(
            "pk",
            "cycle_id",
            "department_id",
            "scored_revision",
            "policy_id",
            "total_score",
            "grade",
            "verbal_warning",
        )
        .order_by("pk")
    )
    policies = {p.pk: p for p in ScoringPolicy.objects.filter(pk__in={r[4] for r in rows})}
    relative = [r for r in rows if policies[r[4]].grading == RELATIVE]
    if not relative:
        return {}
    locks = {
        (lock.cycle_id, lock.group): lock
        for lock in CalibrationLock.objects.filter(cycle_id__in={r[1] for r in relative})
    }
    regraded: dict[int, str] = {}
    trail: list[AuditEvent] = []
    now = timezone.now()
    for pk, cycle_id, department_id, revision, policy_id, total, before, _warn in relative:
        policy = policies[policy_id]
        key = review_group(policy, department_id)
        lock = locks.get((cycle_id, key))
        if lock is None or total is None:
            continue
        rules = to_scoring(policy)
        others = [Decimal(t) for k, t in lock.totals.items() if k != str(pk)]
        if lock.basis == RELATIVE:
            grade, rank = scoring.regrade_in_group(total, others, lock.seats)
        else:
            grade, rank = before, scoring.regrade_in_group(total, others, lock.seats)[1]
        coefficient = rules.pay_coefficients[grade]
        basis = {
            "basis": lock.basis,
            "group": key,
            "rank": rank,
            "size": sum(lock.seats.values()),
            "minimum": policy.relative_min_group,
            "seats": dict(lock.seats),
            "lock": lock.pk,
            "grade": grade,
            "coefficient": f"{coefficient:f}",
            "absolute_grade": before,
            "rescored": True,
        }
        if Review.objects.filter(pk=pk, state=State.SCORED, scored_revision=revision).update(
            grade=grade, pay_coefficient=coefficient, grade_basis=basis, updated_at=now
        ):
            regraded[pk] = grade
            trail.append(
                events.grade_calibrated(
                    cycle_id=cycle_id,
                    review_id=pk,
                    actor=None,
                    group=key,
                    basis=lock.basis,
                    before=before,
                    after=grade,
                    rank=rank,
                    lock_id=lock.pk,
                    cause=events.RESCORED,
                )
            )
    AuditEvent.objects.bulk_create(trail)
    return regraded


def breach_text(breach: Breach, names: dict[int, str]) -> str:
    """A breach in words: where, which grade, its share against the limit."""
    where = gettext("the division") if breach.department_id is None else names[breach.department_id]
    params = {
        "where": where,
        "grade": breach.grade,
        "count": breach.count,
        "size": breach.size,
        "share": numbers.percent(breach.share),
        "percent": breach.percent,
    }
    if breach.limit == "max":
        return (
            gettext(
                "%(where)s: %(count)s of %(size)s approved as %(grade)s (%(share)s%%), more than "
                "the limit of %(percent)s%%"
            )
            % params
        )
    return (
        gettext("%(where)s: %(grade)s can no longer reach its least share of %(percent)s%%")
        % params
    )


def breaches_text(breaches: list[Breach]) -> str:
    ids = {b.department_id for b in breaches if b.department_id is not None}
    names = {d.pk: d.tr("name") for d in Department.objects.filter(pk__in=ids)}
    return pgettext("list separator", "; ").join(breach_text(breach, names) for breach in breaches)


def require_approvable(*, review: Review, reason: str) -> None:
    """Refuse the approval of a scored review whose grade is not final yet (relative grading,
    its group large enough and not locked: 409 `group_not_locked`), or which breaks a hard
    limit of the guideline without a written reason (400 on `reason`, code `hard_limit`)."""
    require_batch_approvable(review_ids=[review.pk], reason=reason)


def require_batch_approvable(*, review_ids: Collection[int], reason: str) -> None:
    """`require_approvable` for a batch, checked once for the whole of it in each quarter it
    touches: no review whose grade is not final yet (relative grading, its group large enough
    and not locked), and no hard limit broken without a written reason. A few queries per
    quarter, whatever the size of the batch."""
    by_cycle: dict[int, list[int]] = {}
    for pk, cycle_id in Review.objects.filter(pk__in=review_ids).values_list("pk", "cycle_id"):
        by_cycle.setdefault(cycle_id, []).append(pk)
    for cycle in ReviewCycle.objects.filter(pk__in=by_cycle):
        ids = by_cycle[cycle.pk]
        _require_locked(cycle=cycle, review_ids=ids)
        breaches = approval_breaches(cycle=cycle, review_ids=ids)
        if breaches and not (reason or "").strip():
            message = _(
                "Approving this breaks a hard limit of the guideline (%(breaches)s): give a "
                "written reason."
            ) % {"breaches": breaches_text(breaches)}
            raise ValidationFailed([field_error("reason", message, "hard_limit")])


def _require_locked(*, cycle: ReviewCycle, review_ids: list[int]) -> None:
    policy = current_policy(cycle)
    if policy.grading != RELATIVE:
        return
    unlocked = Review.objects.filter(pk__in=review_ids, grade_basis__isnull=True)
    groups: set[int | None]
    if policy.grading_group == QUARTER:
        groups = {None} if unlocked.exists() else set()
    else:
        groups = set(unlocked.values_list("department_id", flat=True).distinct())
    if not groups:
        return
    sizes = Review.objects.filter(cycle=cycle)
    if policy.grading_group != QUARTER:
        sizes = sizes.filter(department_id__in=groups)
    key = "cycle_id" if policy.grading_group == QUARTER else "department_id"
    counts = Counter(sizes.values_list(key, flat=True))
    if any(count >= policy.relative_min_group for count in counts.values()):
        raise Conflict(
            _(
                "This quarter grades relatively: the director locks the review's group on "
                "the calibration page before its reviews are approved."
            ),
            code="group_not_locked",
        )
