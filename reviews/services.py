"""Every write to cycles and reviews: each checks who may do it, checks the transition,
writes the audit trail and enqueues follow-up work once the transaction commits."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import DecimalValidator
from django.db import connection, transaction
from django.db.models import DecimalField, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.services import webhooks_emit
from departments.models import Competency, Employee
from hrperf.lib.errors import Conflict, ErrorList, FieldError, NotAllowed, ValidationFailed
from hrperf.lib.periods import PERIOD_HELP, clean_period, is_period, quarter_dates
from hrperf.lib.roles import roles_of
from kpis.models import Kpi
from reviews import scoring
from reviews.messages import problem_text, reason_text
from reviews.models import (
    ApprovedResult,
    AssessorRole,
    AuditEvent,
    CompetencyRating,
    CycleJob,
    Review,
    ReviewCycle,
    ReviewKpiLine,
    ScoringPolicy,
    VerbalWarning,
)

State = Review.State
SCORING_STATES = (State.SUBMITTED, State.SCORED)
MAX_DECIMALS = 4
MAX_FIGURE = Decimal("99999999999999")  # 14 integer digits: DecimalField(max_digits=18, 4)
POLICY_FIELDS = (
    "kpi_share",
    "director_weight",
    "hr_weight",
    "achievement_cap",
    "achievement_floor",
    "warning_threshold",
    "band_s",
    "band_a",
    "band_b",
    "band_c",
    "coefficient_s",
    "coefficient_a",
    "coefficient_b",
    "coefficient_c",
    "coefficient_d",
)


# -- permissions -----------------------------------------------------------------------------


def _require_hr(actor: Any) -> None:
    if not roles_of(actor).is_hr:
        raise NotAllowed(gettext_lazy("Only HR may do this."))


def _require_director(actor: Any) -> None:
    if not roles_of(actor).is_director:
        raise NotAllowed(gettext_lazy("Only the marketing director may do this."))


def _require_assessor(actor: Any, assessor_role: str) -> None:
    roles = roles_of(actor)
    allowed = {
        AssessorRole.MARKETING_DIRECTOR: roles.is_director,
        AssessorRole.HR: roles.is_hr,
    }
    if assessor_role not in allowed:
        raise ValidationFailed(
            [_field_error("assessor_role", gettext_lazy("Unknown assessor role."))]
        )
    if not allowed[AssessorRole(assessor_role)]:
        raise NotAllowed(gettext_lazy("You do not hold this assessor's role."))


def _require_text(name: str, value: str, message: Any) -> None:
    if not (value or "").strip():
        raise ValidationFailed([_field_error(name, message, "required")])


def _field_error(name: str, message: Any, code: str = "invalid") -> FieldError:
    return FieldError(field=name, message=message, code=code)


# -- audit -----------------------------------------------------------------------------------


def _actor_id(actor: Any) -> int | None:
    return actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None


def _event(
    *,
    cycle_id: int,
    review_id: int | None,
    actor: Any,
    action: str,
    field: str = "",
    from_value: object = "",
    to_value: object = "",
    reason: str = "",
) -> AuditEvent:
    return AuditEvent(
        cycle_id=cycle_id,
        review_id=review_id,
        actor_id=_actor_id(actor),
        action=action,
        field=field,
        from_value="" if from_value is None else str(from_value)[:200],
        to_value="" if to_value is None else str(to_value)[:200],
        reason=reason,
    )


# -- cycles and policies ---------------------------------------------------------------------


def cycle_open(*, actor: Any, period: str, policy: Mapping[str, Any] | None = None) -> ReviewCycle:
    """Open a quarter with its scoring policy (scoring.md defaults unless given)."""
    _require_hr(actor)
    period = clean_period(period)
    if not is_period(period):
        raise ValidationFailed([_field_error("period", PERIOD_HELP)])
    if ReviewCycle.objects.filter(period=period).exists():
        raise ValidationFailed(
            [_field_error("period", gettext_lazy("This quarter is already open."), "duplicate")]
        )
    starts_on, ends_on = quarter_dates(period)
    policy_values = _validated_policy(policy or {})
    with transaction.atomic():
        cycle = ReviewCycle.objects.create(
            period=period, starts_on=starts_on, ends_on=ends_on, created_by_id=_actor_id(actor)
        )
        ScoringPolicy.objects.create(cycle=cycle, version=1, **policy_values)
        _event(
            cycle_id=cycle.pk, review_id=None, actor=actor, action="cycle_opened", to_value=period
        ).save()
    return cycle


def _validated_policy(values: Mapping[str, Any]) -> dict[str, Decimal]:
    unknown = sorted(set(values) - set(POLICY_FIELDS))
    errors = ErrorList()
    for name in unknown:
        errors.add(name, gettext_lazy("Unknown policy setting."))
    blank = ScoringPolicy()
    defaults = {name: getattr(blank, name) for name in POLICY_FIELDS}
    merged: dict[str, Decimal] = {}
    for name in POLICY_FIELDS:
        raw = values.get(name, defaults[name])
        try:
            merged[name] = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            errors.add(name, gettext_lazy("Enter a number."))
            continue
        field = ScoringPolicy._meta.get_field(name)
        assert isinstance(field, DecimalField)
        try:
            DecimalValidator(field.max_digits, field.decimal_places)(merged[name])
        except ValidationError as error:
            errors.add(name, error.messages[0], "too_large")
    errors.raise_if_any()
    candidate = policy_to_scoring(ScoringPolicy(**merged))
    for problem in scoring.validate_policy(candidate):
        errors.add(problem.field, problem_text(problem), problem.code)
    errors.raise_if_any()
    return merged


def current_policy(cycle: ReviewCycle) -> ScoringPolicy:
    return ScoringPolicy.objects.filter(cycle=cycle).order_by("-version").first()  # type: ignore[return-value]


def cycle_policy_update(
    *, actor: Any, cycle: ReviewCycle, values: Mapping[str, Any]
) -> ScoringPolicy:
    """Change a cycle's policy: in place while no review scored with it is approved, otherwise
    as a new version. Reviews not yet approved are rescored with it."""
    _require_hr(actor)
    merged = _validated_policy(
        {**{name: getattr(current_policy(cycle), name) for name in POLICY_FIELDS}, **values}
    )
    with transaction.atomic():
        policy = (
            ScoringPolicy.objects.select_for_update()
            .filter(cycle=cycle)
            .order_by("-version")
            .first()
        )
        assert policy is not None
        before = {name: getattr(policy, name) for name in POLICY_FIELDS}
        if policy.frozen_at is None:
            ScoringPolicy.objects.filter(pk=policy.pk, frozen_at__isnull=True).update(**merged)
        else:
            policy = ScoringPolicy.objects.create(cycle=cycle, version=policy.version + 1, **merged)
        events = [
            _event(
                cycle_id=cycle.pk,
                review_id=None,
                actor=actor,
                action="policy_changed",
                field=name,
                from_value=before[name],
                to_value=merged[name],
            )
            for name in POLICY_FIELDS
            if before[name] != merged[name]
        ]
        AuditEvent.objects.bulk_create(events)
        policy.refresh_from_db()
    if events:
        cycle_rescore(actor=actor, cycle=cycle)
    return policy


def policy_to_scoring(policy: ScoringPolicy) -> scoring.Policy:
    return scoring.Policy(
        kpi_share=policy.kpi_share,
        assessor_weights={
            AssessorRole.MARKETING_DIRECTOR.value: policy.director_weight,
            AssessorRole.HR.value: policy.hr_weight,
        },
        achievement_cap=policy.achievement_cap,
        achievement_floor=policy.achievement_floor,
        warning_threshold=policy.warning_threshold,
        grade_bands=(
            ("S", policy.band_s),
            ("A", policy.band_a),
            ("B", policy.band_b),
            ("C", policy.band_c),
            ("D", Decimal(0)),
        ),
        pay_coefficients={
            "S": policy.coefficient_s,
            "A": policy.coefficient_a,
            "B": policy.coefficient_b,
            "C": policy.coefficient_c,
            "D": policy.coefficient_d,
        },
    )


# -- generating reviews ----------------------------------------------------------------------


def cycle_generate(*, actor: Any, cycle: ReviewCycle) -> CycleJob:
    """Enqueue the generation of a review for every active employee who has none yet."""
    _require_hr(actor)
    if cycle.status != ReviewCycle.Status.OPEN:
        raise Conflict(gettext_lazy("This quarter is closed."))
    return _start_job(actor=actor, cycle=cycle, kind=CycleJob.Kind.GENERATE)


def cycle_rescore(*, actor: Any, cycle: ReviewCycle) -> CycleJob:
    """Enqueue the scoring of every submitted or scored review of the cycle."""
    _require_hr(actor)
    return _start_job(actor=actor, cycle=cycle, kind=CycleJob.Kind.RESCORE)


def _start_job(*, actor: Any, cycle: ReviewCycle, kind: str) -> CycleJob:
    from reviews import tasks

    with transaction.atomic():
        job = CycleJob.objects.create(cycle=cycle, kind=kind, created_by_id=_actor_id(actor))
        task = tasks.generate_cycle if kind == CycleJob.Kind.GENERATE else tasks.rescore_cycle
        transaction.on_commit(lambda: task.delay(job.pk))
    return job


def _employees_without_review(cycle: ReviewCycle) -> Any:
    return Employee.objects.filter(is_active=True).exclude(reviews__cycle=cycle).order_by("pk")


def reviews_generate_chunk(*, cycle_id: int, limit: int = 2000) -> int:
    """Create the reviews of up to `limit` active employees who have none in the cycle, each
    with its department's KPI lines copied from the catalogue. Returns how many were made;
    running it again after a crash creates nothing twice (cycle × employee is unique)."""
    cycle = ReviewCycle.objects.get(pk=cycle_id)
    employees = list(_employees_without_review(cycle).values_list("pk", "department_id")[:limit])
    if not employees:
        return 0
    department_ids = {department_id for _, department_id in employees}
    kpis_by_department: dict[int, list[Kpi]] = defaultdict(list)
    for kpi in Kpi.objects.filter(department_id__in=department_ids, is_active=True).order_by(
        "order"
    ):
        kpis_by_department[kpi.department_id].append(kpi)
    competencies = list(Competency.objects.values_list("code", flat=True))
    policy = policy_to_scoring(current_policy(cycle))
    # A new review has its department's catalogue lines and no rating yet, so what it lacks is
    # the same for every review of a department: known before the reviews are made.
    reasons = {
        department_id: _missing(
            [
                ReviewKpiLine(
                    code=kpi.code,
                    direction=kpi.direction,
                    target=kpi.default_target,
                    actual=None,
                    weight=kpi.default_weight,
                )
                for kpi in kpis_by_department[department_id]
            ],
            [],
            competencies,
            policy,
        )
        for department_id in department_ids
    }
    with transaction.atomic():
        reviews = Review.objects.bulk_create(
            [
                Review(
                    cycle_id=cycle.pk,
                    employee_id=employee_id,
                    department_id=department_id,
                    incomplete_reasons=reasons[department_id],
                )
                for employee_id, department_id in employees
            ]
        )
        ReviewKpiLine.objects.bulk_create(
            [
                ReviewKpiLine(
                    review_id=review.pk,
                    kpi_id=kpi.pk,
                    order=kpi.order,
                    code=kpi.code,
                    name_zh=kpi.name_zh,
                    name_en=kpi.name_en,
                    direction=kpi.direction,
                    unit=kpi.unit,
                    target=kpi.default_target,
                    actual=None,
                    weight=kpi.default_weight,
                )
                for review in reviews
                for kpi in kpis_by_department[review.department_id]
            ],
            batch_size=5000,
        )
        AuditEvent.objects.bulk_create(
            [
                _event(
                    cycle_id=cycle.pk,
                    review_id=review.pk,
                    actor=None,
                    action="created",
                    to_value=State.DRAFT,
                )
                for review in reviews
            ],
            batch_size=5000,
        )
    return len(reviews)


# -- inputs of one review -------------------------------------------------------------------


def _scoring_lines(lines: Iterable[ReviewKpiLine]) -> list[scoring.KpiLine]:
    return [
        scoring.KpiLine(
            code=line.code,
            direction=scoring.Direction(line.direction),
            target=line.target,
            actual=line.actual,
            weight=line.weight,
        )
        for line in lines
    ]


def _scoring_ratings(
    ratings: Iterable[CompetencyRating], codes: Mapping[int, str]
) -> list[scoring.Rating]:
    return [
        scoring.Rating(assessor=r.assessor_role, competency=codes[r.competency_id], value=r.value)
        for r in ratings
    ]


def _missing(
    lines: Sequence[ReviewKpiLine],
    ratings: Sequence[scoring.Rating],
    competencies: Sequence[str],
    policy: scoring.Policy,
) -> list[dict[str, Any]]:
    return [
        {"code": m.code, **dict(m.params)}
        for m in scoring.missing_inputs(
            lines=_scoring_lines(lines), ratings=ratings, competencies=competencies, policy=policy
        )
    ]


def _parse_figure(raw: Any, field: str, errors: ErrorList) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, float | bool):
        errors.add(field, gettext_lazy('Give the number as text, such as "92.5".'))
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        errors.add(field, reason_text("not_a_number"))
        return None
    if not value.is_finite():
        errors.add(field, reason_text("not_a_number"))
        return None
    if value < 0:
        errors.add(field, reason_text("negative"), "negative")
        return None
    if value.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
        errors.add(field, reason_text("too_many_decimals", {"max": MAX_DECIMALS}), "too_precise")
        return None
    if value > MAX_FIGURE:
        errors.add(field, reason_text("too_large"), "too_large")
        return None
    return value


def _lock_editable(review_id: int, expected_revision: int | None) -> Review:
    review = Review.objects.select_for_update().get(pk=review_id)
    if review.state == State.APPROVED:
        raise Conflict(
            gettext_lazy("This review is approved and frozen; the director can reopen it."),
            code="frozen",
        )
    if expected_revision is not None and review.revision != expected_revision:
        raise _stale()
    return review


def _stale() -> Conflict:
    return Conflict(
        gettext_lazy(
            "Someone else changed this review after you opened it. "
            "Reload it to see their changes; nothing of yours was saved."
        ),
        code="stale",
    )


def _after_input_change(review: Review, actor: Any, events: list[AuditEvent]) -> None:
    """Bump the revision, recompute what is missing, and rescore if it was submitted."""
    lines = list(review.kpi_lines.all())
    codes = dict(Competency.objects.values_list("pk", "code"))
    ratings = _scoring_ratings(review.ratings.all(), codes)
    policy = policy_to_scoring(current_policy(review.cycle))
    missing = _missing(lines, ratings, list(codes.values()), policy)
    new_state = review.state
    if review.state in SCORING_STATES:
        new_state = State.SUBMITTED if not missing else State.DRAFT
    if new_state != review.state:
        events.append(
            _event(
                cycle_id=review.cycle_id,
                review_id=review.pk,
                actor=actor,
                action="state",
                field="state",
                from_value=review.state,
                to_value=new_state,
                reason="inputs changed",  # a code: the pages translate it when they show it
            )
        )
    Review.objects.filter(pk=review.pk).update(
        revision=F("revision") + 1,
        incomplete_reasons=missing,
        state=new_state,
        updated_at=timezone.now(),
    )
    AuditEvent.objects.bulk_create(events)
    if new_state == State.SUBMITTED:
        _enqueue_scoring(review.pk)


def _enqueue_scoring(review_id: int) -> None:
    from reviews import tasks

    def send() -> None:
        revision = Review.objects.values_list("revision", flat=True).get(pk=review_id)
        tasks.score_review.delay(review_id, revision)

    transaction.on_commit(send)


def _apply_figure_changes(
    changes: Sequence[tuple[ReviewKpiLine, str, Any]], *, actor: Any, cycle_id: int
) -> list[AuditEvent]:
    """Set each changed figure on its line (unsaved) and return the audit events saying so."""
    events = []
    for line, name, value in changes:
        events.append(
            _event(
                cycle_id=cycle_id,
                review_id=line.review_id,
                actor=actor,
                action="figure",
                field=f"{line.code}.{name}",
                from_value=getattr(line, name),
                to_value=value,
            )
        )
        setattr(line, name, value)
    return events


def review_set_figures(
    *,
    actor: Any,
    review: Review,
    figures: Mapping[int, Mapping[str, Any]],
    expected_revision: int | None = None,
) -> Review:
    """Set targets, actuals and weights of KPI lines: {line_id: {"target"|"actual"|"weight": v}}."""
    _require_hr(actor)
    with transaction.atomic():
        review = _lock_editable(review.pk, expected_revision)
        lines = {line.pk: line for line in review.kpi_lines.all()}
        errors = ErrorList()
        changes: list[tuple[ReviewKpiLine, str, Any]] = []
        value: Any
        for line_id, values in figures.items():
            line = lines.get(int(line_id))
            if line is None:
                errors.add(f"lines[{line_id}]", gettext_lazy("No such KPI line on this review."))
                continue
            for name, raw in values.items():
                place = f"{line.code}.{name}"
                if name in ("target", "actual"):
                    value = _parse_figure(raw, place, errors)
                    if name == "target" and value == 0 and line.direction == "higher":
                        errors.add(place, reason_text("zero_target"), "zero_target")
                        continue
                elif name == "weight":
                    try:
                        value = int(str(raw).strip())
                    except ValueError:
                        errors.add(place, gettext_lazy("Enter a whole number from 0 to 100."))
                        continue
                    if not 0 <= value <= 100:
                        errors.add(place, gettext_lazy("Enter a whole number from 0 to 100."))
                        continue
                else:
                    errors.add(place, gettext_lazy("Unknown field."))
                    continue
                if getattr(line, name) != value:
                    changes.append((line, name, value))
        errors.raise_if_any()
        weights = {line.pk: line.weight for line in lines.values()}
        for line, name, value in changes:
            if name == "weight":
                weights[line.pk] = value
        if sum(weights.values()) != 100:
            raise ValidationFailed(
                [
                    _field_error(
                        "weight",
                        reason_text("weights_sum", {"sum": sum(weights.values()), "total": 100}),
                        "weights_sum",
                    )
                ]
            )
        if not changes:
            return review
        events = _apply_figure_changes(changes, actor=actor, cycle_id=review.cycle_id)
        touched = {line.pk: line for line, _, _ in changes}
        ReviewKpiLine.objects.bulk_update(list(touched.values()), ["target", "actual", "weight"])
        _after_input_change(review, actor, events)
    review.refresh_from_db()
    return review


def review_rate(
    *,
    actor: Any,
    review: Review,
    assessor_role: str,
    ratings: Mapping[str, int | None],
    comments: Mapping[str, str] | None = None,
    expected_revision: int | None = None,
) -> Review:
    """Rate competencies as one assessor: {competency_code: 1..5}."""
    _require_assessor(actor, assessor_role)
    comments = comments or {}
    competencies = {c.code: c for c in Competency.objects.all()}
    errors = ErrorList()
    values: dict[str, int] = {}
    for code, raw in ratings.items():
        place = f"ratings.{code}"
        if code not in competencies:
            errors.add(place, gettext_lazy("Unknown competency."))
            continue
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            errors.add(
                place, gettext_lazy("A rating is a whole number from 1 to 5."), "rating_range"
            )
            continue
        if not 1 <= value <= 5 or str(raw).strip() not in {"1", "2", "3", "4", "5"}:
            errors.add(
                place, gettext_lazy("A rating is a whole number from 1 to 5."), "rating_range"
            )
            continue
        values[code] = value
    for code, comment in comments.items():
        if comment.strip() and code not in ratings:
            errors.add(
                f"ratings.{code}",
                gettext_lazy("Give a rating to keep this comment."),
                "comment_without_rating",
            )
    errors.raise_if_any()
    with transaction.atomic():
        review = _lock_editable(review.pk, expected_revision)
        existing = {
            r.competency_id: r
            for r in CompetencyRating.objects.filter(review=review, assessor_role=assessor_role)
        }
        events = []
        for code, value in values.items():
            competency = competencies[code]
            comment = comments.get(code, "")
            current = existing.get(competency.pk)
            if current is not None and current.value == value and current.comment == comment:
                continue
            CompetencyRating.objects.update_or_create(
                review=review,
                competency=competency,
                assessor_role=assessor_role,
                defaults={"value": value, "comment": comment, "rated_by_id": _actor_id(actor)},
            )
            events.append(
                _event(
                    cycle_id=review.cycle_id,
                    review_id=review.pk,
                    actor=actor,
                    action="rating",
                    field=f"{assessor_role}.{code}",
                    from_value=current.value if current else "",
                    to_value=value,
                )
            )
        if events:
            _after_input_change(review, actor, events)
    review.refresh_from_db()
    return review


# -- transitions ----------------------------------------------------------------------------


def _transition(
    *,
    review: Review,
    actor: Any,
    allowed_from: Sequence[str],
    to: str,
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
    expected_revision: int | None = None,
) -> Review:
    """Move a review between states with one conditional update; refuse if it moved meanwhile
    (another state, or another revision than the one the caller's form was based on)."""
    matching = Review.objects.filter(pk=review.pk, state__in=allowed_from)
    if expected_revision is not None:
        matching = matching.filter(revision=expected_revision)
    updated = matching.update(state=to, updated_at=timezone.now(), **(extra or {}))
    if updated != 1:
        current, revision = Review.objects.values_list("state", "revision").get(pk=review.pk)
        if expected_revision is not None and revision != expected_revision:
            raise _stale()
        raise Conflict(
            gettext_lazy("This review is %(state)s; it cannot go to %(to)s.")
            % {"state": State(current).label, "to": State(to).label},
            code="bad_transition",
        )
    AuditEvent.objects.create(
        cycle_id=review.cycle_id,
        review_id=review.pk,
        actor_id=_actor_id(actor),
        action="state",
        field="state",
        from_value=review.state,
        to_value=to,
        reason=reason,
    )
    review.refresh_from_db()
    return review


def review_submit(*, actor: Any, review: Review, expected_revision: int | None = None) -> Review:
    """HR hands a complete review to the worker for scoring."""
    _require_hr(actor)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if expected_revision is not None and review.revision != expected_revision:
            raise _stale()
        if review.incomplete_reasons:
            raise ValidationFailed(
                [
                    _field_error(
                        "review",
                        gettext_lazy("This review is incomplete; complete it first."),
                        "incomplete",
                    )
                ]
            )
        review = _transition(
            review=review,
            actor=actor,
            allowed_from=(State.DRAFT, State.RETURNED, State.REOPENED),
            to=State.SUBMITTED,
            extra={"submitted_at": timezone.now()},
        )
        _enqueue_scoring(review.pk)
    return review


def review_return(
    *, actor: Any, review: Review, comment: str, expected_revision: int | None = None
) -> Review:
    _require_director(actor)
    _require_text("comment", comment, gettext_lazy("Say what HR should change."))
    with transaction.atomic():
        return _transition(
            review=review,
            actor=actor,
            allowed_from=(State.SCORED,),
            to=State.RETURNED,
            reason=comment.strip(),
            expected_revision=expected_revision,
        )


def review_approve(*, actor: Any, review: Review, expected_revision: int | None = None) -> Review:
    """The director approves a scored review: its figures freeze and payroll sees them."""
    _require_director(actor)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if expected_revision is not None and review.revision != expected_revision:
            raise _stale()
        if review.state != State.SCORED or review.scored_revision != review.revision:
            raise Conflict(
                gettext_lazy("Only a scored review can be approved."), code="bad_transition"
            )
        now = timezone.now()
        review = _transition(
            review=review,
            actor=actor,
            allowed_from=(State.SCORED,),
            to=State.APPROVED,
            extra={"approved_at": now, "approved_by_id": _actor_id(actor)},
        )
        assert review.policy_id is not None and review.total_score is not None
        assert review.kpi_score is not None and review.competency_score is not None
        assert review.pay_coefficient is not None
        result = ApprovedResult.objects.create(
            review=review,
            version=review.version,
            policy_id=review.policy_id,
            kpi_score=review.kpi_score,
            competency_score=review.competency_score,
            total_score=review.total_score,
            grade=review.grade,
            pay_coefficient=review.pay_coefficient,
            verbal_warning=review.verbal_warning,
            approved_at=now,
            approved_by=actor,
            snapshot=_snapshot(review),
        )
        ScoringPolicy.objects.filter(pk=review.policy_id, frozen_at__isnull=True).update(
            frozen_at=now
        )
        webhooks_emit(event="review.approved", payload=_payroll_event(result))
    return review


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


def review_reopen(
    *, actor: Any, review: Review, reason: str, expected_revision: int | None = None
) -> Review:
    """The director reopens an approved review for a correction: a new version begins. The last
    approved version stays with payroll until the new one is approved."""
    _require_director(actor)
    _require_text("reason", reason, gettext_lazy("Give the reason for reopening."))
    with transaction.atomic():
        review = _transition(
            review=review,
            actor=actor,
            allowed_from=(State.APPROVED,),
            to=State.REOPENED,
            reason=reason.strip(),
            extra={"version": F("version") + 1, "revision": F("revision") + 1},
            expected_revision=expected_revision,
        )
        # Clients hear which approved version payroll keeps paying on until the correction.
        last = review.approved_results.order_by("-version").first()
        if last is not None:
            webhooks_emit(event="review.reopened", payload=_payroll_event(last))
        return review


def _payroll_event(result: ApprovedResult) -> dict[str, Any]:
    """The payroll row of an approved version, as webhooks send it (one query)."""
    employee_no, employee_name, department_code, period = (
        Review.objects.filter(pk=result.review_id)
        .values_list("employee__employee_no", "employee__name", "department__code", "cycle__period")
        .get()
    )
    return {
        "employee_no": employee_no,
        "employee_name": employee_name,
        "department_code": department_code,
        "period": period,
        "total_score": result.total_score,
        "grade": result.grade,
        "pay_coefficient": result.pay_coefficient,
        "verbal_warning": result.verbal_warning,
        "version": result.version,
        "approved_at": result.approved_at,
    }


def _snapshot(review: Review) -> dict[str, Any]:
    return {
        "lines": [
            {
                "code": c,
                "direction": d,
                "target": str(t) if t is not None else None,
                "actual": str(a) if a is not None else None,
                "weight": w,
            }
            for c, d, t, a, w in review.kpi_lines.order_by("order").values_list(
                "code", "direction", "target", "actual", "weight"
            )
        ],
        "ratings": [
            {"assessor": a, "competency": c, "value": v}
            for a, c, v in review.ratings.order_by(
                "assessor_role", "competency__order"
            ).values_list("assessor_role", "competency__code", "value")
        ],
    }


# -- scoring (the worker) -------------------------------------------------------------------


def review_score(*, review_id: int, revision: int) -> bool:
    """Score one submitted review as of `revision`. Writes only if that revision is still the
    current one and not yet scored, so a repeated or late task does nothing. True if it scored."""
    scored = reviews_score_batch(review_ids=[review_id], revisions={review_id: revision}) == 1
    if not scored:
        # A repeated task: its first run may have died before the warning notice went out.
        _enqueue_warning_notices([review_id])
    return scored


def reviews_score_batch(
    *, review_ids: Sequence[int], revisions: Mapping[int, int] | None = None
) -> int:
    """Score a batch of submitted reviews; returns how many it scored."""
    if not review_ids:
        return 0
    rows = list(
        Review.objects.filter(pk__in=review_ids, state=State.SUBMITTED).values_list(
            "pk", "cycle_id", "revision", "version"
        )
    )
    if revisions is not None:
        rows = [row for row in rows if revisions.get(row[0]) == row[2]]
    if not rows:
        return 0
    ids = [row[0] for row in rows]
    lines: dict[int, list[scoring.KpiLine]] = defaultdict(list)
    for review_id, code, direction, target, actual, weight in (
        ReviewKpiLine.objects.filter(review_id__in=ids)
        .order_by("review_id", "order")
        .values_list("review_id", "code", "direction", "target", "actual", "weight")
    ):
        lines[review_id].append(
            scoring.KpiLine(
                code=code,
                direction=scoring.Direction(direction),
                target=target,
                actual=actual,
                weight=weight,
            )
        )
    codes = dict(Competency.objects.values_list("pk", "code"))
    competencies = list(codes.values())
    ratings: dict[int, list[scoring.Rating]] = defaultdict(list)
    for review_id, assessor, competency_id, value in CompetencyRating.objects.filter(
        review_id__in=ids
    ).values_list("review_id", "assessor_role", "competency_id", "value"):
        ratings[review_id].append(
            scoring.Rating(assessor=assessor, competency=codes[competency_id], value=value)
        )
    policies: dict[int, tuple[ScoringPolicy, scoring.Policy]] = {}
    for cycle_id in {row[1] for row in rows}:
        model_policy = current_policy(ReviewCycle(pk=cycle_id))
        policies[cycle_id] = (model_policy, policy_to_scoring(model_policy))

    now = timezone.now()
    results: list[tuple[int, int, int, int, Any]] = []
    for review_id, cycle_id, revision, version in rows:
        policy = policies[cycle_id][1]
        outcome: scoring.Result | scoring.Incomplete
        try:
            outcome = scoring.score(
                lines=lines[review_id],
                ratings=ratings[review_id],
                competencies=competencies,
                policy=policy,
            )
        except scoring.InvalidInput as invalid:
            # Inputs are checked when they are entered; should one still be invalid (say a
            # weight edited in the admin), the review goes back to draft with the reason.
            outcome = scoring.Incomplete(
                tuple(
                    scoring.Missing(p.code, {"field": p.field, **p.params})
                    for p in invalid.problems
                )
            )
        results.append((review_id, cycle_id, revision, version, outcome))
    return _write_scores(results, policies, now)


# PostgreSQL: the figures of a whole chunk in one statement. Each review is written only if it
# is still submitted at the revision that was read; RETURNING tells which were.
_MARK_SCORED_SQL = """
UPDATE reviews_review AS r
SET state = 'scored', scored_revision = v.revision, policy_id = v.policy_id,
    kpi_score = v.kpi_score, competency_score = v.competency_score,
    total_score = v.total_score, grade = v.grade, pay_coefficient = v.pay_coefficient,
    verbal_warning = v.verbal_warning, incomplete_reasons = '[]'::jsonb,
    scored_at = %s, updated_at = %s
FROM unnest(%s::bigint[], %s::integer[], %s::bigint[], %s::numeric[], %s::numeric[],
            %s::numeric[], %s::varchar[], %s::numeric[], %s::boolean[])
     AS v(id, revision, policy_id, kpi_score, competency_score, total_score, grade,
          pay_coefficient, verbal_warning)
WHERE r.id = v.id AND r.revision = v.revision AND r.state = 'submitted'
RETURNING r.id
"""
_AUDIT_COLUMNS = (
    "cycle_id",
    "review_id",
    "actor_id",
    "at",
    "action",
    "field",
    "from_value",
    "to_value",
    "reason",
)


def _mark_scored(rows: Sequence[tuple[int, int, int, Any]], now: dt.datetime) -> set[int]:
    """Write the figures of (review id, revision, policy id, outcome) rows, each only if the
    review is still submitted at that revision. Returns the ids written."""
    if not rows:
        return set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _MARK_SCORED_SQL,
                [
                    now,
                    now,
                    [row[0] for row in rows],
                    [row[1] for row in rows],
                    [row[2] for row in rows],
                    [row[3].kpi_score for row in rows],
                    [row[3].competency_score for row in rows],
                    [row[3].total_score for row in rows],
                    [row[3].grade for row in rows],
                    [row[3].pay_coefficient for row in rows],
                    [row[3].verbal_warning for row in rows],
                ],
            )
            return {review_id for (review_id,) in cursor.fetchall()}
    written: set[int] = set()
    for review_id, revision, policy_id, outcome in rows:
        if Review.objects.filter(pk=review_id, revision=revision, state=State.SUBMITTED).update(
            state=State.SCORED,
            scored_revision=revision,
            policy_id=policy_id,
            kpi_score=outcome.kpi_score,
            competency_score=outcome.competency_score,
            total_score=outcome.total_score,
            grade=outcome.grade,
            pay_coefficient=outcome.pay_coefficient,
            verbal_warning=outcome.verbal_warning,
            incomplete_reasons=[],
            scored_at=now,
            updated_at=now,
        ):
            written.add(review_id)
    return written


def _append_events(events: Sequence[AuditEvent], now: dt.datetime) -> None:
    """Append audit events: by COPY on PostgreSQL (no model is saved, so `at` is set here as
    auto_now_add would), by bulk_create elsewhere."""
    if not events:
        return
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events, batch_size=5000)
        return
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY reviews_auditevent ({}) FROM STDIN".format(", ".join(_AUDIT_COLUMNS))
        ) as copy,
    ):
        for event in events:
            copy.write_row(
                (
                    event.cycle_id,
                    event.review_id,
                    event.actor_id,
                    now,
                    event.action,
                    event.field,
                    event.from_value,
                    event.to_value,
                    event.reason,
                )
            )


def _write_scores(
    results: Sequence[tuple[int, int, int, int, Any]],
    policies: Mapping[int, tuple[ScoringPolicy, scoring.Policy]],
    now: dt.datetime,
) -> int:
    events: list[AuditEvent] = []
    warnings: list[VerbalWarning] = []
    with transaction.atomic():
        written = _mark_scored(
            [
                (review_id, revision, policies[cycle_id][0].pk, outcome)
                for review_id, cycle_id, revision, _version, outcome in results
                if not isinstance(outcome, scoring.Incomplete)
            ],
            now,
        )
        for review_id, cycle_id, revision, version, outcome in results:
            if isinstance(outcome, scoring.Incomplete):
                missing = [{"code": m.code, **dict(m.params)} for m in outcome.missing]
                changed = Review.objects.filter(
                    pk=review_id, revision=revision, state=State.SUBMITTED
                ).update(state=State.DRAFT, incomplete_reasons=missing, updated_at=now)
                if changed:
                    events.append(
                        _event(
                            cycle_id=cycle_id,
                            review_id=review_id,
                            actor=None,
                            action="state",
                            field="state",
                            from_value=State.SUBMITTED,
                            to_value=State.DRAFT,
                            reason="incomplete",
                        )
                    )
                continue
            if review_id not in written:
                continue
            events.append(
                _event(
                    cycle_id=cycle_id,
                    review_id=review_id,
                    actor=None,
                    action="scored",
                    field="total_score",
                    to_value=outcome.total_score,
                    reason=f"grade {outcome.grade}, revision {revision}",
                )
            )
            if outcome.verbal_warning:
                warnings.append(
                    VerbalWarning(
                        review_id=review_id, review_version=version, total_score=outcome.total_score
                    )
                )
        _append_events(events, now)
        if warnings:
            # One per review version, whatever runs twice: the unique constraint decides.
            VerbalWarning.objects.bulk_create(warnings, ignore_conflicts=True)
            warned = [w.review_id for w in warnings]
            transaction.on_commit(lambda: _enqueue_warning_notices(warned))
    return len(written)


def _enqueue_warning_notices(review_ids: Sequence[int]) -> None:
    """One task for the chunk's new warnings (one message, not one per warning)."""
    from reviews import tasks

    warning_ids = list(
        VerbalWarning.objects.filter(
            review_id__in=review_ids, notified_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if warning_ids:
        tasks.notify_warnings.delay(warning_ids)


def warning_notify(*, warning_id: int) -> bool:
    """Mail HR about a new verbal warning, once: the row is claimed by a conditional update
    before the mail goes, so a repeated task sends nothing."""
    from django.contrib.auth import get_user_model

    from hrperf.lib.roles import HR

    with transaction.atomic():
        claimed = VerbalWarning.objects.filter(pk=warning_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if claimed != 1:
            return False
        warning = VerbalWarning.objects.select_related("review__employee", "review__cycle").get(
            pk=warning_id
        )
        recipients = list(
            get_user_model()
            .objects.filter(groups__name=HR, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if recipients:
            employee = warning.review.employee
            send_mail(
                subject=_("Verbal warning: %(name)s, %(period)s")
                % {"name": employee.name, "period": warning.review.cycle.period},
                message=_(
                    "%(name)s (%(number)s) scored %(total)s in %(period)s, below the warning "
                    "threshold. A verbal warning (口头警告) is due; record the conversation "
                    "in hrperf when it is held."
                )
                % {
                    "name": employee.name,
                    "number": employee.employee_no,
                    "total": warning.total_score,
                    "period": warning.review.cycle.period,
                },
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
    return True


def warning_acknowledge(*, actor: Any, warning: VerbalWarning, note: str) -> VerbalWarning:
    _require_hr(actor)
    _require_text("note", note, gettext_lazy("Write a note of the conversation held."))
    with transaction.atomic():
        updated = VerbalWarning.objects.filter(pk=warning.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by_id=_actor_id(actor), note=note.strip()
        )
        if updated != 1:
            raise Conflict(gettext_lazy("This warning was already acknowledged."))
        review = warning.review
        AuditEvent.objects.create(
            cycle_id=review.cycle_id,
            review_id=review.pk,
            actor_id=_actor_id(actor),
            action="warning_acknowledged",
            reason=note.strip(),
        )
    warning.refresh_from_db()
    return warning


# -- cycle jobs ------------------------------------------------------------------------------


def job_fail(*, job_id: int, error: str) -> None:
    """Mark a job failed (an error that retrying cannot mend), so its page stops waiting."""
    CycleJob.objects.filter(pk=job_id).exclude(status=CycleJob.Status.DONE).update(
        status=CycleJob.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def job_run(*, job_id: int, chunk_size: int | None = None) -> CycleJob:
    """Run a cycle job chunk by chunk, recording progress. Safe to run twice or to resume after
    a crash: each chunk only touches what is still to do."""
    chunk_size = chunk_size or settings.REVIEWS_CHUNK_SIZE
    job = CycleJob.objects.select_related("cycle").get(pk=job_id)
    if job.status == CycleJob.Status.DONE:
        return job
    cycle = job.cycle
    with transaction.atomic():
        # The first run claims the job; a redelivered one finds it running and resumes.
        first_run = (
            CycleJob.objects.filter(pk=job.pk, status=CycleJob.Status.QUEUED).update(
                status=CycleJob.Status.RUNNING
            )
            == 1
        )
        if first_run and job.kind == CycleJob.Kind.RESCORE:
            # New revisions: a single-review task still queued for an old one does nothing.
            Review.objects.filter(cycle=cycle, state=State.SCORED).update(
                state=State.SUBMITTED, revision=F("revision") + 1, updated_at=timezone.now()
            )
    if job.kind == CycleJob.Kind.GENERATE:
        remaining = _employees_without_review(cycle).count()
        step = lambda: reviews_generate_chunk(cycle_id=cycle.pk, limit=chunk_size)  # noqa: E731
    else:
        remaining = Review.objects.filter(cycle=cycle, state=State.SUBMITTED).count()
        step = lambda: _rescore_chunk(cycle.pk, chunk_size)  # noqa: E731
    CycleJob.objects.filter(pk=job.pk).update(total=F("done") + remaining)
    if not first_run and job.kind == CycleJob.Kind.RESCORE:
        # Resuming after a crash: notices the dead worker could not enqueue go out now.
        _enqueue_warning_notices(
            list(
                VerbalWarning.objects.filter(review__cycle=cycle, notified_at__isnull=True)
                .values_list("review_id", flat=True)
                .distinct()
            )
        )
    while True:
        # A chunk and its progress commit together, so a crash loses neither.
        with transaction.atomic():
            made = step()
            if made:
                CycleJob.objects.filter(pk=job.pk).update(done=F("done") + made)
        if made == 0:
            break
    CycleJob.objects.filter(pk=job.pk).update(
        status=CycleJob.Status.DONE, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def _rescore_chunk(cycle_id: int, limit: int) -> int:
    ids = list(
        Review.objects.filter(cycle_id=cycle_id, state=State.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    scored = reviews_score_batch(review_ids=ids)
    # A submitted review that could not be scored went back to draft; either way it left the
    # queue, so the loop always moves on.
    return max(scored, len(ids) - Review.objects.filter(pk__in=ids, state=State.SUBMITTED).count())


def director_remind() -> int:
    """Mail the marketing director the number of scored reviews waiting for approval."""
    from django.contrib.auth import get_user_model

    from hrperf.lib.roles import DIRECTOR

    waiting = list(
        Review.objects.filter(state=State.SCORED, cycle__status=ReviewCycle.Status.OPEN)
        .values_list("cycle__period")
        .order_by("cycle__period")
    )
    if not waiting:
        return 0
    counts: dict[str, int] = defaultdict(int)
    for (period,) in waiting:
        counts[period] += 1
    recipients = list(
        get_user_model()
        .objects.filter(groups__name=DIRECTOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        lines = "\n".join(
            _("%(period)s: %(count)s reviews") % {"period": p, "count": n}
            for p, n in sorted(counts.items())
        )
        send_mail(
            subject=_("Reviews waiting for your approval"),
            message=_("These scored reviews are waiting for your approval:") + "\n" + lines,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    return len(waiting)


# -- a quarter's figures in bulk (targets for many reviews, the figures import) ---------------

# A review whose figures HR may change in bulk: not submitted, not awaiting approval, not approved.
FIGURES_EDITABLE_STATES = (State.DRAFT, State.RETURNED, State.REOPENED)
FIGURE_COLUMNS = ("target", "actual")


class FiguresOutcome:
    """What a bulk change of figures did: KPI lines updated and unchanged, lines left alone
    because their review was not editable, and reviews touched."""

    def __init__(self, *, updated: int, unchanged: int, skipped: int = 0, reviews: int = 0) -> None:
        self.updated = updated
        self.unchanged = unchanged
        self.skipped = skipped
        self.reviews = reviews


def _require_open(cycle: ReviewCycle) -> None:
    if cycle.status != ReviewCycle.Status.OPEN:
        raise Conflict(gettext_lazy("This quarter is closed."), code="closed")


def _row_error(errors: list[FieldError], row: int | None, field: str, message: Any) -> None:
    errors.append(FieldError(field=field, message=message, code="invalid", row=row))


def _figures_write(
    *,
    actor: Any,
    cycle: ReviewCycle,
    reviews: Mapping[int, tuple[int, str]],
    changes: Sequence[tuple[ReviewKpiLine, str, Decimal]],
) -> int:
    """Write figure changes of editable reviews (locked by the caller, `reviews` is
    {id: (revision, state)} as locked): the lines, the audit trail, and for each review its
    revision + 1 and what it still lacks, each review by a conditional update. Returns the
    number of reviews changed; a review that moved meanwhile refuses the whole change."""
    if not changes:
        return 0
    now = timezone.now()
    events = _apply_figure_changes(changes, actor=actor, cycle_id=cycle.pk)
    touched = {line.pk: line for line, _, _ in changes}
    ReviewKpiLine.objects.bulk_update(list(touched.values()), ["target", "actual"], batch_size=1000)
    review_ids = sorted({line.review_id for line in touched.values()})
    lines_by_review: dict[int, list[ReviewKpiLine]] = defaultdict(list)
    review_lines = ReviewKpiLine.objects.filter(review_id__in=review_ids)
    for line in review_lines.order_by("review_id", "order"):
        lines_by_review[line.review_id].append(line)
    codes = dict(Competency.objects.values_list("pk", "code"))
    ratings_by_review: dict[int, list[CompetencyRating]] = defaultdict(list)
    for rating in CompetencyRating.objects.filter(review_id__in=review_ids):
        ratings_by_review[rating.review_id].append(rating)
    policy = policy_to_scoring(current_policy(cycle))
    for review_id in review_ids:
        revision, _state = reviews[review_id]
        missing = _missing(
            lines_by_review[review_id],
            _scoring_ratings(ratings_by_review[review_id], codes),
            list(codes.values()),
            policy,
        )
        updated = Review.objects.filter(
            pk=review_id, revision=revision, state__in=FIGURES_EDITABLE_STATES
        ).update(revision=F("revision") + 1, incomplete_reasons=missing, updated_at=now)
        if updated != 1:
            raise _stale()
    AuditEvent.objects.bulk_create(events, batch_size=5000)
    return len(review_ids)


def cycle_set_targets(
    *,
    actor: Any,
    cycle: ReviewCycle,
    kpi_code: str,
    target: Any,
    department_id: int | None = None,
) -> FiguresOutcome:
    """Set one KPI's target on every editable review of the quarter (of one department, if
    given) in one transaction. Reviews submitted, awaiting approval or approved are left alone
    and counted as skipped."""
    _require_hr(actor)
    _require_open(cycle)
    errors = ErrorList()
    code = (kpi_code or "").strip()
    if not code:
        errors.add("kpi_code", gettext_lazy("Give a KPI code."), "required")
    if target is None or (isinstance(target, str) and not target.strip()):
        errors.add("target", gettext_lazy("Give a target."), "required")
        value = None
    else:
        value = _parse_figure(target, "target", errors)
    errors.raise_if_any()
    assert value is not None
    with transaction.atomic():
        lines_query = ReviewKpiLine.objects.filter(review__cycle=cycle, code=code)
        if department_id is not None:
            lines_query = lines_query.filter(review__department_id=department_id)
        review_ids = set(lines_query.values_list("review_id", flat=True))
        if not review_ids:
            raise ValidationFailed(
                [
                    _field_error(
                        "kpi_code",
                        gettext_lazy("No review of this quarter has the KPI %(code)s there.")
                        % {"code": code},
                        "unknown_kpi",
                    )
                ]
            )
        locked = {
            pk: (revision, state)
            for pk, revision, state in Review.objects.select_for_update()
            .filter(pk__in=review_ids)
            .order_by("pk")
            .values_list("pk", "revision", "state")
        }
        lines = list(lines_query.order_by("review_id"))
        if value == 0 and any(line.direction == "higher" for line in lines):
            raise ValidationFailed(
                [_field_error("target", reason_text("zero_target"), "zero_target")]
            )
        changes: list[tuple[ReviewKpiLine, str, Decimal]] = []
        unchanged = skipped = 0
        for line in lines:
            if locked[line.review_id][1] not in FIGURES_EDITABLE_STATES:
                skipped += 1
            elif line.target == value:
                unchanged += 1
            else:
                changes.append((line, "target", value))
        touched = _figures_write(actor=actor, cycle=cycle, reviews=locked, changes=changes)
    return FiguresOutcome(
        updated=len(changes), unchanged=unchanged, skipped=skipped, reviews=touched
    )


def cycle_set_figures(
    *, actor: Any, cycle: ReviewCycle, rows: Sequence[Mapping[str, Any]]
) -> FiguresOutcome:
    """Apply the rows of a figures file to the quarter's KPI lines, all or nothing.

    Each row is {"row": its number in the file, "employee_no", "kpi_code", and any of
    "period", "target", "actual"} with the cells as read. A blank target or actual leaves the
    figure as it is. Any bad row (a number that is not one, negative, a zero target on a
    higher-is-better KPI, an unknown employee or KPI, a row given twice, another quarter's
    period, a change to a review that is not editable) raises ValidationFailed listing every
    problem with its row and column; nothing is saved then."""
    _require_hr(actor)
    _require_open(cycle)
    problems: list[FieldError] = []
    with transaction.atomic():
        by_number: dict[str, int] = {
            str(number).upper(): pk
            for pk, number in Review.objects.filter(cycle=cycle).values_list(
                "pk", "employee__employee_no"
            )
        }
        wanted: dict[int, str] = {}
        for row in rows:
            given = str(row.get("employee_no") or "").strip().upper()
            if given in by_number:
                wanted[by_number[given]] = given
        locked = {
            pk: (revision, state)
            for pk, revision, state in Review.objects.select_for_update()
            .filter(pk__in=list(wanted))
            .order_by("pk")
            .values_list("pk", "revision", "state")
        }
        lines: dict[tuple[int, str], ReviewKpiLine] = {
            (line.review_id, line.code.upper()): line
            for line in ReviewKpiLine.objects.filter(review_id__in=list(locked))
        }
        seen: dict[tuple[int, str], int] = {}
        changes: list[tuple[ReviewKpiLine, str, Decimal]] = []
        unchanged = 0
        for row in rows:
            number: int | None = row.get("row")
            period = str(row.get("period") or "").strip().upper()
            if period and period != cycle.period:
                _row_error(
                    problems,
                    number,
                    "period",
                    gettext_lazy(
                        "This row is for %(period)s, not %(this)s: use this quarter's template."
                    )
                    % {"period": period[:20], "this": cycle.period},
                )
                continue
            employee_no = str(row.get("employee_no") or "").strip()
            code = str(row.get("kpi_code") or "").strip()
            if not employee_no:
                _row_error(
                    problems, number, "employee_no", gettext_lazy("Employee number is required.")
                )
            if not code:
                _row_error(problems, number, "kpi_code", gettext_lazy("KPI code is required."))
            if not employee_no or not code:
                continue
            review_id = by_number.get(employee_no.upper())
            if review_id is None:
                _row_error(
                    problems,
                    number,
                    "employee_no",
                    gettext_lazy("No review of employee %(number)s in %(period)s.")
                    % {"number": employee_no[:40], "period": cycle.period},
                )
                continue
            line = lines.get((review_id, code.upper()))
            if line is None:
                _row_error(
                    problems,
                    number,
                    "kpi_code",
                    gettext_lazy("The review of %(number)s has no KPI %(code)s.")
                    % {"number": employee_no, "code": code[:64]},
                )
                continue
            key = (review_id, code.upper())
            if key in seen:
                _row_error(
                    problems,
                    number,
                    "kpi_code",
                    gettext_lazy("%(number)s / %(code)s also appears in row %(row)s.")
                    % {"number": employee_no, "code": code, "row": seen[key]},
                )
                continue
            seen[key] = number or 0
            cell_errors = ErrorList()
            values: dict[str, Decimal] = {}
            for name in FIGURE_COLUMNS:
                parsed = _parse_figure(row.get(name), name, cell_errors)
                if parsed is not None:
                    values[name] = parsed
            if values.get("target") == 0 and line.direction == "higher":
                cell_errors.add("target", reason_text("zero_target"), "zero_target")
            for error in cell_errors.errors:
                _row_error(problems, number, error.field, error.message)
            if cell_errors.errors:
                continue
            row_changes = [
                (line, name, value)
                for name, value in values.items()
                if getattr(line, name) != value
            ]
            if row_changes and locked[review_id][1] not in FIGURES_EDITABLE_STATES:
                _row_error(
                    problems,
                    number,
                    row_changes[0][1],
                    gettext_lazy(
                        "The review of %(number)s is %(state)s: its figures cannot be changed here."
                    )
                    % {"number": employee_no, "state": State(locked[review_id][1]).label},
                )
                continue
            changes.extend(row_changes)
            unchanged += 1 if not row_changes else 0
        if problems:
            problems.sort(key=lambda error: error.row or 0)
            raise ValidationFailed(problems)
        touched = _figures_write(actor=actor, cycle=cycle, reviews=locked, changes=changes)
    updated_lines = len({line.pk for line, _name, _value in changes})
    return FiguresOutcome(updated=updated_lines, unchanged=unchanged, reviews=touched)
