"""A review's moves through the workflow that people make: HR submits it for scoring, the
director returns it (with a comment), approves it (one or many, all or none) or reopens an
approved one for a correction (with a reason). Each is one conditional update of the state,
refused when the review moved meanwhile, with its audit event; the target state is the
workflow table's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, JSONField, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal
from departments.models import Competency
from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.tasks import publish
from payroll import events as payroll_events
from reviews import events, selectors, workflow
from reviews.models import (
    ApprovedResult,
    AuditEvent,
    CompetencyRating,
    Review,
    ReviewKpiLine,
    ScoringPolicy,
)
from reviews.services import calibration, notices
from reviews.services.common import (
    audit_append,
    enqueue_scoring,
    field_error,
    require,
    require_open,
    require_text,
    stale,
)
from reviews.workflow import Action

State = Review.State


def _transition(
    *,
    review: Review,
    actor: Any,
    action: Action,
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
    expected_revision: int | None = None,
    cause: str = "",
    appeal_id: int | None = None,
) -> Review:
    """Take `action` on the review with one conditional update; refuse if it moved meanwhile
    (another state, or another revision than the one the caller's form was based on)."""
    rule = workflow.rule(action)
    assert rule.to is not None
    require_open(review.cycle_id, action)
    matching = Review.objects.filter(pk=review.pk, state__in=rule.within)
    if expected_revision is not None:
        matching = matching.filter(revision=expected_revision)
    updated = matching.update(state=rule.to, updated_at=timezone.now(), **(extra or {}))
    if updated != 1:
        current, revision = Review.objects.values_list("state", "revision").get(pk=review.pk)
        if expected_revision is not None and revision != expected_revision:
            raise stale()
        raise Conflict(
            _("This review is %(state)s; it cannot go to %(to)s.")
            % {"state": State(current).label, "to": State(rule.to).label},
            code="bad_transition",
        )
    events.state_changed(
        cycle_id=review.cycle_id,
        review_id=review.pk,
        actor=actor,
        from_state=review.state,
        to_state=rule.to,
        reason=reason,
        cause=cause,
        appeal_id=appeal_id,
    ).save()
    review.refresh_from_db()
    return review


def _locked(review: Review, expected_revision: int | None, action: Action) -> Review:
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_open(review.cycle_id, action)
    if expected_revision is not None and review.revision != expected_revision:
        raise stale()
    return review


def incomplete(review: Review) -> ValidationFailed:
    """The refusal of an incomplete review: `review` (`incomplete`), then each missing item
    with the field that lacks it, its code and a sentence."""
    return ValidationFailed(
        [
            field_error("review", _("This review is incomplete; complete it first."), "incomplete"),
            *(
                field_error(reason.field, reason.message, reason.code)
                for reason in selectors.review_missing(review=review)
            ),
        ]
    )


def review_submit(*, actor: Any, review: Review, expected_revision: int | None = None) -> Review:
    """HR hands a complete review to the worker for scoring."""
    require(Action.SUBMIT, actor)
    with transaction.atomic():
        review = _locked(review, expected_revision, Action.SUBMIT)
        if review.incomplete_reasons:
            raise incomplete(review)
        review = _transition(
            review=review, actor=actor, action=Action.SUBMIT, extra={"submitted_at": timezone.now()}
        )
        enqueue_scoring(review.pk)
    return review


def review_return(
    *, actor: Any, review: Review, comment: str, expected_revision: int | None = None
) -> Review:
    require(Action.RETURN, actor)
    require_text("comment", comment, _("Say what HR should change."))
    with transaction.atomic():
        review = _transition(
            review=review,
            actor=actor,
            action=Action.RETURN,
            reason=comment.strip(),
            expected_revision=expected_revision,
        )
        notices.review_returned(review, comment.strip())
    return review


def review_approve(
    *, actor: Any, review: Review, expected_revision: int | None = None, reason: str = ""
) -> Review:
    """The director approves a scored review: its figures freeze and payroll sees them. Under
    relative grading its group must be locked first (unless smaller than the policy's
    minimum); an approval that breaks a hard limit of the guideline needs a written `reason`
    (`reviews.selectors.calibration.approval_breaches`), kept in the state event."""
    require(Action.APPROVE, actor)
    with transaction.atomic():
        review = _locked(review, expected_revision, Action.APPROVE)
        if not workflow.allows(Action.APPROVE, review.state) or (
            review.scored_revision != review.revision
        ):
            raise Conflict(_("Only a scored review can be approved."), code="bad_transition")
        calibration.require_approvable(review=review, reason=reason)
        now = timezone.now()
        review = _transition(
            review=review,
            actor=actor,
            action=Action.APPROVE,
            reason=reason.strip(),
            extra={"approved_at": now, "approved_by_id": events.actor_id(actor)},
        )
        result = _approved_result(review, actor)
        ScoringPolicy.objects.filter(pk=result.policy_id, frozen_at__isnull=True).update(
            frozen_at=now
        )
        payroll_events.review_approved(result)
        notices.results_approved([review.pk])
    return review


def _approved_result(review: Review, actor: Any) -> ApprovedResult:
    """The figures of the version just approved, kept for payroll (append-only)."""
    assert review.policy_id is not None and review.total_score is not None
    assert review.kpi_score is not None and review.competency_score is not None
    assert review.pay_coefficient is not None and review.approved_at is not None
    return ApprovedResult.objects.create(
        review=review,
        version=review.version,
        policy_id=review.policy_id,
        kpi_score=review.kpi_score,
        competency_score=review.competency_score,
        total_score=review.total_score,
        grade=review.grade,
        pay_coefficient=review.pay_coefficient,
        verbal_warning=review.verbal_warning,
        approved_at=review.approved_at,
        approved_by=actor,
        snapshot=_snapshot(review),
        grade_basis=review.grade_basis,
    )


def _snapshot(review: Review) -> dict[str, Any]:
    return _snapshots([review.pk])[review.pk]


def _snapshots(review_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each review's lines and ratings as approved (two queries for all)."""
    snapshots: dict[int, dict[str, Any]] = {pk: {"lines": [], "ratings": []} for pk in review_ids}
    for review_id, c, d, t, a, w in (
        ReviewKpiLine.objects.filter(review_id__in=review_ids)
        .order_by("review_id", "order")
        .values_list("review_id", "code", "direction", "target", "actual", "weight")
    ):
        snapshots[review_id]["lines"].append(
            {
                "code": c,
                "direction": d,
                "target": str(t) if t is not None else None,
                "actual": str(a) if a is not None else None,
                "weight": w,
            }
        )
    for review_id, assessor, competency, value in (
        CompetencyRating.objects.filter(review_id__in=review_ids)
        .order_by("review_id", "assessor_role", "competency__order")
        .values_list("review_id", "assessor_role", "competency__code", "value")
    ):
        snapshots[review_id]["ratings"].append(
            {"assessor": assessor, "competency": competency, "value": value}
        )
    return snapshots


def reviews_approve(
    *,
    actor: Any,
    reviews: Sequence[Review],
    expected_revisions: Mapping[int, int] | None = None,
) -> list[Review]:
    """Approve many at once: all or none. `expected_revisions` ({review id: revision}) refuses
    the whole batch when any of them changed since the caller's page was drawn."""
    expected = expected_revisions or {}
    with transaction.atomic():
        return [
            review_approve(actor=actor, review=review, expected_revision=expected.get(review.pk))
            for review in reviews
        ]


# Reviews per bulk statement of a batch (submit all, approve all).
BATCH_CHUNK = 2000


class SetChanged(Conflict):
    """The set a bulk action was confirmed for is not the set read now: `count` is how many
    it holds now."""

    code = "set_changed"

    def __init__(self, *, count: int) -> None:
        super().__init__(
            _(
                "The reviews matching this filter changed since they were counted: "
                "%(count)s now. Nothing was changed; confirm the new count."
            )
            % {"count": f"{count:,}"},
            code="set_changed",
        )
        self.count = count


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch did: how many reviews it moved; for submit-all, how many of the filter
    were left out as incomplete and the first of them named (`selectors.bulk.Left`)."""

    done: int
    left_out: int = 0
    named: tuple[selectors.bulk.Left, ...] = ()


def _confirmed(
    batch: selectors.Batch, expected: int | None, fingerprint: str | None
) -> selectors.Batch:
    if (expected is not None and batch.count != expected) or (
        fingerprint and batch.fingerprint != fingerprint
    ):
        raise SetChanged(count=batch.count)
    return batch


def _require_open_quarters(batch: selectors.Batch, action: Action) -> None:
    """Refuse the whole batch when one of its quarters is closed (`require_open`)."""
    ids = [pk for pk, _revision in batch.pairs]
    quarters = Review.objects.filter(pk__in=ids).values_list("cycle_id", flat=True).distinct()
    for cycle_id in quarters.order_by("cycle_id"):
        require_open(cycle_id, action)


def _chunks(pairs: Sequence[tuple[int, int]]) -> Iterator[Sequence[tuple[int, int]]]:
    for start in range(0, len(pairs), BATCH_CHUNK):
        yield pairs[start : start + BATCH_CHUNK]


def _at_revisions(chunk: Sequence[tuple[int, int]]) -> Q:
    """The reviews of `chunk` still at the revision read: one term per distinct revision."""
    by_revision: dict[int, list[int]] = defaultdict(list)
    for pk, revision in chunk:
        by_revision[revision].append(pk)
    condition = Q()
    for revision, ids in by_revision.items():
        condition |= Q(pk__in=ids, revision=revision)
    return condition


def _changed_meanwhile() -> Conflict:
    return Conflict(
        _(
            "Nothing was changed: a review of this set changed while it was being saved. "
            "Count them again and confirm."
        ),
        code="stale",
    )


def _pairs_of(reviews: QuerySet[Review] | Sequence[Review]) -> QuerySet[Review]:
    if isinstance(reviews, QuerySet):
        return reviews
    return Review.objects.filter(pk__in=[review.pk for review in reviews])


def reviews_submit_batch(
    *,
    actor: Any,
    reviews: QuerySet[Review] | Sequence[Review],
    expected: int | None = None,
    fingerprint: str | None = None,
) -> BatchOutcome:
    """HR submits every complete review of `reviews` (a filtered queryset, or reviews) that
    is back with HR, all or none; the incomplete ones are left out, counted and named. With
    `expected` (the count shown) or `fingerprint` (`selectors.Batch.fingerprint`) the set read
    now must be the one confirmed, else `SetChanged`. Each review goes to the worker at its
    revision once the transaction commits, as `review_submit` does."""
    require(Action.SUBMIT, actor)
    rule = workflow.rule(Action.SUBMIT)
    assert rule.to is not None
    with transaction.atomic():
        batch = _confirmed(selectors.submittable(_pairs_of(reviews)), expected, fingerprint)
        _require_open_quarters(batch, Action.SUBMIT)
        now = timezone.now()
        made: list[AuditEvent] = []
        for chunk in _chunks(batch.pairs):
            ids = [pk for pk, _revision in chunk]
            before = Review.objects.filter(pk__in=ids).values_list("pk", "cycle_id", "state")
            made.extend(
                events.state_changed(
                    cycle_id=cycle_id, review_id=pk, actor=actor, from_state=state, to_state=rule.to
                )
                for pk, cycle_id, state in before
            )
            updated = Review.objects.filter(
                _at_revisions(chunk), state__in=rule.within, incomplete_reasons=[]
            ).update(state=rule.to, submitted_at=now, updated_at=now)
            if updated != len(chunk):
                raise _changed_meanwhile()
        audit_append(made, now)
        pairs = batch.pairs

        def send() -> None:
            for pk, revision in pairs:
                if not publish("reviews.score_review", pk, revision):
                    return  # the broker is down: the sweep hands the rest over

        if pairs:
            transaction.on_commit(send)
    return BatchOutcome(done=batch.count, left_out=batch.left_out, named=batch.named)


# What an approved result repeats of its review, read in bulk.
APPROVED_FIELDS = (
    "pk",
    "cycle_id",
    "version",
    "policy_id",
    "kpi_score",
    "competency_score",
    "total_score",
    "grade",
    "pay_coefficient",
    "verbal_warning",
    "grade_basis",
)


def _approved_results(review_ids: list[int], *, now: Any, approver: int) -> list[ApprovedResult]:
    """The approved results of reviews just approved (at `now` by `approver`), written in
    bulk with their snapshots (`_snapshots`)."""
    snapshots = _snapshots(review_ids)
    results = []
    for row in Review.objects.filter(pk__in=review_ids).order_by("pk").values(*APPROVED_FIELDS):
        pk = row.pop("pk")
        row.pop("cycle_id")
        results.append(
            ApprovedResult(
                review_id=pk,
                approved_at=now,
                approved_by_id=approver,
                # One literal each: a JSON array literal would be escaped per quote.
                snapshot=Value(snapshots[pk], output_field=JSONField()),
                **row,
            )
        )
    return ApprovedResult.objects.bulk_create(results, batch_size=BATCH_CHUNK)


# PostgreSQL: the approved results of reviews just approved in one statement, each snapshot
# built by the database as `_snapshots` builds it (the same keys, order and texts).
RESULT_FIGURES = (
    "version",
    "policy_id",
    "kpi_score",
    "competency_score",
    "total_score",
    "grade",
    "pay_coefficient",
    "verbal_warning",
    "grade_basis",
    "approved_at",
    "approved_by_id",
)
APPROVED_RESULTS_SQL = """
INSERT INTO {result} (review_id, {figures}, snapshot)
SELECT r.id, {review_figures}, jsonb_build_object(
    'lines', COALESCE((
        SELECT jsonb_agg(jsonb_build_object(
            'code', l.code, 'direction', l.direction, 'target', l.target::text,
            'actual', l.actual::text, 'weight', l.weight) ORDER BY l."order")
        FROM {line} AS l WHERE l.review_id = r.id), '[]'::jsonb),
    'ratings', COALESCE((
        SELECT jsonb_agg(jsonb_build_object(
            'assessor', c.assessor_role, 'competency', k.code, 'value', c.value)
            ORDER BY c.assessor_role, k."order")
        FROM {rating} AS c JOIN {competency} AS k ON k.id = c.competency_id
        WHERE c.review_id = r.id), '[]'::jsonb))
FROM {review} AS r WHERE r.id = ANY(%s) ORDER BY r.id
RETURNING id, review_id, {figures}
"""


def _approved_results_sql(review_ids: list[int]) -> list[ApprovedResult]:
    statement = APPROVED_RESULTS_SQL.format(
        result=ApprovedResult._meta.db_table,
        line=ReviewKpiLine._meta.db_table,
        rating=CompetencyRating._meta.db_table,
        competency=Competency._meta.db_table,
        review=Review._meta.db_table,
        figures=", ".join(RESULT_FIGURES),
        review_figures=", ".join(f"r.{column}" for column in RESULT_FIGURES),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [review_ids])
        columns = ["pk", "review_id", *RESULT_FIGURES]
        return [ApprovedResult(**dict(zip(columns, row, strict=True))) for row in cursor.fetchall()]


def reviews_approve_batch(
    *,
    actor: Any,
    reviews: QuerySet[Review] | Sequence[Review],
    reason: str = "",
    expected: int | None = None,
    fingerprint: str | None = None,
) -> BatchOutcome:
    """The director approves every review of `reviews` (a filtered queryset, or reviews) that
    is scored at its current revision, all or none, with `reason` (optional, as written) in
    each one's audit event. With `expected` (the count shown) or `fingerprint`
    (`selectors.Batch.fingerprint`) the set read now must be the one confirmed, else
    `SetChanged`, nothing approved. Per chunk: one conditional UPDATE (id, revision, state),
    then in bulk each review's `ApprovedResult`, its `state` event and its `review.approved`
    webhook deliveries; the policies used are frozen: what `review_approve` writes for one."""
    require(Action.APPROVE, actor)
    rule = workflow.rule(Action.APPROVE)
    assert rule.to is not None
    reason = (reason or "").strip()
    approver = events.actor_id(actor)
    assert approver is not None
    with transaction.atomic():
        batch = _confirmed(selectors.approvable(_pairs_of(reviews)), expected, fingerprint)
        _require_open_quarters(batch, Action.APPROVE)
        calibration.require_batch_approvable(
            review_ids=[pk for pk, _revision in batch.pairs], reason=reason
        )
        now = timezone.now()
        made: list[AuditEvent] = []
        policies: set[int] = set()
        for chunk in _chunks(batch.pairs):
            updated = Review.objects.filter(
                _at_revisions(chunk), state__in=rule.within, scored_revision=F("revision")
            ).update(state=rule.to, approved_at=now, approved_by_id=approver, updated_at=now)
            if updated != len(chunk):
                raise _changed_meanwhile()
            ids = [pk for pk, _revision in chunk]
            cycles = dict(Review.objects.filter(pk__in=ids).values_list("pk", "cycle_id"))
            if connection.vendor == "postgresql":
                results = _approved_results_sql(ids)
            else:
                results = _approved_results(ids, now=now, approver=approver)
            for result in results:
                policies.add(result.policy_id)
                made.append(
                    events.state_changed(
                        cycle_id=cycles[result.review_id],
                        review_id=result.review_id,
                        actor=actor,
                        from_state=State.SCORED,
                        to_state=rule.to,
                        reason=reason,
                    )
                )
            payroll_events.reviews_approved(results)
            notices.results_approved(ids)
        audit_append(made, now)
        ScoringPolicy.objects.filter(pk__in=policies, frozen_at__isnull=True).update(frozen_at=now)
    return BatchOutcome(done=batch.count)


def review_reopen(
    *, actor: Any, review: Review, reason: str, expected_revision: int | None = None
) -> Review:
    """The director reopens an approved review for a correction: a new version begins. The last
    approved version stays with payroll until the new one is approved."""
    require(Action.REOPEN, actor)
    require_text("reason", reason, _("Give the reason for reopening."))
    with transaction.atomic():
        _refuse_while_appealed(review)
        return _reopen(
            review=review, actor=actor, reason=reason, expected_revision=expected_revision
        )


def _refuse_while_appealed(review: Review) -> None:
    """An appeal of the approved version waits for HR's answer: reopening the review now would
    leave it with no version to answer for. Read with the review locked, as filing one is."""
    version = Review.objects.select_for_update().values_list("version", flat=True).get(pk=review.pk)
    if Appeal.objects.filter(
        review_id=review.pk, version=version, status=Appeal.Status.FILED
    ).exists():
        raise Conflict(
            _(
                "The employee's appeal of this result waits for HR's answer: HR answers it "
                "first (accepting it reopens the review for the correction)."
            ),
            code="appeal_open",
        )


def review_reopen_for_appeal(*, actor: Any, review: Review, appeal_id: int, reason: str) -> Review:
    """HR accepted the employee's appeal (`appeal_id`): the approved review reopens for the
    correction, as the director's reopening does (a new version, the same events to payroll's
    clients), with the appeal recorded as its cause. Call it inside the transaction that
    records the acceptance."""
    require(Action.ANSWER_APPEAL, actor)
    require_text("reason", reason, _("Give the reason for accepting the appeal."))
    with transaction.atomic():
        return _reopen(review=review, actor=actor, reason=reason, appeal_id=appeal_id)


def _reopen(
    *,
    review: Review,
    actor: Any,
    reason: str,
    expected_revision: int | None = None,
    appeal_id: int | None = None,
) -> Review:
    review = _transition(
        review=review,
        actor=actor,
        action=Action.REOPEN,
        reason=reason.strip(),
        extra={"version": F("version") + 1, "revision": F("revision") + 1},
        expected_revision=expected_revision,
        cause=events.APPEAL if appeal_id is not None else "",
        appeal_id=appeal_id,
    )
    # Clients hear which approved version payroll keeps paying on until the correction.
    last = review.approved_results.order_by("-version").first()
    if last is not None:
        payroll_events.review_reopened(last)
    if appeal_id is None:  # HR, who accepted the appeal, is not told what they did
        notices.review_reopened(review, reason.strip())
    return review
