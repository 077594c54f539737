"""Relative grading (强制分布, scoring.md v2): seats by largest remainder, ranking by rounded
total, ties going up, the small-group minimum, the pay coefficient of the relative grade, the
absolute warning, the quotas' checks and the rule for a review rescored in a locked group."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reviews.scoring import (
    DEFAULT_GRADE_SHARES,
    DEFAULT_POLICY,
    Policy,
    Problem,
    grade_at,
    regrade_in_group,
    relative_grades,
    seats,
    validate_policy,
)

SEVEN = {
    "r1": Decimal("91.20"),
    "r2": Decimal("88.00"),
    "r3": Decimal("88.00"),
    "r4": Decimal("80.10"),
    "r5": Decimal("79.90"),
    "r6": Decimal("79.90"),
    "r7": Decimal("55.00"),
}
RELATIVE = Policy(grading="relative", relative_min_group=1)


# -- seats -------------------------------------------------------------------------------


def test_seats_of_the_seven_review_example() -> None:
    # x = 0.7, 1.4, 2.8, 1.4, 0.7 → floors 0 1 2 1 0; the 3 left go to B (.8), S, D (.7).
    assert seats(7, DEFAULT_GRADE_SHARES) == {"S": 1, "A": 1, "B": 3, "C": 1, "D": 1}


def test_equal_fractional_parts_go_to_the_better_grade_first() -> None:
    # n = 5: x = 0.5, 1, 2, 1, 0.5 → one seat left; S and D tie at .5, S wins.
    assert seats(5, DEFAULT_GRADE_SHARES) == {"S": 1, "A": 1, "B": 2, "C": 1, "D": 0}


def test_seats_add_up_to_the_group_and_are_exact_for_whole_quotas() -> None:
    assert seats(10, DEFAULT_GRADE_SHARES) == {"S": 1, "A": 2, "B": 4, "C": 2, "D": 1}
    assert seats(100, DEFAULT_GRADE_SHARES) == {"S": 10, "A": 20, "B": 40, "C": 20, "D": 10}
    for n in range(0, 60):
        assert sum(seats(n, DEFAULT_GRADE_SHARES).values()) == n


def test_a_zero_quota_gets_no_seat() -> None:
    shares = {"S": 0, "A": 30, "B": 40, "C": 30, "D": 0}
    assert seats(3, shares) == {"S": 0, "A": 1, "B": 1, "C": 1, "D": 0}


def test_larger_fraction_wins_over_the_better_grade() -> None:
    # n = 3: x = 0.3, 0.6, 1.2, 0.6, 0.3 → floors 0 0 1 0 0; 2 left: A (.6) then C (.6).
    assert seats(3, DEFAULT_GRADE_SHARES) == {"S": 0, "A": 1, "B": 1, "C": 1, "D": 0}


def test_grade_at_follows_cumulative_seats() -> None:
    table = {"S": 1, "A": 1, "B": 3, "C": 1, "D": 1}
    assert [grade_at(p, table) for p in range(1, 8)] == ["S", "A", "B", "B", "B", "C", "D"]
    assert grade_at(8, table) == "D"  # past the seats: the last grade


# -- grading a group --------------------------------------------------------------------


def test_the_seven_review_example_verbatim() -> None:
    graded = relative_grades(SEVEN, RELATIVE)
    assert graded.basis == "relative"
    assert graded.seats == {"S": 1, "A": 1, "B": 3, "C": 1, "D": 1}
    assert [graded.members[k].grade for k in SEVEN] == ["S", "A", "A", "B", "B", "B", "D"]
    assert [graded.members[k].rank for k in SEVEN] == [1, 2, 2, 4, 5, 5, 7]


def test_the_seven_with_the_default_minimum_keep_their_absolute_grades() -> None:
    graded = relative_grades(SEVEN, Policy(grading="relative"))
    assert DEFAULT_POLICY.relative_min_group == 10
    assert graded.basis == "absolute"
    assert [graded.members[k].grade for k in SEVEN] == ["A", "A", "A", "B", "B", "B", "D"]


def test_pay_coefficient_follows_the_relative_grade_and_the_warning_stays_absolute() -> None:
    graded = relative_grades(SEVEN, RELATIVE)
    assert graded.members["r1"].pay_coefficient == Decimal("1.20")  # S, though 91.20 is A
    assert graded.members["r4"].pay_coefficient == Decimal("1.00")
    assert graded.members["r7"].grade == "D"
    assert graded.members["r7"].verbal_warning is True
    assert not any(graded.members[k].verbal_warning for k in SEVEN if k != "r7")


def test_a_tie_is_never_split_and_goes_up() -> None:
    totals = {f"r{i}": Decimal("80.00") for i in range(10)}
    graded = relative_grades(totals, Policy(grading="relative"))
    assert {m.grade for m in graded.members.values()} == {"S"}
    assert {m.rank for m in graded.members.values()} == {1}


def test_positions_below_a_tie_keep_their_place() -> None:
    # ten reviews: seats S1 A2 B4 C2 D1; positions 2-4 tie → all A (best of them), 5 is B.
    totals = [Decimal(v) for v in ("99", "90", "90", "90", "85", "80", "75", "70", "65", "50")]
    graded = relative_grades(dict(enumerate(totals)), Policy(grading="relative"))
    grades = [graded.members[i].grade for i in range(10)]
    assert grades == ["S", "A", "A", "A", "B", "B", "B", "C", "C", "D"]


def test_ranking_is_by_the_rounded_total() -> None:
    # 79.995 shows as 80.00: it ties with 80.00 and goes up with it.
    totals = {"a": Decimal("80.00"), "b": Decimal("79.995"), "c": Decimal("70")}
    graded = relative_grades(totals, Policy(grading="relative", relative_min_group=1))
    assert graded.members["a"].rank == graded.members["b"].rank == 1
    assert graded.members["a"].grade == graded.members["b"].grade


def test_an_absolute_policy_grades_by_bands_whatever_the_group() -> None:
    graded = relative_grades(SEVEN, Policy(relative_min_group=1))
    assert graded.basis == "absolute"
    assert [graded.members[k].grade for k in SEVEN] == ["A", "A", "A", "B", "B", "B", "D"]


def test_an_empty_group_has_no_members() -> None:
    graded = relative_grades({}, RELATIVE)
    assert graded.members == {}
    assert graded.size == 0


def test_group_minimum_is_inclusive() -> None:
    totals = {f"r{i}": Decimal(90 - i) for i in range(10)}
    assert relative_grades(totals, Policy(grading="relative")).basis == "relative"
    del totals["r9"]
    assert relative_grades(totals, Policy(grading="relative")).basis == "absolute"


# -- a review rescored in a locked group --------------------------------------------------


def test_a_reopened_review_ranks_into_the_other_locked_totals() -> None:
    table = {"S": 1, "A": 1, "B": 3, "C": 1, "D": 1}
    others = [v for k, v in SEVEN.items() if k != "r7"]  # r7 (55.00) reopened
    assert regrade_in_group(Decimal("85.00"), others, table) == ("B", 4)
    assert regrade_in_group(Decimal("95.00"), others, table) == ("S", 1)
    assert regrade_in_group(Decimal("10.00"), others, table) == ("D", 7)


def test_a_reopened_review_tying_a_locked_total_goes_up() -> None:
    table = {"S": 1, "A": 1, "B": 3, "C": 1, "D": 1}
    others = [v for k, v in SEVEN.items() if k != "r1"]  # r1 (91.20) reopened
    # 88.00 ties the two 88.00s at position 1: the tie goes up to S.
    assert regrade_in_group(Decimal("88.00"), others, table) == ("S", 1)
    assert regrade_in_group(Decimal("87.995"), others, table) == ("S", 1)  # rounds to 88.00
    assert regrade_in_group(Decimal("87.99"), others, table) == ("B", 3)


# -- the policy's quotas -----------------------------------------------------------------


def test_default_policy_quotas_and_settings_are_valid() -> None:
    assert DEFAULT_POLICY.grading == "absolute"
    assert DEFAULT_POLICY.grading_group == "department"
    assert dict(DEFAULT_POLICY.grade_shares) == {"S": 10, "A": 20, "B": 40, "C": 20, "D": 10}
    assert validate_policy(DEFAULT_POLICY) == []


def test_quotas_must_add_up_to_100() -> None:
    policy = Policy(grade_shares={"S": 10, "A": 20, "B": 40, "C": 20, "D": 20})
    assert Problem("grade_shares", "shares_not_100", {"total": "110"}) in validate_policy(policy)


@pytest.mark.parametrize("bad", [Decimal("10.5"), -10, 110, "10", True])
def test_each_quota_is_a_whole_percent(bad: object) -> None:
    shares = {"S": bad, "A": 20, "B": 40, "C": 20, "D": 10}
    problems = validate_policy(Policy(grade_shares=shares))  # type: ignore[arg-type]
    assert any(p.field == "grade_shares.S" for p in problems)


def test_every_grade_needs_a_quota_and_no_unknown_grade() -> None:
    shares = {"S": 10, "A": 30, "B": 40, "C": 20, "X": 0}
    problems = validate_policy(Policy(grading="relative", grade_shares=shares))
    fields = {p.field: p.code for p in problems}
    assert fields["grade_shares.D"] == "missing_share"
    assert fields["grade_shares.X"] == "unknown_grade"


def test_grading_settings_are_checked() -> None:
    problems = validate_policy(Policy(grading="forced", grading_group="team", relative_min_group=0))
    fields = {p.field: p.code for p in problems}
    assert fields == {
        "grading": "unknown_choice",
        "grading_group": "unknown_choice",
        "relative_min_group": "below_minimum",
    }


def test_relative_grades_refuses_an_invalid_policy() -> None:
    with pytest.raises(ValueError):
        relative_grades(SEVEN, Policy(grading="relative", grade_shares={"S": 100, "A": 10}))
