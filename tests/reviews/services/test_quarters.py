"""Opening a quarter and changing its policy (reviews.services.quarters)."""

from decimal import Decimal

import pytest

from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from reviews import services
from reviews.models import AuditEvent, CycleJob, Review, ReviewCycle, ScoringPolicy
from tests.helpers.quarters import scored


def test_it_opens_a_quarter_with_the_default_policy(fresh_quarter):
    assert (fresh_quarter.starts_on.isoformat(), fresh_quarter.ends_on.isoformat()) == (
        "2026-07-01",
        "2026-09-30",
    )
    policy = ScoringPolicy.objects.get(cycle=fresh_quarter)
    assert (policy.version, policy.kpi_share, policy.warning_threshold) == (1, 80, Decimal(60))
    assert AuditEvent.objects.filter(cycle=fresh_quarter, action="cycle_opened").count() == 1


@pytest.mark.parametrize("period", ["2026Q5", "2026-3", "", "26Q1"])
def test_it_rejects_a_malformed_period(personas, period):
    with pytest.raises(ValidationFailed) as info:
        services.cycle_open(actor=personas["hr"], period=period)
    assert info.value.errors[0].field == "period"
    assert not ReviewCycle.objects.exists()


def test_it_rejects_a_quarter_opened_twice(fresh_quarter, personas):
    with pytest.raises(ValidationFailed):
        services.cycle_open(actor=personas["hr"], period="2026q3")


@pytest.mark.parametrize("name", ["director", "head", "employee", "outsider"])
def test_only_hr_opens_a_quarter(personas, name):
    with pytest.raises(NotAllowed):
        services.cycle_open(actor=personas[name], period="2026Q4")


def test_it_rejects_a_policy_with_bands_out_of_order(personas, departments):
    with pytest.raises(ValidationFailed):
        services.cycle_open(actor=personas["hr"], period="2026Q4", policy={"band_a": "99"})
    assert not ReviewCycle.objects.exists()


def test_a_policy_change_after_an_approval_makes_a_new_version(fresh_quarter, personas):
    services.review_approve(actor=personas["director"], review=scored(personas))
    policy = services.cycle_policy_update(
        actor=personas["hr"], cycle=fresh_quarter, values={"warning_threshold": "65"}
    )
    assert (policy.version, policy.warning_threshold) == (2, Decimal(65))
    first = ScoringPolicy.objects.get(cycle=fresh_quarter, version=1)
    assert first.warning_threshold == Decimal(60)


def test_a_review_scored_before_a_policy_change_cannot_be_approved_until_rescored(
    fresh_quarter, personas
):
    review = scored(personas)
    services.cycle_policy_update(
        actor=personas["hr"], cycle=fresh_quarter, values={"warning_threshold": "65"}
    )
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED
    assert CycleJob.objects.filter(cycle=fresh_quarter, kind=CycleJob.Kind.RESCORE).exists()
    with pytest.raises(Conflict):
        services.review_approve(actor=personas["director"], review=review)
    assert ScoringPolicy.objects.get(cycle=fresh_quarter).frozen_at is None


def test_it_rejects_a_policy_figure_too_large_for_its_column(personas, departments):
    with pytest.raises(ValidationFailed) as info:
        services.cycle_open(
            actor=personas["hr"], period="2026Q4", policy={"band_s": "1" + "0" * 30}
        )
    assert [(e.field, e.code) for e in info.value.errors] == [("band_s", "too_large")]
    assert not ReviewCycle.objects.exists()


@pytest.mark.parametrize(
    "raw", ["1e30", "9,5", "9_5", "９５", "٩٥", "+95", "95.", " 9 5", "NaN", "Infinity", True]
)
def test_it_reads_a_policy_figure_strictly(personas, departments, raw):
    with pytest.raises(ValidationFailed) as info:
        services.cycle_open(actor=personas["hr"], period="2026Q4", policy={"band_s": raw})
    assert [(e.field, e.code) for e in info.value.errors] == [("band_s", "invalid")]
    assert not ReviewCycle.objects.exists()


@pytest.mark.parametrize(
    "period", ["0000Q1", "9999Q4", "1999Q4", "2100Q1", "２０２６Q4", "٢٠٢٦Q4", "2026Q4x"]
)
def test_it_refuses_a_period_it_cannot_date(personas, departments, period):
    with pytest.raises(ValidationFailed) as info:
        services.cycle_open(actor=personas["hr"], period=period)
    assert [e.field for e in info.value.errors] == ["period"]
    assert not ReviewCycle.objects.exists()


def test_the_first_and_last_quarter_may_be_opened(personas, departments):
    first = services.cycle_open(actor=personas["hr"], period="2000q1")
    last = services.cycle_open(actor=personas["hr"], period=" 2099Q4 ")
    assert (first.period, first.starts_on.isoformat()) == ("2000Q1", "2000-01-01")
    assert (last.period, last.ends_on.isoformat()) == ("2099Q4", "2099-12-31")
