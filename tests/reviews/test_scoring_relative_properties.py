"""Properties of relative grading that hold for every group, checked with hypothesis."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from reviews.scoring import GRADES, Policy, regrade_in_group, relative_grades, seats

totals = st.decimals(min_value=0, max_value=120, places=2)


@st.composite
def quotas(draw: st.DrawFn) -> dict[str, int]:
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=4, max_size=4)))
    bounds = [0, *cuts, 100]
    return {g: bounds[i + 1] - bounds[i] for i, g in enumerate(GRADES)}


@given(st.integers(0, 500), quotas())
def test_seats_add_up_and_stay_within_one_of_the_exact_quota(n: int, shares: dict) -> None:
    table = seats(n, shares)
    assert sum(table.values()) == n
    for grade, share in shares.items():
        exact = Decimal(n * share) / 100
        assert exact - 1 < table[grade] < exact + 1


@given(st.lists(totals, min_size=1, max_size=40), quotas())
def test_grades_never_fall_as_totals_rise_and_ties_share_a_grade(
    values: list, shares: dict
) -> None:
    policy = Policy(grading="relative", grade_shares=shares, relative_min_group=1)
    graded = relative_grades(dict(enumerate(values)), policy)
    order = {g: i for i, g in enumerate(GRADES)}
    members = [graded.members[i] for i in range(len(values))]
    for a, ma in zip(values, members, strict=True):
        for b, mb in zip(values, members, strict=True):
            if a > b:
                assert order[ma.grade] <= order[mb.grade]
            if a == b:
                assert ma.grade == mb.grade and ma.rank == mb.rank


@given(st.lists(totals, min_size=1, max_size=40), quotas())
def test_no_grade_is_given_below_its_seats_except_by_a_tie_going_up(
    values: list, shares: dict
) -> None:
    # A grade has at most as many members as its seats plus those pulled up from below by ties;
    # counting from the top, the cumulative count of grades at or above g is >= cumulative seats.
    policy = Policy(grading="relative", grade_shares=shares, relative_min_group=1)
    graded = relative_grades(dict(enumerate(values)), policy)
    cumulative_seats = cumulative_members = 0
    for grade in GRADES:
        cumulative_seats += graded.seats[grade]
        cumulative_members += sum(1 for m in graded.members.values() if m.grade == grade)
        assert cumulative_members >= cumulative_seats


@given(st.lists(totals, min_size=2, max_size=30), quotas(), st.data())
def test_a_review_rescored_at_its_locked_total_keeps_its_grade(
    values: list, shares: dict, data: st.DataObject
) -> None:
    policy = Policy(grading="relative", grade_shares=shares, relative_min_group=1)
    graded = relative_grades(dict(enumerate(values)), policy)
    i = data.draw(st.integers(0, len(values) - 1))
    others = values[:i] + values[i + 1 :]
    assert regrade_in_group(values[i], others, graded.seats) == (
        graded.members[i].grade,
        graded.members[i].rank,
    )
