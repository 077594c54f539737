"""The scoring worker, as a real Celery process against PostgreSQL and Redis: the worked examples
of scoring.md come out to the cent, a warning is made and mailed once, a repeated or late task
changes nothing, a changed figure is rescored, and an approved review stays frozen."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from hrperf.lib.errors import Conflict
from reviews import services, tasks
from reviews.models import ApprovedResult, AuditEvent, Review, ReviewKpiLine, VerbalWarning
from tests.helpers.examples import COMPETENCY_CODES, WORKED_EXAMPLES, WorkedQuarter
from tests.helpers.worker import Mailbox, WorkerProcess, wait_until, wait_until_scored

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TASK_SECONDS = 30
BELOW_THRESHOLD = 3  # worked example 3: total 50.00, a verbal warning
ON_THRESHOLD = 4  # worked example 4: total 60.00, no warning


def figures(review: Review) -> dict[str, object]:
    return {
        "kpi_score": review.kpi_score,
        "competency_score": review.competency_score,
        "total_score": review.total_score,
        "grade": review.grade,
        "pay_coefficient": review.pay_coefficient,
        "verbal_warning": review.verbal_warning,
    }


def as_text(values: Mapping[str, object]) -> dict[str, str]:
    """Decimals as their text, so "92.04" and "92.040" would differ: the cents are the point."""
    return {name: str(value) for name, value in values.items()}


def scored_events(review: Review) -> int:
    return AuditEvent.objects.filter(review=review, action="scored").count()


def test_the_worker_scores_the_worked_examples_to_the_cent(
    worked_quarter: WorkedQuarter, session_worker: WorkerProcess
) -> None:
    for example in WORKED_EXAMPLES:
        review = wait_until_scored(worked_quarter.reviews[example.number], session_worker)
        assert as_text(figures(review)) == as_text(example.expected()), (
            f"worked example {example.number}"
        )
        assert review.incomplete_reasons == []
        assert review.policy is not None and review.policy.cycle_id == worked_quarter.cycle.pk
        assert review.scored_at is not None
        assert scored_events(review) == 1


def test_it_warns_once_and_mails_hr_once_below_the_threshold(
    worked_quarter: WorkedQuarter, session_worker: WorkerProcess, worker_mailbox: Mailbox
) -> None:
    for review in worked_quarter.reviews.values():
        wait_until_scored(review, session_worker)
    below = worked_quarter.reviews[BELOW_THRESHOLD]

    warning = VerbalWarning.objects.get(review__cycle=worked_quarter.cycle)
    assert (warning.review_id, warning.review_version, warning.total_score) == (
        below.pk,
        1,
        Decimal("50.00"),
    )
    assert warning.acknowledged_at is None

    def notified() -> bool:
        warning.refresh_from_db()
        return warning.notified_at is not None and len(worker_mailbox.messages()) >= 1

    wait_until(notified, what="HR to be mailed about the warning", worker=session_worker)
    wait_until(session_worker.is_idle, what="the worker to be idle", worker=session_worker)
    [mail] = worker_mailbox.messages()
    assert mail["To"] == "hr@example.com"
    body = mail.get_body()
    assert body is not None
    text = f"{mail['Subject']}\n{body.get_content()}"
    for needle in ("李娜", "E00003", "2026Q3", "50.00"):
        assert needle in text, (needle, text)
    assert Review.objects.filter(cycle=worked_quarter.cycle, verbal_warning=True).get() == below


def test_a_repeated_scoring_task_changes_nothing(
    worked_quarter: WorkedQuarter, session_worker: WorkerProcess, worker_mailbox: Mailbox
) -> None:
    review = wait_until_scored(worked_quarter.reviews[BELOW_THRESHOLD], session_worker)
    wait_until(
        lambda: VerbalWarning.objects.filter(review=review, notified_at__isnull=False).exists(),
        what="HR to be notified of the warning",
        worker=session_worker,
    )
    wait_until(session_worker.is_idle, what="the worker to be idle", worker=session_worker)
    before = Review.objects.filter(pk=review.pk).values().get()
    events_before = AuditEvent.objects.filter(review=review).count()
    assert len(worker_mailbox.messages()) == 1

    again = tasks.score_review.delay(review.pk, review.revision)
    assert again.get(timeout=TASK_SECONDS) is False
    late = tasks.score_review.delay(review.pk, review.revision - 1)
    assert late.get(timeout=TASK_SECONDS) is False
    wait_until(session_worker.is_idle, what="the worker to be idle", worker=session_worker)

    assert Review.objects.filter(pk=review.pk).values().get() == before
    assert AuditEvent.objects.filter(review=review).count() == events_before
    assert scored_events(review) == 1
    assert VerbalWarning.objects.filter(review=review).count() == 1
    assert len(worker_mailbox.messages()) == 1


def test_it_rescores_a_review_whose_actual_changes_before_approval(
    worked_quarter: WorkedQuarter, session_worker: WorkerProcess, personas: dict[str, User]
) -> None:
    review = wait_until_scored(worked_quarter.reviews[ON_THRESHOLD], session_worker)
    assert (review.total_score, review.grade) == (Decimal("60.00"), "C")
    line = review.kpi_lines.get()

    review = services.review_set_figures(
        actor=personas["hr"],
        review=review,
        figures={line.pk: {"actual": "80"}},
        reason_code="correction",
    )
    assert review.state == Review.State.SUBMITTED

    review = wait_until_scored(review, session_worker)
    # K 80, C 60: T = (80 × 80 + 20 × 60) / 100 = 76.00, grade B.
    assert as_text(figures(review)) == as_text(
        {
            "kpi_score": Decimal("80.00"),
            "competency_score": Decimal("60.00"),
            "total_score": Decimal("76.00"),
            "grade": "B",
            "pay_coefficient": Decimal("1.00"),
            "verbal_warning": False,
        }
    )
    assert scored_events(review) == 2
    assert AuditEvent.objects.filter(
        review=review, action="figure", field="QUALITY_PLAN_RATE.actual", to_value="80"
    ).exists()
    assert not VerbalWarning.objects.filter(review=review).exists()


def test_an_approved_review_cannot_change(
    worked_quarter: WorkedQuarter, session_worker: WorkerProcess, personas: dict[str, User]
) -> None:
    review = wait_until_scored(worked_quarter.reviews[1], session_worker)
    review = services.review_approve(actor=personas["director"], review=review)
    assert review.state == Review.State.APPROVED
    approved = figures(review)
    line = review.kpi_lines.get(code="SALES_PLAN_RATE")

    with pytest.raises(Conflict) as refused:
        services.review_set_figures(
            actor=personas["hr"], review=review, figures={line.pk: {"actual": "120"}}
        )
    assert refused.value.code == "frozen"
    with pytest.raises(Conflict):
        services.review_rate(
            actor=personas["director"],
            review=review,
            assessor_role="marketing_director",
            ratings=dict.fromkeys(COMPETENCY_CODES, 5),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(total_score=Decimal("99.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewKpiLine.objects.filter(pk=line.pk).update(actual=Decimal(120))

    # A scoring task arriving late for the approved review does nothing either.
    late = tasks.score_review.delay(review.pk, review.revision)
    assert late.get(timeout=TASK_SECONDS) is False

    review.refresh_from_db()
    line.refresh_from_db()
    assert review.state == Review.State.APPROVED
    assert figures(review) == approved
    assert line.actual == Decimal(92)
    result = ApprovedResult.objects.get(review=review)
    assert (result.version, result.total_score, result.grade) == (1, Decimal("92.04"), "A")
