"""Helpers of the improvement tests: quarters of other periods beside the `fresh_quarter`
(2026Q3, tests/fixtures/quarters.py), reviews scored below the threshold by the worker's own
service, and the warnings of quarters made directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from improvement import services as improvement
from improvement.models import Conversation, Plan
from reviews import services
from reviews.models import Review, ReviewCycle, VerbalWarning
from reviews.policies import current_policy
from tests.helpers.quarters import complete


def quarter(personas, period: str, policy: dict | None = None) -> ReviewCycle:
    """The quarter, opened and generated (the competencies of `fresh_quarter` must exist)."""
    cycle = ReviewCycle.objects.filter(period=period).first()
    if cycle is None:
        cycle = services.cycle_open(actor=personas["hr"], period=period, policy=policy)
        services.reviews_generate_chunk(cycle_id=cycle.pk)
    return cycle


def review_in(personas, period: str, name: str = "employee") -> Review:
    return Review.objects.get(cycle=quarter(personas, period), employee__user=personas[name])


def scored_low(personas, period: str = "2026Q3", name: str = "employee") -> Review:
    """The persona's review of the quarter, complete, submitted and scored by the worker's
    service below the threshold (a verbal warning)."""
    review = complete(personas, review_in(personas, period, name), "40", 1, 1)
    review = services.review_submit(actor=personas["hr"], review=review)
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    assert review.verbal_warning
    return review


def warned(personas, period: str, name: str = "employee") -> VerbalWarning:
    """A verbal warning on the persona's review of the quarter, made directly (with the
    quarter's policy on the review, as scoring sets it)."""
    review = review_in(personas, period, name)
    Review.objects.filter(pk=review.pk).update(
        verbal_warning=True,
        total_score=Decimal("50.00"),
        grade=Review.Grade.D,
        policy=current_policy(review.cycle),
    )
    return VerbalWarning.objects.create(
        review=review, review_version=review.version, total_score=Decimal("50.00")
    )


def conversation(personas, review: Review, actor: str = "hr") -> Conversation:
    return improvement.conversation_record(
        actor=personas[actor],
        review=review,
        held_on=dt.date(2026, 10, 20),
        participants=["王经理", "张伟", "人力资源部 陈芳"],
        summary="谈了第三季度的销售计划完成率。",
        actions=[
            improvement.ActionInput(
                action="每周提交客户拜访记录", owner="张伟", due_on=dt.date(2026, 11, 30)
            )
        ],
    )


def plan(personas, review: Review, goals: int = 2) -> Plan:
    return improvement.plan_create(
        actor=personas["hr"],
        review=review,
        starts_on=dt.date(2026, 10, 21),
        ends_on=dt.date(2027, 1, 31),
        goals=[
            improvement.GoalInput(
                description=f"目标 {number}",
                target_value="90",
                target_unit="%",
                due_on=dt.date(2026, 12, 31),
            )
            for number in range(1, goals + 1)
        ],
    )
