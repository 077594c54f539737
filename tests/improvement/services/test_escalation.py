"""Escalation to a written warning (书面警告): the window's edges, exactly, and once only."""

from __future__ import annotations

import pytest

from improvement import services
from improvement.models import WrittenWarning
from reviews.models import AuditEvent
from reviews.policies import current_policy
from tests.helpers.improvement import quarter, scored_low, warned


@pytest.mark.parametrize(
    ("period", "quarters", "window"),
    [
        ("2026Q4", 4, ("2026Q1", "2026Q4")),
        ("2026Q1", 4, ("2025Q2", "2026Q1")),
        ("2026Q3", 1, ("2026Q3", "2026Q3")),
        ("2026Q3", 2, ("2026Q2", "2026Q3")),
        ("2000Q2", 4, ("2000Q1", "2000Q2")),
    ],
)
def test_the_window_is_the_quarters_ending_with_the_warned_one(period, quarters, window) -> None:
    assert services.escalation_window(period, quarters) == window


@pytest.mark.parametrize(
    ("earlier", "trigger", "made"),
    [
        ("2026Q1", "2026Q4", True),  # three quarters back: within four
        ("2025Q4", "2026Q4", False),  # four quarters back: outside
        ("2026Q3", "2026Q4", True),  # the quarter before
        ("2025Q1", "2025Q4", True),  # across no year, the first of the window
        ("2024Q4", "2025Q4", False),
        ("2027Q1", "2026Q4", False),  # a later quarter does not count back
    ],
)
def test_two_warnings_within_four_quarters_make_a_written_warning(
    personas, fresh_quarter, earlier, trigger, made
) -> None:
    first = warned(personas, earlier)
    second = warned(personas, trigger)
    result = services.written_warnings_escalate(review_ids=[second.review_id])
    assert bool(result) is made
    if made:
        (written,) = result
        assert written.warning == second
        assert written.review_id == second.review_id
        assert list(written.counted.all()) == [first]
        assert (written.warnings_needed, written.within_quarters) == (2, 4)


def test_one_warning_alone_makes_none(personas, fresh_quarter) -> None:
    only = warned(personas, "2026Q3")
    assert services.written_warnings_escalate(review_ids=[only.review_id]) == []


def test_the_quarters_policy_sets_the_count_and_the_window(personas, fresh_quarter) -> None:
    cycle = quarter(personas, "2026Q4")
    current_policy(cycle).__class__.objects.filter(cycle=cycle).update(
        escalation_warnings=3, escalation_quarters=2
    )
    warned(personas, "2026Q2")
    warned(personas, "2026Q3")
    trigger = warned(personas, "2026Q4")
    # Three needed within two quarters (2026Q3, 2026Q4): 2026Q2 is outside.
    assert services.written_warnings_escalate(review_ids=[trigger.review_id]) == []
    policy = current_policy(cycle)
    policy.escalation_quarters = 3
    policy.save(update_fields=["escalation_quarters"])
    (written,) = services.written_warnings_escalate(review_ids=[trigger.review_id])
    assert sorted(w.review.cycle.period for w in written.counted.all()) == ["2026Q2", "2026Q3"]


def test_warnings_of_one_quarter_count_once(personas, fresh_quarter) -> None:
    """A reopened review warned again in its next version is still one quarter's warning."""
    first = warned(personas, "2026Q3")
    first.pk = None
    first.review_version = 2
    first.save()
    trigger = warned(personas, "2026Q4")
    policy = current_policy(trigger.review.cycle)
    policy.escalation_warnings = 3
    policy.save(update_fields=["escalation_warnings"])
    assert services.written_warnings_escalate(review_ids=[trigger.review_id]) == []


def test_it_is_made_once_however_often_it_is_asked(personas, fresh_quarter) -> None:
    warned(personas, "2026Q3")
    trigger = warned(personas, "2026Q4")
    assert len(services.written_warnings_escalate(review_ids=[trigger.review_id])) == 1
    assert services.written_warnings_escalate(review_ids=[trigger.review_id]) == []
    assert services.written_warnings_escalate(review_ids=[trigger.review_id] * 2) == []
    assert WrittenWarning.objects.count() == 1
    events = AuditEvent.objects.filter(action=AuditEvent.Action.WRITTEN_WARNING)
    assert events.count() == 1
    assert (events.get().params or {})["periods"] == ["2026Q3", "2026Q4"]
    assert events.get().actor is None


def test_a_second_warning_of_the_same_review_makes_no_second_one(personas, fresh_quarter) -> None:
    warned(personas, "2026Q3")
    trigger = warned(personas, "2026Q4")
    services.written_warnings_escalate(review_ids=[trigger.review_id])
    again = trigger
    again.pk = None
    again.review_version = 2
    again.save()
    assert services.written_warnings_escalate(review_ids=[trigger.review_id]) == []
    assert WrittenWarning.objects.count() == 1


def test_the_scoring_worker_makes_it_in_its_transaction(personas, fresh_quarter) -> None:
    warned(personas, "2026Q2")
    review = scored_low(personas, "2026Q3")
    written = WrittenWarning.objects.get()
    assert written.review == review
    assert written.warning.review == review
    # The worker's task run again scores nothing and makes nothing.
    from reviews import services as review_services

    assert not review_services.review_score(review_id=review.pk, revision=review.revision)
    assert WrittenWarning.objects.count() == 1


def test_another_employees_warnings_do_not_count(personas, fresh_quarter) -> None:
    warned(personas, "2026Q3", name="other_employee")
    trigger = warned(personas, "2026Q4")
    assert services.written_warnings_escalate(review_ids=[trigger.review_id]) == []


def test_hr_acknowledges_a_written_warning_once(personas, fresh_quarter) -> None:
    from hrperf.lib.errors import Conflict, NotAllowed

    warned(personas, "2026Q3")
    trigger = warned(personas, "2026Q4")
    (written,) = services.written_warnings_escalate(review_ids=[trigger.review_id])
    for name in ("director", "head", "employee"):
        with pytest.raises(NotAllowed):
            services.written_warning_acknowledge(actor=personas[name], written_warning=written)
    written = services.written_warning_acknowledge(actor=personas["hr"], written_warning=written)
    assert written.acknowledged_by == personas["hr"]
    assert written.acknowledged_at is not None
    with pytest.raises(Conflict) as refused:
        services.written_warning_acknowledge(actor=personas["hr"], written_warning=written)
    assert refused.value.code == "already_acknowledged"
