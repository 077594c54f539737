"""Calibration's reads (reviews.selectors.calibration): the hard limits an approval would break,
in each department and in the division, and who sees the distribution."""

from decimal import Decimal

from hrperf.lib.roles import roles_of
from reviews import services
from reviews.models import ScoringPolicy
from reviews.selectors.calibration import approval_breaches, calibration_overview, share
from tests.helpers.quarters import scored


def limits(cycle, **values):
    ScoringPolicy.objects.filter(cycle=cycle).update(**values)


def test_no_hard_limit_no_breach(fresh_quarter, personas):
    review = scored(personas)
    assert approval_breaches(cycle=fresh_quarter, review_ids=[review.pk]) == []


def test_a_greatest_share_broken_in_the_department_and_the_division(fresh_quarter, personas):
    limits(fresh_quarter, max_share_c=40)
    review = scored(personas)  # 60.00, C: SALES 1 of 2 (50 %), the division 1 of 3 (33.33 %)
    breaches = approval_breaches(cycle=fresh_quarter, review_ids=[review.pk])
    assert [(b.group, b.grade, b.limit, b.count, b.size) for b in breaches] == [
        ("department", "C", "max", 1, 2)
    ]
    assert breaches[0].share == Decimal("50.00") and breaches[0].percent == 40
    limits(fresh_quarter, max_share_c=30)
    groups = [b.group for b in approval_breaches(cycle=fresh_quarter, review_ids=[review.pk])]
    assert groups == ["department", "division"]


def test_already_approved_reviews_count(fresh_quarter, personas):
    limits(fresh_quarter, max_share_c=50)
    head = scored(personas, actual="60", name="head")  # C: 1 of SALES's 2, at the limit
    services.review_approve(actor=personas["director"], review=head)
    employee = scored(personas)  # C too: 2 of SALES's 2
    breaches = approval_breaches(cycle=fresh_quarter, review_ids=[employee.pk])
    assert [(b.group, b.count) for b in breaches] == [("department", 2), ("division", 2)]


def test_a_least_share_broken_once_it_can_no_longer_be_reached(fresh_quarter, personas):
    limits(fresh_quarter, min_share_a=50)
    head = scored(personas, actual="60", name="head")  # C
    # SALES: approving the head leaves the employee, who could still be A: 1 of 2 = 50 %.
    assert approval_breaches(cycle=fresh_quarter, review_ids=[head.pk]) == []
    employee = scored(personas)  # C
    breaches = approval_breaches(cycle=fresh_quarter, review_ids=[head.pk, employee.pk])
    assert ("department", "A", "min") in [(b.group, b.grade, b.limit) for b in breaches]


def test_only_hr_and_the_director_see_the_distribution(fresh_quarter, personas):
    for name, sees in [("hr", True), ("director", True), ("head", False), ("employee", False)]:
        overview = calibration_overview(viewer_roles=roles_of(personas[name]), cycle=fresh_quarter)
        assert (overview is not None) == sees


def test_share_rounds_half_up():
    assert share(1, 3) == Decimal("33.33") and share(2, 3) == Decimal("66.67")
    assert share(0, 0) == Decimal("0.00")
