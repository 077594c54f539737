"""Reading self-assessments: whose a viewer sees, one as its page and the API show it, whether it
may still change (and the rule that says no), and the employee's to-dos.

Who sees a self-assessment: the employee their own; HR every one; the head of a department
their department's; the marketing director every submitted one (not a draft). Each read a
fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendars.models import QuarterDeadlines
from calendars.selectors import deadlines_of, is_past
from departments.models import Competency
from evidence.models import EvidenceFile, Purpose
from evidence.selectors import evidence_of
from hrperf.lib.bilingual import localized
from hrperf.lib.roles import Roles
from hrperf.lib.todos import Todo
from reviews import workflow
from reviews.models import Review, ReviewKpiLine
from selfassessments.models import SelfAssessment

SELF_ASSESS = workflow.Action.SELF_ASSESS
# The rating scale every competency is rated on, level by level.
LEVELS = (
    (1, gettext_lazy("Well below what is expected: rarely shows this behaviour.")),
    (2, gettext_lazy("Below what is expected: shows it now and then, with help.")),
    (3, gettext_lazy("Meets what is expected: shows it steadily in daily work.")),
    (4, gettext_lazy("Above what is expected: shows it even under pressure, helps others.")),
    (5, gettext_lazy("Far above what is expected: a model for others, improves how it is done.")),
)
NOT_SELF_ASSESSED = gettext_lazy("Not self-assessed")
PAGE = "/self-assessment/"  # the list of the employee's open self-assessments (urls.py)


@dataclass(frozen=True)
class Closed:
    """Why a self-assessment can no longer change: the rule, as a code and in words."""

    code: str
    message: str


@dataclass
class LineRow:
    line: ReviewKpiLine
    name: str
    summary: str


@dataclass
class RatingRow:
    competency: Competency
    name: str
    value: int | None
    comment: str
    # What each level 1–5 looks like: the catalogue's texts, or the scale's when it has none.
    levels: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class SelfAssessmentView:
    review: Review
    self_assessment: SelfAssessment | None
    lines: list[LineRow]
    ratings: list[RatingRow]
    evidence: list[EvidenceFile]
    due: date | None
    closed: Closed | None  # None: it may still change
    missed: bool  # the deadline passed with nothing submitted: 未自评

    @property
    def state(self) -> str:
        return self.self_assessment.state if self.self_assessment else SelfAssessment.State.DRAFT

    @property
    def submitted(self) -> bool:
        return self.state == SelfAssessment.State.SUBMITTED

    @property
    def summary(self) -> str:
        return self.self_assessment.summary if self.self_assessment else ""

    @property
    def editable(self) -> bool:
        return self.closed is None


def _visible(viewer_roles: Roles) -> Q | None:
    """Which reviews' self-assessments the viewer sees (drafts aside); None: none."""
    if viewer_roles.sees_all_reviews:
        return Q()
    condition: Q | None = None
    if viewer_roles.headed_department_id is not None:
        condition = Q(department_id=viewer_roles.headed_department_id)
    if viewer_roles.employee is not None:
        own = Q(employee_id=viewer_roles.employee.pk)
        condition = own if condition is None else condition | own
    return condition


def sees_drafts(*, viewer_roles: Roles, review: Review) -> bool:
    """Whether the viewer sees the review's self-assessment while it is a draft: everyone who
    sees it but the director (who is not also HR)."""
    return not viewer_roles.is_director or viewer_roles.is_hr


def review_of(*, viewer_roles: Roles, review_id: int) -> Review | None:
    """The review whose self-assessment the viewer may see (a draft's included); None when
    they may see none of it (two queries)."""
    condition = _visible(viewer_roles)
    if condition is None or not 0 < review_id < 2**63:
        return None
    review = (
        Review.objects.filter(condition, pk=review_id)
        .select_related("cycle", "employee", "department")
        .first()
    )
    if review is None:
        return None
    if not sees_drafts(viewer_roles=viewer_roles, review=review):
        submitted = SelfAssessment.objects.filter(
            review=review, state=SelfAssessment.State.SUBMITTED
        ).exists()
        return review if submitted else None
    return review


def own_review(*, viewer_roles: Roles, review_id: int) -> Review | None:
    """The viewer's own review (the one they self-assess); None for any other."""
    employee = viewer_roles.employee
    if employee is None or not 0 < review_id < 2**63:
        return None
    return (
        Review.objects.filter(pk=review_id, employee_id=employee.pk)
        .select_related("cycle", "employee", "department")
        .first()
    )


def closed_reason(
    *,
    review: Review,
    self_assessment: SelfAssessment | None,
    due: date | None,
    now: datetime | None = None,
) -> Closed | None:
    """Why the self-assessment may no longer change (the first rule that says so), or None."""
    if self_assessment is not None and self_assessment.state == SelfAssessment.State.SUBMITTED:
        return Closed(
            "already_submitted",
            _("This self-assessment was submitted; it can no longer change."),
        )
    if not workflow.allows_in_quarter(SELF_ASSESS, review.cycle.status):
        return Closed(
            "quarter_closed",
            _("The quarter %(period)s is closed: self-assessments can no longer change.")
            % {"period": review.cycle.period},
        )
    if not workflow.allows(SELF_ASSESS, review.state):
        return Closed(
            "review_submitted",
            _("HR has submitted this review: the self-assessment can no longer change."),
        )
    if is_past(due, now=now):
        return Closed(
            "deadline_passed",
            _("The self-assessment was due on %(date)s; it can no longer change.")
            % {"date": due.isoformat() if due else ""},
        )
    return None


def self_assessment_of(*, review: Review) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(review=review).first()


def self_assessment_view(*, review: Review, now: datetime | None = None) -> SelfAssessmentView:
    """The review's self-assessment as its page and the API show it (a fixed number of
    queries; a review not yet self-assessed as an empty draft)."""
    self_assessment = self_assessment_of(review=review)
    due = deadlines_of(review.cycle_id).self_assessment_due
    closed = closed_reason(review=review, self_assessment=self_assessment, due=due, now=now)
    summaries: dict[int, str] = {}
    ratings: dict[int, Any] = {}
    files: list[EvidenceFile] = []
    if self_assessment is not None:
        summaries = dict(self_assessment.line_summaries.values_list("line_id", "summary"))
        ratings = {r.competency_id: r for r in self_assessment.self_ratings.all()}
        files = evidence_of(review=review, purpose=Purpose.SELF_ASSESSMENT, ref=self_assessment.pk)
    lines = [
        LineRow(line=line, name=localized(line, "name"), summary=summaries.get(line.pk, ""))
        for line in review.kpi_lines.order_by("order", "pk")
    ]
    rows = []
    for competency in Competency.objects.order_by("order").prefetch_related("levels"):
        rating = ratings.get(competency.pk)
        rows.append(
            RatingRow(
                competency=competency,
                name=competency.tr("text"),
                value=rating.value if rating else None,
                comment=rating.comment if rating else "",
                levels=_levels(competency),
            )
        )
    submitted = self_assessment is not None and (
        self_assessment.state == SelfAssessment.State.SUBMITTED
    )
    return SelfAssessmentView(
        review=review,
        self_assessment=self_assessment,
        lines=lines,
        ratings=rows,
        evidence=files,
        due=due,
        closed=closed,
        missed=not submitted and is_past(due, now=now),
    )


def _levels(competency: Competency) -> list[tuple[int, str]]:
    """What each level of the competency looks like (its prefetched `levels`)."""
    own = {level.level: level.tr("text") for level in competency.levels.all()}
    return [(level, own.get(level) or str(text)) for level, text in LEVELS]


@dataclass(frozen=True)
class OpenRow:
    review: Review
    state: str  # draft (also: not started) or submitted
    due: date | None
    overdue: bool


def open_reviews(*, viewer_roles: Roles, now: datetime | None = None) -> list[OpenRow]:
    """The viewer's own reviews whose quarter is open and that HR has not submitted yet, each
    with its self-assessment's state and deadline (three queries)."""
    employee = viewer_roles.employee
    if employee is None:
        return []
    rule = workflow.rule(SELF_ASSESS)
    reviews = list(
        Review.objects.filter(
            employee_id=employee.pk, state__in=rule.within, cycle__status__in=rule.quarter
        )
        .select_related("cycle")
        .order_by("-cycle__starts_on", "pk")
    )
    states = dict(
        SelfAssessment.objects.filter(review__in=reviews).values_list("review_id", "state")
    )
    dues = dict(
        QuarterDeadlines.objects.filter(
            cycle_id__in={review.cycle_id for review in reviews}
        ).values_list("cycle_id", "self_assessment_due")
    )
    rows = []
    for review in reviews:
        due = dues.get(review.cycle_id)
        rows.append(
            OpenRow(
                review=review,
                state=states.get(review.pk, SelfAssessment.State.DRAFT),
                due=due,
                overdue=is_past(due, now=now),
            )
        )
    return rows


def todos(*, viewer_roles: Roles, user: Any, now: datetime | None = None) -> list[Todo]:
    """The employee's self-assessments still to submit (three queries): one item with their
    count and the nearest deadline. One whose deadline has passed is no longer theirs to do
    (it stays not self-assessed, 未自评, and blocks nothing), so it is left out."""
    rows = [
        row
        for row in open_reviews(viewer_roles=viewer_roles, now=now)
        if row.state != SelfAssessment.State.SUBMITTED and not row.overdue
    ]
    if not rows:
        return []
    dues = [row.due for row in rows if row.due is not None]
    url = f"{PAGE}{rows[0].review.pk}/" if len(rows) == 1 else PAGE
    return [
        Todo(
            kind="self_assess",
            label=gettext_lazy("Write your self-assessment"),
            url=url,
            count=len(rows),
            due=min(dues) if dues else None,
        )
    ]


def panel(
    *, viewer_roles: Roles, review: Review, now: datetime | None = None
) -> SelfAssessmentView | None:
    """The self-assessment as the review page's panel shows it to whoever sees the review (the
    page has checked that); None when the viewer sees none of it (a draft, to the director).
    One query while there is none yet."""
    found = (
        Review.objects.filter(pk=review.pk)
        .values("self_assessment__state", "cycle__deadlines__self_assessment_due")
        .first()
    )
    row: dict[str, Any] = dict(found) if found else {}
    state = row.get("self_assessment__state")
    if state != SelfAssessment.State.SUBMITTED and not sees_drafts(
        viewer_roles=viewer_roles, review=review
    ):
        return None
    if state is None:
        due = row.get("cycle__deadlines__self_assessment_due")
        return SelfAssessmentView(
            review=review,
            self_assessment=None,
            lines=[],
            ratings=[],
            evidence=[],
            due=due,
            closed=None,
            missed=is_past(due, now=now),
        )
    return self_assessment_view(review=review, now=now)
