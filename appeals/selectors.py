"""Reading confirmations and appeals, each limited to what the viewer may see:

* the employee: their own (whatever state their review is in now: an accepted appeal's review
  is reopened, and they still follow their appeal);
* a department head: their department's, but not their own as head (their own as an employee);
* HR and the director: all.

The version an accepted appeal's correction was approved as is read, not stored: the approved
result of the version the appeal reopened. Approving the correction is the director's ordinary
approval, which knows nothing of appeals; reading it here keeps it that way and can never
disagree with what payroll reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.inputs import LINE, RATING, WHOLE
from appeals.models import Appeal, AppealItem, AppealStep, Confirmation
from calendars import workdays
from calendars.models import DEFAULT_APPEAL_WORKING_DAYS, CalendarDay, QuarterDeadlines
from calendars.selectors import appeal_window_ends, is_past, local_date
from hrperf.lib.roles import Roles
from hrperf.lib.todos import Todo
from reviews import workflow
from reviews.models import (
    ApprovedResult,
    AssessorRole,
    CompetencyRating,
    Review,
    ReviewCycle,
    ReviewKpiLine,
)
from reviews.workflow import Action

DEADLINE_BATCH = 500


# -- who sees which --------------------------------------------------------------------------


def _visible(viewer_roles: Roles, prefix: str = "") -> Q | None:
    """The condition on reviews (`prefix` the path to the review) of what the viewer sees;
    None: everything."""
    if viewer_roles.sees_all_reviews:
        return None
    condition = Q(pk__in=[])
    employee = viewer_roles.employee
    if viewer_roles.headed_department_id is not None and employee is not None:
        condition |= Q(**{f"{prefix}department_id": viewer_roles.headed_department_id}) & ~Q(
            **{f"{prefix}employee_id": employee.pk}
        )
    if employee is not None:
        condition |= Q(**{f"{prefix}employee_id": employee.pk})
    return condition


def visible_appeals(*, viewer_roles: Roles) -> QuerySet[Appeal]:
    """The appeals the viewer sees, each with `reapproved_version` (None: not yet, or never)."""
    reapproval = ApprovedResult.objects.filter(
        review_id=OuterRef("review_id"), version=OuterRef("reopened_version")
    )
    appeals = Appeal.objects.annotate(reapproved_version=Subquery(reapproval.values("version")[:1]))
    condition = _visible(viewer_roles, "review__")
    return appeals if condition is None else appeals.filter(condition)


def sees_appeals(viewer_roles: Roles) -> bool:
    """Whether the viewer may list appeals at all (their list may be empty)."""
    return viewer_roles.sees_all_reviews or viewer_roles.employee is not None


def appeal_list(
    *,
    viewer_roles: Roles,
    period: str | None = None,
    status: str | None = None,
    before_id: int | None = None,
) -> QuerySet[Appeal]:
    """The appeals the viewer sees, newest first (by id), filtered by quarter and status."""
    appeals = (
        visible_appeals(viewer_roles=viewer_roles)
        .select_related(
            "review__employee", "review__department", "review__cycle", "filed_by", "answered_by"
        )
        .prefetch_related("items__line", "items__competency")
    )
    if period:
        appeals = appeals.filter(review__cycle__period=period)
    if status:
        appeals = appeals.filter(status=status)
    if before_id is not None:
        appeals = appeals.filter(pk__lt=before_id)
    return appeals.order_by("-pk")


def appeal_get(*, viewer_roles: Roles, appeal_id: int) -> Appeal | None:
    return (
        visible_appeals(viewer_roles=viewer_roles)
        .select_related(
            "review__employee", "review__department", "review__cycle", "filed_by", "answered_by"
        )
        .prefetch_related("items__line", "items__competency")
        .filter(pk=appeal_id)
        .first()
    )


def is_overdue(appeal: Appeal, *, now: dt.datetime | None = None) -> bool:
    return appeal.status == Appeal.Status.FILED and is_past(appeal.answer_due, now=now)


# -- one appeal --------------------------------------------------------------------------------


def item_codes(appeal: Appeal) -> list[str]:
    """Each item as the audit trail records it: `line:<KPI code>`, `rating:<assessor>:<code>`,
    `whole` (one query)."""
    codes = []
    for kind, line_code, assessor, competency in AppealItem.objects.filter(
        appeal=appeal
    ).values_list("kind", "line__code", "assessor_role", "competency__code"):
        if kind == LINE:
            codes.append(f"{LINE}:{line_code}")
        elif kind == RATING:
            codes.append(f"{RATING}:{assessor}:{competency}")
        else:
            codes.append(kind)
    return codes


def reapproved(appeal: Appeal) -> ApprovedResult | None:
    """The approved result of the correction an accepted appeal reopened (None: not yet)."""
    if appeal.reopened_version is None:
        return None
    return (
        ApprovedResult.objects.filter(review_id=appeal.review_id, version=appeal.reopened_version)
        .select_related("approved_by")
        .first()
    )


@dataclass(frozen=True)
class Step:
    kind: str
    at: dt.datetime
    actor: Any = None
    text: str = ""
    version: int | None = None
    channel: str = ""


def exchange(appeal: Appeal) -> list[Step]:
    """The appeal's exchange in order: filed, answered (with HR's reason), reopened, the
    employee told, and the re-approval once the correction is approved (two queries)."""
    steps = [
        Step(kind=s.kind, at=s.at, actor=s.actor, text=s.text, version=s.version, channel=s.channel)
        for s in AppealStep.objects.filter(appeal=appeal).select_related("actor")
    ]
    result = reapproved(appeal)
    if result is not None:
        steps.append(
            Step(
                kind="reapproved",
                at=result.approved_at,
                actor=result.approved_by,
                version=result.version,
            )
        )
    return sorted(steps, key=lambda step: step.at)


# -- the confirmation of a review --------------------------------------------------------------


@dataclass
class ReviewMark:
    """What the review's page says of its approved version: confirmed (how, by whom, when),
    appealed, or waiting, the window's last day, and what its own employee may do now."""

    version: int
    status: str  # "confirmed" | "appealed" | "pending"
    window_ends: dt.date | None
    window_open: bool
    confirmation: Confirmation | None = None
    appeal: Appeal | None = None
    appeals: list[Appeal] = field(default_factory=list)  # every appeal of the review
    can_confirm: bool = False
    can_appeal: bool = False


def review_mark(
    *, viewer_roles: Roles, review: Review, now: dt.datetime | None = None
) -> ReviewMark | None:
    """The confirmation state of the review's current approved version, for anyone who sees
    the review (None: no version of it was ever approved). At most five queries."""
    if review.state != Review.State.APPROVED and review.version == 1:
        return None
    appeals = list(
        visible_appeals(viewer_roles=viewer_roles)
        .filter(review=review)
        .select_related("review")
        .order_by("version")
    )
    if review.state != Review.State.APPROVED:
        return ReviewMark(
            version=review.version,
            status="appealed"
            if any(a.reopened_version == review.version for a in appeals)
            else "pending",
            window_ends=None,
            window_open=False,
            appeals=appeals,
        )
    confirmation = (
        Confirmation.objects.filter(review=review, version=review.version)
        .select_related("confirmed_by")
        .first()
    )
    appeal = next((a for a in appeals if a.version == review.version), None)
    if appeal is None:
        appeal = Appeal.objects.filter(review=review, version=review.version).first()
    ends = appeal_window_ends(review)
    window_open = ends is not None and not is_past(ends, now=now)
    status = "pending"
    if confirmation is not None:
        status = "confirmed"
    elif appeal is not None and appeal.status != Appeal.Status.REJECTED:
        status = "appealed"
    own = viewer_roles.employee is not None and review.employee_id == viewer_roles.employee.pk
    return ReviewMark(
        version=review.version,
        status=status,
        window_ends=ends,
        window_open=window_open,
        confirmation=confirmation,
        appeal=appeal,
        appeals=appeals,
        can_confirm=own
        and window_open
        and confirmation is None
        and (appeal is None or appeal.status == Appeal.Status.REJECTED)
        and workflow.may(Action.CONFIRM_RESULT, viewer_roles, review.state),
        can_appeal=own
        and window_open
        and confirmation is None
        and appeal is None
        and workflow.may(Action.APPEAL, viewer_roles, review.state)
        and workflow.allows_in_quarter(Action.APPEAL, review.cycle.status),
    )


# -- the deadline ------------------------------------------------------------------------------


def due_for_deadline_confirmation(*, now: dt.datetime) -> list[Review]:
    """Approved reviews whose current version's window has passed with no confirmation and no
    open appeal (at most DEADLINE_BATCH, three queries whatever their number)."""
    confirmed = Confirmation.objects.filter(review_id=OuterRef("pk"), version=OuterRef("version"))
    open_appeal = Appeal.objects.filter(
        review_id=OuterRef("pk"), version=OuterRef("version"), status=Appeal.Status.FILED
    )
    # A window is at least as many calendar days as working days (1 at the least).
    earliest = now - dt.timedelta(days=1)
    candidates = list(
        Review.objects.filter(state=Review.State.APPROVED, approved_at__lte=earliest)
        .filter(~Exists(confirmed), ~Exists(open_appeal))
        .order_by("approved_at", "pk")[:DEADLINE_BATCH]
    )
    windows = windows_of(candidates)
    return [review for review in candidates if is_past(windows[review.pk], now=now)]


def windows_of(reviews: list[Review]) -> dict[int, dt.date]:
    """The last day of each approved review's window (two queries, whatever their number)."""
    approved = [review for review in reviews if review.approved_at is not None]
    if not approved:
        return {}
    first_day = min(local_date(review.approved_at) for review in approved if review.approved_at)
    holidays: set[dt.date] = set()
    working: set[dt.date] = set()
    for day, kind in CalendarDay.objects.filter(day__gt=first_day).values_list("day", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else working).add(day)
    days = dict(
        QuarterDeadlines.objects.filter(
            cycle_id__in={review.cycle_id for review in approved}
        ).values_list("cycle_id", "appeal_working_days")
    )
    return {
        review.pk: workdays.add_working_days(
            local_date(review.approved_at),
            days.get(review.cycle_id, DEFAULT_APPEAL_WORKING_DAYS),
            holidays=holidays,
            workdays=working,
        )
        for review in approved
        if review.approved_at is not None
    }


def answers_not_mailed(*, before: dt.datetime) -> list[int]:
    return list(
        Appeal.objects.filter(mailed_at__isnull=True, answered_at__lte=before)
        .exclude(status=Appeal.Status.FILED)
        .order_by("answered_at")
        .values_list("pk", flat=True)[:DEADLINE_BATCH]
    )


# -- what people must do -----------------------------------------------------------------------


def todos(*, viewer_roles: Roles, user: Any, now: dt.datetime | None = None) -> list[Todo]:
    """The employee: their approved results to confirm (with the nearest window's end); HR:
    the appeals to answer (how many, the nearest answer date, whether any is overdue). A fixed
    number of queries, whatever the data."""
    now = now or timezone.now()
    found: list[Todo] = []
    employee = viewer_roles.employee
    if employee is not None:
        confirmed = Confirmation.objects.filter(
            review_id=OuterRef("pk"), version=OuterRef("version")
        )
        appealed = Appeal.objects.filter(review_id=OuterRef("pk"), version=OuterRef("version"))
        waiting = list(
            Review.objects.filter(employee_id=employee.pk, state=Review.State.APPROVED)
            .filter(~Exists(confirmed), ~Exists(appealed))
            .order_by("approved_at")[:20]
        )
        windows = windows_of(waiting)
        open_ends = [
            (review, windows[review.pk])
            for review in waiting
            if review.pk in windows and not is_past(windows[review.pk], now=now)
        ]
        if open_ends:
            review, nearest = min(open_ends, key=lambda pair: pair[1])
            found.append(
                Todo(
                    kind="confirm_result",
                    label=_("Confirm or appeal your approved result"),
                    url=f"/reviews/{review.pk}/",
                    count=len(open_ends),
                    due=nearest,
                )
            )
    if workflow.holds(Action.ANSWER_APPEAL, viewer_roles):
        summary = Appeal.objects.filter(status=Appeal.Status.FILED).aggregate(
            count=Count("pk"),
            nearest=Min("answer_due"),
        )
        if summary["count"]:
            found.append(
                Todo(
                    kind="answer_appeal",
                    label=_("Answer the employees' appeals"),
                    url="/appeals/?status=filed",
                    count=summary["count"],
                    due=summary["nearest"],
                    overdue=is_past(summary["nearest"], now=now),
                )
            )
    return found


def periods() -> list[str]:
    return list(ReviewCycle.objects.order_by("-period").values_list("period", flat=True))


@dataclass(frozen=True)
class Choice:
    """Something of the review an appeal may dispute, with the page's checkbox value."""

    token: str
    kind: str
    line: ReviewKpiLine | None = None
    rating: CompetencyRating | None = None


def dispute_choices(*, review: Review) -> list[Choice]:
    """The review's KPI lines, its assessors' ratings (not the employee's own) and the whole
    result, in the page's order (two queries)."""
    choices = [
        Choice(token=f"{LINE}:{line.pk}", kind=LINE, line=line)
        for line in review.kpi_lines.order_by("order")
    ]
    ratings = (
        CompetencyRating.objects.filter(review=review)
        .exclude(assessor_role=AssessorRole.SELF)
        .select_related("competency")
        .order_by("assessor_role", "competency__order")
    )
    choices += [
        Choice(
            token=f"{RATING}:{rating.assessor_role}:{rating.competency.code}",
            kind=RATING,
            rating=rating,
        )
        for rating in ratings
    ]
    choices.append(Choice(token=WHOLE, kind=WHOLE))
    return choices


def own_review(viewer_roles: Roles, review: Review) -> bool:
    return viewer_roles.employee is not None and review.employee_id == viewer_roles.employee.pk
