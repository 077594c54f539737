"""The scoring rules of scoring.md, to the cent: its worked examples, the edge cases of each
rule, every kind of invalid and missing input, non-default policies and the explanation."""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal

import pytest

from reviews.scoring import (
    DEFAULT_POLICY,
    Direction,
    Incomplete,
    InvalidInput,
    KpiLine,
    Missing,
    Policy,
    Problem,
    Rating,
    Result,
    StepKind,
    exact_text,
    explain,
    grade_for,
    missing_inputs,
    round2,
    score,
    validate,
    validate_policy,
)

HIGHER = Direction.HIGHER
LOWER = Direction.LOWER
COMPETENCIES = ("TEAMWORK", "COMMUNICATION", "EXECUTION", "LEARNING")
DIRECTOR = "marketing_director"
HR = "hr"


def d(value: str | int) -> Decimal:
    return Decimal(str(value))


def line(
    code: str, direction: Direction, target: str | None, actual: str | None, weight: int
) -> KpiLine:
    return KpiLine(
        code=code,
        direction=direction,
        target=None if target is None else d(target),
        actual=None if actual is None else d(actual),
        weight=weight,
    )


def rate(director: Sequence[int | None], hr: Sequence[int | None]) -> list[Rating]:
    return [
        Rating(assessor=DIRECTOR, competency=code, value=value)
        for code, value in zip(COMPETENCIES, director, strict=True)
    ] + [
        Rating(assessor=HR, competency=code, value=value)
        for code, value in zip(COMPETENCIES, hr, strict=True)
    ]


def scored(
    lines: Sequence[KpiLine],
    ratings: Sequence[Rating],
    policy: Policy = DEFAULT_POLICY,
    competencies: Sequence[str] = COMPETENCIES,
) -> Result:
    outcome = score(lines=lines, ratings=ratings, competencies=competencies, policy=policy)
    assert isinstance(outcome, Result), outcome
    return outcome


def problems_of(
    lines: Sequence[KpiLine],
    ratings: Sequence[Rating],
    policy: Policy = DEFAULT_POLICY,
    competencies: Sequence[str] = COMPETENCIES,
) -> list[Problem]:
    with pytest.raises(InvalidInput) as raised:
        score(lines=lines, ratings=ratings, competencies=competencies, policy=policy)
    return list(raised.value.problems)


ALL_THREES = rate([3, 3, 3, 3], [3, 3, 3, 3])
ALL_FIVES = rate([5, 5, 5, 5], [5, 5, 5, 5])

SALES_LINES = [
    line("SALES_PLAN_COMPLETION", HIGHER, "100", "92", 30),
    line("SALES_REVENUE", HIGHER, "5000000", "5500000", 30),
    line("SALES_EXPENSE_RATIO", LOWER, "8", "10", 20),
    line("COLLECTION_RATE", HIGHER, "95", "90", 20),
]
SALES_RATINGS = rate([4, 4, 3, 5], [3, 4, 4, 4])


def one_line(direction: Direction, target: str, actual: str) -> list[KpiLine]:
    return [line("K1", direction, target, actual, 100)]


# -- worked examples of scoring.md ----------------------------------------------------------


def test_example_1_sales_department_scores_92_04_grade_a() -> None:
    result = scored(SALES_LINES, SALES_RATINGS)

    assert [x.score_rounded for x in result.lines] == [
        d("92.00"),
        d("110.00"),
        d("80.00"),
        d("94.74"),
    ]
    assert str(result.lines[3].score).startswith("94.7368")
    assert str(result.kpi_exact).startswith("95.547368")
    assert result.kpi_score == d("95.55")
    assert result.assessor_scores == {DIRECTOR: d("80.00"), HR: d("75.00")}
    assert result.competency_score == d("78.00")
    assert str(result.total_exact).startswith("92.037894")
    assert result.total_score == d("92.04")
    assert result.grade == "A"
    assert result.pay_coefficient == d("1.10")
    assert result.verbal_warning is False


def test_example_2_zero_churn_scores_the_cap_and_72_80_grade_c() -> None:
    lines = [
        line("NEW_ACCOUNTS", HIGHER, "100", "50", 40),
        line("RETENTION", HIGHER, "100", "80", 30),
        line("CHURN", LOWER, "5", "0", 30),
    ]
    result = scored(lines, rate([2, 2, 2, 2], [2, 3, 2, 3]))

    assert [x.score_rounded for x in result.lines] == [d("50.00"), d("80.00"), d("120.00")]
    assert result.kpi_score == d("80.00")
    assert result.assessor_scores == {DIRECTOR: d("40.00"), HR: d("50.00")}
    assert result.competency_score == d("44.00")
    assert result.total_score == d("72.80")
    assert result.grade == "C"
    assert result.pay_coefficient == d("0.90")
    assert result.verbal_warning is False


def test_example_3_below_the_threshold_is_grade_d_with_a_verbal_warning() -> None:
    lines = [
        line("K1", HIGHER, "100", "40", 40),
        line("K2", HIGHER, "100", "55", 30),
        line("K3", HIGHER, "100", "60", 30),
    ]
    result = scored(lines, rate([2, 2, 2, 2], [3, 3, 3, 3]))

    assert [x.score_rounded for x in result.lines] == [d("40.00"), d("55.00"), d("60.00")]
    assert result.kpi_score == d("50.50")
    assert result.competency_score == d("48.00")
    assert result.total_score == d("50.00")
    assert result.grade == "D"
    assert result.pay_coefficient == d("0.70")
    assert result.verbal_warning is True


def test_example_4_on_the_threshold_is_grade_c_without_a_warning() -> None:
    result = scored(one_line(HIGHER, "100", "60"), ALL_THREES)

    assert result.kpi_score == result.competency_score == result.total_score == d("60.00")
    assert result.grade == "C"
    assert result.pay_coefficient == d("0.90")
    assert result.verbal_warning is False


def test_example_5_over_achievement_scores_the_cap() -> None:
    result = scored(one_line(HIGHER, "100", "150"), ALL_THREES)

    (only,) = result.lines
    assert only.achievement == d("150")
    assert only.score == d("120")
    assert only.capped is True
    assert result.kpi_score == d("120.00")


# -- achievement, cap and floor -------------------------------------------------------------


def test_a_lower_line_with_an_actual_of_zero_scores_the_cap() -> None:
    (only,) = scored(one_line(LOWER, "5", "0"), ALL_THREES).lines
    assert only.score == d("120")
    assert only.achievement == d("120")

    policy = Policy(achievement_cap=d("150"))
    (only,) = scored(one_line(LOWER, "5", "0"), ALL_THREES, policy).lines
    assert only.score == d("150")


def test_a_lower_line_with_zero_tolerance_that_happened_scores_zero() -> None:
    (only,) = scored(one_line(LOWER, "0", "3"), ALL_THREES).lines
    assert only.achievement == 0
    assert only.score == 0


def test_a_lower_line_with_zero_tolerance_that_did_not_happen_scores_the_cap() -> None:
    (only,) = scored(one_line(LOWER, "0", "0"), ALL_THREES).lines
    assert only.score == d("120")


def test_a_higher_line_with_an_actual_of_zero_scores_zero() -> None:
    (only,) = scored(one_line(HIGHER, "100", "0"), ALL_THREES).lines
    assert only.score == 0


def test_a_lower_line_scores_target_over_actual() -> None:
    (only,) = scored(one_line(LOWER, "8", "6"), ALL_THREES).lines
    assert round2(only.achievement) == d("133.33")
    assert only.score == d("120")
    assert only.capped is True


def test_the_floor_zeroes_a_line_below_it_but_not_one_on_it() -> None:
    policy = Policy(achievement_floor=d("50"))
    lines = [
        line("BELOW", HIGHER, "100", "49.9999", 50),
        line("ON", HIGHER, "100", "50", 50),
    ]
    below, on = scored(lines, ALL_THREES, policy).lines

    assert below.below_floor is True
    assert below.score == 0
    assert on.below_floor is False
    assert on.score == d("50")


def test_the_floor_is_off_by_default() -> None:
    (only,) = scored(one_line(HIGHER, "100", "1"), ALL_THREES).lines
    assert only.score == d("1")
    assert only.below_floor is False


def test_a_higher_cap_lets_over_achievement_count_up_to_it() -> None:
    policy = Policy(achievement_cap=d("150"))
    result = scored(one_line(HIGHER, "100", "140"), ALL_THREES, policy)
    assert result.lines[0].score == d("140")
    assert result.lines[0].capped is False


# -- rounding, grades and the warning -------------------------------------------------------


def test_a_total_of_exactly_59_995_shows_as_60_00_is_grade_c_and_earns_no_warning() -> None:
    # K = 59.99375, C = 60: T = (80 × 59.99375 + 20 × 60) / 100 = 59.995 exactly.
    result = scored(one_line(HIGHER, "10000", "5999.375"), ALL_THREES)

    assert result.kpi_exact == d("59.99375")
    assert result.total_exact == d("59.995")
    assert result.total_score == d("60.00")
    assert result.grade == "C"
    assert result.verbal_warning is False


def test_a_total_just_below_59_995_shows_as_59_99_is_grade_d_with_a_warning() -> None:
    result = scored(one_line(HIGHER, "10000", "5999.3749"), ALL_THREES)

    # K = 59.993749: T = 47.9949992 + 12 = 59.9949992.
    assert result.total_exact == d("59.9949992")
    assert result.total_score == d("59.99")
    assert result.grade == "D"
    assert result.pay_coefficient == d("0.70")
    assert result.verbal_warning is True


def test_a_total_of_94_995_shows_as_95_00_and_earns_grade_s() -> None:
    # All ratings 5 (C = 100), K = 93.74375: T = 74.995 + 20 = 94.995.
    result = scored(one_line(HIGHER, "10000", "9374.375"), ALL_FIVES)

    assert result.total_exact == d("94.995")
    assert result.total_score == d("95.00")
    assert result.grade == "S"
    assert result.pay_coefficient == d("1.20")


def test_a_total_just_below_94_995_stays_grade_a() -> None:
    result = scored(one_line(HIGHER, "10000", "9374.3749"), ALL_FIVES)

    assert result.total_score == d("94.99")
    assert result.grade == "A"


def test_reported_figures_round_half_up_not_half_even() -> None:
    # K = 60.005 exactly: half even would give 60.00.
    result = scored(one_line(HIGHER, "100", "60.005"), ALL_THREES)

    assert result.kpi_exact == d("60.005")
    assert result.kpi_score == d("60.01")
    assert result.lines[0].score_rounded == d("60.01")


def test_each_figure_is_rounded_from_its_exact_value() -> None:
    # Example 1: T from the rounded K (95.55) would be 92.04 too, but its exact value differs.
    result = scored(SALES_LINES, SALES_RATINGS)
    assert result.total_exact != (80 * result.kpi_score + 20 * result.competency_score) / 100
    assert result.total_score == round2(result.total_exact)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100.00", "S"),
        ("95.00", "S"),
        ("94.99", "A"),
        ("85.00", "A"),
        ("84.99", "B"),
        ("75.00", "B"),
        ("74.99", "C"),
        ("60.00", "C"),
        ("59.99", "D"),
        ("0.00", "D"),
    ],
)
def test_grade_for_takes_the_highest_band_whose_lowest_total_is_reached(
    total: str, grade: str
) -> None:
    assert grade_for(d(total), DEFAULT_POLICY) == grade


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("59.995", "60.00"), ("59.9949999", "59.99"), ("0.125", "0.13"), ("0.135", "0.14")],
)
def test_round2_rounds_half_up_to_two_places(value: str, rounded: str) -> None:
    assert str(round2(d(value))) == rounded


def test_scoring_neither_depends_on_nor_changes_the_callers_decimal_context() -> None:
    before = decimal.getcontext().copy()
    with decimal.localcontext() as context:
        context.prec = 4
        context.rounding = decimal.ROUND_DOWN
        result = scored(SALES_LINES, SALES_RATINGS)
        assert decimal.getcontext().prec == 4
        assert decimal.getcontext().rounding == decimal.ROUND_DOWN
    assert str(result.kpi_exact).startswith("95.547368")
    assert result.total_score == d("92.04")
    after = decimal.getcontext()
    assert (after.prec, after.rounding) == (before.prec, before.rounding)


# -- invalid input --------------------------------------------------------------------------


def _with_line(target: object, actual: object, direction: Direction = HIGHER) -> list[KpiLine]:
    return [KpiLine(code="K1", direction=direction, target=target, actual=actual, weight=100)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lines", "field", "code"),
    [
        (_with_line(d("0"), d("5")), "K1.target", "zero_target"),
        (_with_line(d("-1"), d("5")), "K1.target", "negative"),
        (_with_line(d("100"), d("-0.5")), "K1.actual", "negative"),
        (_with_line(d("100"), d("92.12345")), "K1.actual", "too_many_decimals"),
        (_with_line(d("100.00001"), d("92")), "K1.target", "too_many_decimals"),
        (_with_line(d("100"), 92.5), "K1.actual", "not_a_number"),
        (_with_line(d("100"), "92"), "K1.actual", "not_a_number"),
        (_with_line(d("100"), Decimal("NaN")), "K1.actual", "not_a_number"),
        (_with_line(Decimal("Infinity"), d("5")), "K1.target", "not_a_number"),
        (_with_line(d("100"), Decimal("1E+24")), "K1.actual", "too_large"),
        (
            [KpiLine(code="K1", direction="sideways", target=d(1), actual=d(1), weight=100)],  # type: ignore[arg-type]
            "K1.direction",
            "unknown_direction",
        ),
        ([line("K1", HIGHER, "100", "90", 101)], "K1.weight", "out_of_range"),
        ([line("K1", HIGHER, "100", "90", -1)], "K1.weight", "out_of_range"),
        (
            [KpiLine(code="K1", direction=HIGHER, target=d(1), actual=d(1), weight=d(100))],  # type: ignore[arg-type]
            "K1.weight",
            "not_whole",
        ),
        (
            [KpiLine(code="K1", direction=HIGHER, target=d(1), actual=d(1), weight=True)],
            "K1.weight",
            "not_whole",
        ),
        (
            [line("K1", HIGHER, "100", "90", 50), line("K2", HIGHER, "100", "90", 40)],
            "weight",
            "weights_sum",
        ),
        (
            [line("K1", HIGHER, "100", "90", 50), line("K1", HIGHER, "100", "90", 50)],
            "K1",
            "duplicate_kpi",
        ),
    ],
)
def test_it_rejects_an_invalid_kpi_line(lines: list[KpiLine], field: str, code: str) -> None:
    problems = problems_of(lines, ALL_THREES)
    assert [(p.field, p.code) for p in problems] == [(field, code)]


def test_a_target_of_zero_is_allowed_on_a_lower_line() -> None:
    assert (
        validate(lines=one_line(LOWER, "0", "0"), ratings=ALL_THREES, competencies=COMPETENCIES)
        == []
    )


def test_trailing_zeros_beyond_four_places_are_not_extra_decimals() -> None:
    result = scored(one_line(HIGHER, "100.000000", "92.50000000"), ALL_THREES)
    assert result.kpi_score == d("92.50")


def test_a_weights_problem_says_what_they_add_up_to() -> None:
    lines = [line("K1", HIGHER, "100", "90", 50), line("K2", HIGHER, "100", "90", 40)]
    (problem,) = problems_of(lines, ALL_THREES)
    assert problem.params == {"sum": "90", "total": "100"}


def test_a_line_problem_names_the_kpi() -> None:
    (problem,) = problems_of(_with_line(d("100"), d("92.12345")), ALL_THREES)
    assert problem.params == {"kpi": "K1", "max": "4"}


@pytest.mark.parametrize(
    ("rating", "field", "code"),
    [
        (Rating(DIRECTOR, "TEAMWORK", 6), "ratings.marketing_director.TEAMWORK", "out_of_range"),
        (Rating(DIRECTOR, "TEAMWORK", 0), "ratings.marketing_director.TEAMWORK", "out_of_range"),
        (Rating(DIRECTOR, "TEAMWORK", "3"), "ratings.marketing_director.TEAMWORK", "not_whole"),  # type: ignore[arg-type]
        (Rating(DIRECTOR, "TEAMWORK", 3.0), "ratings.marketing_director.TEAMWORK", "not_whole"),  # type: ignore[arg-type]
        (Rating(DIRECTOR, "TEAMWORK", True), "ratings.marketing_director.TEAMWORK", "not_whole"),
        (Rating("head", "TEAMWORK", 3), "ratings.head.TEAMWORK", "unknown_assessor"),
        (Rating(HR, "CHARISMA", 3), "ratings.hr.CHARISMA", "unknown_competency"),
    ],
)
def test_it_rejects_an_invalid_rating(rating: Rating, field: str, code: str) -> None:
    ratings = [
        r for r in ALL_THREES if (r.assessor, r.competency) != (rating.assessor, rating.competency)
    ]
    problems = problems_of(SALES_LINES, [*ratings, rating])
    assert [(p.field, p.code) for p in problems] == [(field, code)]


def test_it_rejects_a_second_rating_of_the_same_competency_by_the_same_assessor() -> None:
    problems = problems_of(SALES_LINES, [*ALL_THREES, Rating(HR, "LEARNING", 4)])
    assert [(p.field, p.code) for p in problems] == [("ratings.hr.LEARNING", "duplicate_rating")]


def test_it_rejects_a_competency_listed_twice() -> None:
    problems = problems_of(SALES_LINES, ALL_THREES, competencies=[*COMPETENCIES, "LEARNING"])
    assert [(p.field, p.code) for p in problems] == [("competencies", "duplicate_competency")]


def test_it_lists_every_problem_at_once() -> None:
    lines = [line("K1", HIGHER, "0", "-1", 60), line("K2", HIGHER, "100", "90", 40)]
    ratings = [*ALL_THREES[1:], Rating(DIRECTOR, "TEAMWORK", 9)]
    problems = problems_of(lines, ratings)
    assert [(p.field, p.code) for p in problems] == [
        ("K1.target", "zero_target"),
        ("K1.actual", "negative"),
        ("ratings.marketing_director.TEAMWORK", "out_of_range"),
    ]


def test_an_invalid_review_is_rejected_even_when_it_is_also_incomplete() -> None:
    lines = [line("K1", HIGHER, "0", None, 100)]
    problems = problems_of(lines, [])
    assert [(p.field, p.code) for p in problems] == [("K1.target", "zero_target")]


def test_validate_lists_problems_without_raising_and_ignores_missing_inputs() -> None:
    lines = [line("K1", HIGHER, "100", None, 60), line("K2", HIGHER, "100", "-3", 40)]
    problems = validate(lines=lines, ratings=[], competencies=COMPETENCIES)
    assert [(p.field, p.code) for p in problems] == [("K2.actual", "negative")]
    assert validate(lines=SALES_LINES, ratings=SALES_RATINGS, competencies=COMPETENCIES) == []


def test_the_invalid_input_error_carries_its_problems() -> None:
    with pytest.raises(InvalidInput) as raised:
        score(lines=one_line(HIGHER, "0", "1"), ratings=ALL_THREES, competencies=COMPETENCIES)
    assert raised.value.problems == (Problem("K1.target", "zero_target", {"kpi": "K1"}),)
    assert "K1.target: zero_target" in str(raised.value)


# -- missing input --------------------------------------------------------------------------


def test_a_review_lacking_anything_is_incomplete_with_every_reason_listed() -> None:
    lines = [
        line("SALES_PLAN_COMPLETION", HIGHER, "100", None, 30),
        line("SALES_REVENUE", HIGHER, None, None, 30),
        line("SALES_EXPENSE_RATIO", LOWER, "8", "10", 20),
        line("COLLECTION_RATE", HIGHER, None, "90", 20),
    ]
    ratings = [
        Rating(DIRECTOR, "TEAMWORK", 4),
        Rating(DIRECTOR, "COMMUNICATION", None),
        Rating(DIRECTOR, "EXECUTION", 3),
        Rating(DIRECTOR, "LEARNING", 5),
        Rating(HR, "EXECUTION", 4),
    ]
    outcome = score(lines=lines, ratings=ratings, competencies=COMPETENCIES)

    assert isinstance(outcome, Incomplete)
    assert list(outcome.missing) == [
        Missing("actual_missing", {"kpi": "SALES_PLAN_COMPLETION"}),
        Missing("target_missing", {"kpi": "SALES_REVENUE"}),
        Missing("actual_missing", {"kpi": "SALES_REVENUE"}),
        Missing("target_missing", {"kpi": "COLLECTION_RATE"}),
        Missing("rating_missing", {"assessor": DIRECTOR, "competency": "COMMUNICATION"}),
        Missing("rating_missing", {"assessor": HR, "competency": "TEAMWORK"}),
        Missing("rating_missing", {"assessor": HR, "competency": "COMMUNICATION"}),
        Missing("rating_missing", {"assessor": HR, "competency": "LEARNING"}),
    ]
    assert missing_inputs(lines=lines, ratings=ratings, competencies=COMPETENCIES) == list(
        outcome.missing
    )


def test_a_review_without_kpi_lines_or_competencies_is_incomplete() -> None:
    outcome = score(lines=[], ratings=[], competencies=[])
    assert isinstance(outcome, Incomplete)
    assert list(outcome.missing) == [Missing("no_kpi_lines", {}), Missing("no_competencies", {})]


def test_a_review_without_any_rating_lists_every_assessor_and_competency() -> None:
    missing = missing_inputs(lines=SALES_LINES, ratings=[], competencies=COMPETENCIES)
    assert [(m.params["assessor"], m.params["competency"]) for m in missing] == [
        (assessor, code) for assessor in (DIRECTOR, HR) for code in COMPETENCIES
    ]


def test_a_complete_review_lacks_nothing() -> None:
    assert missing_inputs(lines=SALES_LINES, ratings=SALES_RATINGS, competencies=COMPETENCIES) == []


def test_a_missing_line_on_weight_zero_still_makes_the_review_incomplete() -> None:
    lines = [*one_line(HIGHER, "100", "90"), line("K2", HIGHER, "100", None, 0)]
    outcome = score(lines=lines, ratings=ALL_THREES, competencies=COMPETENCIES)
    assert outcome == Incomplete((Missing("actual_missing", {"kpi": "K2"}),))


# -- non-default policies -------------------------------------------------------------------


def test_a_different_kpi_share_changes_the_total() -> None:
    result = scored(SALES_LINES, SALES_RATINGS, Policy(kpi_share=d("60")))
    # (60 × 95.547368… + 40 × 78) / 100 = 88.528421…
    assert str(result.total_exact).startswith("88.528421")
    assert result.total_score == d("88.53")
    assert result.grade == "A"


def test_equal_assessor_weights_average_the_assessors() -> None:
    policy = Policy(assessor_weights={DIRECTOR: d(50), HR: d(50)})
    result = scored(SALES_LINES, SALES_RATINGS, policy)
    assert result.competency_score == d("77.50")
    assert result.total_score == d("91.94")


def test_a_third_assessor_must_rate_every_competency_too() -> None:
    policy = Policy(assessor_weights={DIRECTOR: d(2), HR: d(1), "head": d(1)})
    outcome = score(
        lines=SALES_LINES, ratings=SALES_RATINGS, competencies=COMPETENCIES, policy=policy
    )
    assert isinstance(outcome, Incomplete)
    assert [m.params["assessor"] for m in outcome.missing] == ["head"] * 4

    head = [Rating("head", code, 5) for code in COMPETENCIES]
    result = scored(SALES_LINES, [*SALES_RATINGS, *head], policy)
    # (2 × 80 + 1 × 75 + 1 × 100) / 4 = 83.75
    assert result.competency_score == d("83.75")


def test_custom_grade_bands_and_coefficients_decide_the_grade() -> None:
    policy = Policy(
        grade_bands=(("EXCELLENT", d(92)), ("GOOD", d(70)), ("POOR", d(0))),
        pay_coefficients={"EXCELLENT": d("1.5"), "GOOD": d("1"), "POOR": d("0.5")},
        warning_threshold=d(70),
    )
    result = scored(SALES_LINES, SALES_RATINGS, policy)
    assert (result.grade, result.pay_coefficient, result.verbal_warning) == (
        "EXCELLENT",
        d("1.5"),
        False,
    )
    low = scored(one_line(HIGHER, "100", "60"), ALL_THREES, policy)
    assert (low.grade, low.pay_coefficient, low.verbal_warning) == ("POOR", d("0.5"), True)


def test_a_higher_warning_threshold_warns_a_good_score() -> None:
    result = scored(SALES_LINES, SALES_RATINGS, Policy(warning_threshold=d("92.05")))
    assert result.verbal_warning is True
    assert result.grade == "A"


def test_a_policy_accepts_whole_numbers_and_keeps_them_as_decimals() -> None:
    policy = Policy(kpi_share=80, assessor_weights={DIRECTOR: 60, HR: 40})  # type: ignore[arg-type, dict-item]
    assert isinstance(policy.kpi_share, Decimal)
    assert policy.competency_share == d(20)
    assert scored(SALES_LINES, SALES_RATINGS, policy).total_score == d("92.04")


def test_a_policy_is_not_changed_by_later_edits_of_the_mappings_it_was_given() -> None:
    weights = {DIRECTOR: d(60), HR: d(40)}
    policy = Policy(assessor_weights=weights)
    weights[HR] = d(0)
    assert policy.assessor_weights[HR] == d(40)
    assert validate_policy(policy) == []


# -- policy validation ----------------------------------------------------------------------


def test_the_default_policy_is_valid() -> None:
    assert validate_policy(DEFAULT_POLICY) == []
    assert DEFAULT_POLICY.validate() == []


BANDS = DEFAULT_POLICY.grade_bands
COEFFICIENTS = dict(DEFAULT_POLICY.pay_coefficients)


@pytest.mark.parametrize(
    ("settings", "field", "code"),
    [
        ({"kpi_share": d(101)}, "kpi_share", "above_maximum"),
        ({"kpi_share": d(-1)}, "kpi_share", "below_minimum"),
        ({"kpi_share": 80.0}, "kpi_share", "not_a_number"),
        ({"kpi_share": Decimal("NaN")}, "kpi_share", "not_a_number"),
        ({"assessor_weights": {}}, "assessor_weights", "no_assessors"),
        (
            {"assessor_weights": {DIRECTOR: d(0), HR: d(0)}},
            "assessor_weights",
            "no_weighted_assessor",
        ),
        (
            {"assessor_weights": {DIRECTOR: d(-5), HR: d(40)}},
            "assessor_weights.marketing_director",
            "below_minimum",
        ),
        (
            {"assessor_weights": {DIRECTOR: 60.0, HR: d(40)}},
            "assessor_weights.marketing_director",
            "not_a_number",
        ),
        ({"achievement_cap": d("99.99")}, "achievement_cap", "below_minimum"),
        ({"achievement_floor": d(-1)}, "achievement_floor", "below_minimum"),
        ({"achievement_floor": d(121)}, "achievement_floor", "above_maximum"),
        ({"warning_threshold": d("100.01")}, "warning_threshold", "above_maximum"),
        ({"warning_threshold": d(-1)}, "warning_threshold", "below_minimum"),
        ({"grade_bands": ()}, "grade_bands", "no_bands"),
        (
            {"grade_bands": (("S", d(95)), ("A", d(95)), ("B", d(75)), ("C", d(60)), ("D", d(0)))},
            "grade_bands.A",
            "bands_not_descending",
        ),
        (
            {
                "grade_bands": (("S", d(95)), ("S", d(85)), ("D", d(0))),
                "pay_coefficients": {"S": d("1.2"), "D": d("0.7")},
            },
            "grade_bands.S",
            "duplicate_grade",
        ),
        (
            {"grade_bands": (("S", d(95)), ("A", d(85)), ("B", d(75)), ("C", d(60)), ("D", d(10)))},
            "grade_bands.D",
            "lowest_band_above_zero",
        ),
        (
            {"pay_coefficients": {k: v for k, v in COEFFICIENTS.items() if k != "B"}},
            "pay_coefficients.B",
            "missing_coefficient",
        ),
        (
            {"pay_coefficients": {**COEFFICIENTS, "E": d("0.5")}},
            "pay_coefficients.E",
            "unknown_grade",
        ),
        (
            {"pay_coefficients": {**COEFFICIENTS, "D": d("-0.1")}},
            "pay_coefficients.D",
            "below_minimum",
        ),
    ],
)
def test_it_rejects_an_invalid_policy(settings: dict[str, object], field: str, code: str) -> None:
    policy = Policy(**settings)  # type: ignore[arg-type]
    problems = validate_policy(policy)
    assert [(p.field, p.code) for p in problems] == [(field, code)]


def test_scoring_with_an_invalid_policy_raises_with_its_problems() -> None:
    policy = Policy(kpi_share=d(120), achievement_cap=d(90))
    with pytest.raises(InvalidInput) as raised:
        score(lines=SALES_LINES, ratings=SALES_RATINGS, competencies=COMPETENCIES, policy=policy)
    assert [(p.field, p.code) for p in raised.value.problems] == [
        ("kpi_share", "above_maximum"),
        ("achievement_cap", "below_minimum"),
    ]


def test_validate_lists_policy_problems_before_input_problems() -> None:
    problems = validate(
        lines=one_line(HIGHER, "0", "1"),
        ratings=ALL_THREES,
        competencies=COMPETENCIES,
        policy=Policy(kpi_share=d(-1)),
    )
    assert [(p.field, p.code) for p in problems] == [
        ("kpi_share", "below_minimum"),
        ("K1.target", "zero_target"),
    ]


def test_a_policy_problem_gives_the_limit_it_broke() -> None:
    (problem,) = validate_policy(Policy(achievement_floor=d(130)))
    assert problem.params == {"max": "120"}


# -- the calculation, step by step ----------------------------------------------------------


def test_explain_writes_out_example_1_step_by_step() -> None:
    steps = explain(scored(SALES_LINES, SALES_RATINGS))
    by_kind = {(s.kind, s.key): s for s in steps}

    kpi = by_kind[(StepKind.KPI, "")]
    assert kpi.expression == "(30×92 + 30×110 + 20×80 + 20×94.74)/100"
    assert kpi.rounded == d("95.55")
    collection = by_kind[(StepKind.LINE, "COLLECTION_RATE")]
    assert (collection.rule, collection.expression) == ("higher", "100×90/95")
    assert collection.rounded == d("94.74")
    expense = by_kind[(StepKind.LINE, "SALES_EXPENSE_RATIO")]
    assert (expense.rule, expense.expression) == ("lower", "100×8/10")
    director = by_kind[(StepKind.ASSESSOR, DIRECTOR)]
    assert (director.expression, director.rounded) == ("(4 + 4 + 3 + 5)/4×20", d("80.00"))
    competency = by_kind[(StepKind.COMPETENCY, "")]
    assert (competency.expression, competency.rounded) == ("(60×80 + 40×75)/100", d("78.00"))
    total = by_kind[(StepKind.TOTAL, "")]
    assert (total.expression, total.rounded) == ("(80×95.55 + 20×78)/100", d("92.04"))
    grade = by_kind[(StepKind.GRADE, "")]
    assert grade.params == {"grade": "A", "lowest": "85", "coefficient": "1.10"}
    warning = by_kind[(StepKind.WARNING, "")]
    assert warning.rule == "not_below_threshold"
    assert [s.kind for s in steps] == [StepKind.LINE] * 4 + [
        StepKind.KPI,
        StepKind.ASSESSOR,
        StepKind.ASSESSOR,
        StepKind.COMPETENCY,
        StepKind.TOTAL,
        StepKind.GRADE,
        StepKind.WARNING,
    ]


def test_explain_shows_the_cap_the_floor_and_a_zero_actual() -> None:
    policy = Policy(achievement_floor=d(50))
    lines = [
        line("OVER", HIGHER, "100", "150", 40),
        line("UNDER", HIGHER, "100", "40", 30),
        line("CHURN", LOWER, "5", "0", 30),
    ]
    steps = {s.key: s for s in explain(scored(lines, ALL_THREES, policy)) if s.kind == "line"}

    assert steps["OVER"].expression == "min(100×150/100, 120)"
    assert steps["OVER"].params["capped"] == "true"
    assert steps["UNDER"].expression == "40 < 50 → 0"
    assert steps["UNDER"].params["below_floor"] == "true"
    assert (steps["CHURN"].rule, steps["CHURN"].rounded) == ("lower_zero_actual", d("120.00"))


def test_explain_marks_a_verbal_warning() -> None:
    lines = [line("K1", HIGHER, "100", "40", 100)]
    warning = explain(scored(lines, ALL_THREES))[-1]
    assert (warning.rule, warning.expression) == ("below_threshold", "44 < 60")


def test_explain_writes_out_each_step_from_the_exact_values_before_it() -> None:
    """Recomputing a step by hand from the figures it shows gives its exact result: rounded
    intermediates could land a cent away."""
    steps = {(s.kind, s.key): s for s in explain(scored(SALES_LINES, SALES_RATINGS))}

    kpi = steps[(StepKind.KPI, "")]
    assert kpi.exact_expression == "(30×92 + 30×110 + 20×80 + 20×94.736842…)/100"
    assert exact_text(kpi.exact) == "95.547368…"
    total = steps[(StepKind.TOTAL, "")]
    assert total.exact_expression == "(80×95.547368… + 20×78)/100"
    assert exact_text(total.exact) == "92.037894…"
    assert total.rounded == d("92.04")
    competency = steps[(StepKind.COMPETENCY, "")]
    assert competency.exact_expression == "(60×80 + 40×75)/100"
    # The grade and the warning go by the rounded total (scoring.md, rule 7).
    grade = steps[(StepKind.GRADE, "")]
    assert grade.exact_expression == grade.expression == "92.04 ≥ 85"


def test_exact_text_cuts_long_values_without_rounding_them() -> None:
    assert exact_text(d("78")) == "78"
    assert exact_text(d("94.5")) == "94.5"
    assert exact_text(d("0.123456")) == "0.123456"
    assert exact_text(d("59.9949999")) == "59.994999…"
    assert exact_text(d("2") / d("3")) == "0.666666…"


def test_a_line_below_the_floor_shows_its_exact_achievement() -> None:
    policy = Policy(achievement_floor=d(50))
    lines = [line("UNDER", HIGHER, "3", "1", 50), line("OK", HIGHER, "100", "100", 50)]
    steps = {s.key: s for s in explain(scored(lines, ALL_THREES, policy)) if s.kind == "line"}

    assert steps["UNDER"].expression == "33.33 < 50 → 0"
    assert steps["UNDER"].exact_expression == "33.333333… < 50 → 0"


# -- v2: advisory assessors (scoring.md, "advisory assessors") ------------------------------

SELF = "self"
SELF_FIVES = [Rating(SELF, code, 5) for code in COMPETENCIES]
ADVISORY_SELF = Policy(assessor_weights={DIRECTOR: d(60), HR: d(40), SELF: d(0)})
WEIGHTED_SELF = Policy(assessor_weights={DIRECTOR: d(60), HR: d(40), SELF: d(20)})


def test_an_advisory_self_assessment_leaves_example_1_at_78_00_and_92_04() -> None:
    result = scored(SALES_LINES, [*SALES_RATINGS, *SELF_FIVES], ADVISORY_SELF)

    assert result.competency_score == d("78.00")
    assert result.total_score == d("92.04")
    assert str(result.total_exact).startswith("92.037894")
    assert (result.grade, result.pay_coefficient, result.verbal_warning) == ("A", d("1.10"), False)
    assert result.assessor_scores == {DIRECTOR: d("80.00"), HR: d("75.00")}


def test_an_advisory_self_assessment_explains_example_1_exactly_as_v1() -> None:
    v1 = explain(scored(SALES_LINES, SALES_RATINGS))
    v2 = explain(scored(SALES_LINES, [*SALES_RATINGS, *SELF_FIVES], ADVISORY_SELF))
    assert v2 == v1
    assert all(step.key != SELF for step in v2)


def test_a_self_assessment_weighted_20_gives_81_67_and_92_77() -> None:
    result = scored(SALES_LINES, [*SALES_RATINGS, *SELF_FIVES], WEIGHTED_SELF)

    # (60×80 + 40×75 + 20×100)/120 = 81.666…
    assert str(result.competency_exact).startswith("81.666666")
    assert result.competency_score == d("81.67")
    # (80×95.547368… + 20×81.666…)/100 = 92.771228…
    assert str(result.total_exact).startswith("92.771228")
    assert result.total_score == d("92.77")
    assert (result.grade, result.pay_coefficient) == ("A", d("1.10"))
    assert result.assessor_scores == {DIRECTOR: d("80.00"), HR: d("75.00"), SELF: d("100.00")}


def test_explain_shows_the_weighted_self_assessment_as_a_third_term() -> None:
    steps = explain(scored(SALES_LINES, [*SALES_RATINGS, *SELF_FIVES], WEIGHTED_SELF))
    by_kind = {(s.kind, s.key): s for s in steps}

    own = by_kind[(StepKind.ASSESSOR, SELF)]
    assert (own.expression, own.rounded, own.params) == (
        "(5 + 5 + 5 + 5)/4×20",
        d("100.00"),
        {"weight": "20"},
    )
    competency = by_kind[(StepKind.COMPETENCY, "")]
    assert competency.expression == "(60×80 + 40×75 + 20×100)/120"
    assert competency.exact_expression == "(60×80 + 40×75 + 20×100)/120"
    assert exact_text(competency.exact) == "81.666666…"
    assert competency.rounded == d("81.67")
    total = by_kind[(StepKind.TOTAL, "")]
    assert total.expression == "(80×95.55 + 20×81.67)/100"
    assert total.exact_expression == "(80×95.547368… + 20×81.666666…)/100"
    assert exact_text(total.exact) == "92.771228…"
    assert total.rounded == d("92.77")
    assert [s.key for s in steps if s.kind == StepKind.ASSESSOR] == [DIRECTOR, HR, SELF]


def test_an_advisory_assessor_need_not_rate_at_all() -> None:
    assert (
        missing_inputs(
            lines=SALES_LINES,
            ratings=SALES_RATINGS,
            competencies=COMPETENCIES,
            policy=ADVISORY_SELF,
        )
        == []
    )
    result = scored(SALES_LINES, SALES_RATINGS, ADVISORY_SELF)
    assert result.total_score == d("92.04")


def test_an_advisory_assessor_may_rate_some_competencies_only() -> None:
    partial = [Rating(SELF, "TEAMWORK", 2), Rating(SELF, "LEARNING", None)]
    result = scored(SALES_LINES, [*SALES_RATINGS, *partial], ADVISORY_SELF)
    assert (result.competency_score, result.total_score) == (d("78.00"), d("92.04"))


def test_a_weighted_self_assessment_is_required_like_any_assessor() -> None:
    missing = missing_inputs(
        lines=SALES_LINES,
        ratings=[*SALES_RATINGS, Rating(SELF, "TEAMWORK", 4)],
        competencies=COMPETENCIES,
        policy=WEIGHTED_SELF,
    )
    assert missing == [
        Missing("rating_missing", {"assessor": SELF, "competency": code})
        for code in COMPETENCIES[1:]
    ]


@pytest.mark.parametrize(
    ("rating", "code"),
    [
        (Rating(SELF, "TEAMWORK", 6), "out_of_range"),
        (Rating(SELF, "TEAMWORK", 0), "out_of_range"),
        (Rating(SELF, "TEAMWORK", 4.0), "not_whole"),  # type: ignore[arg-type]
        (Rating(SELF, "CHARISMA", 4), "unknown_competency"),
    ],
)
def test_an_advisory_assessors_ratings_are_still_checked(rating: Rating, code: str) -> None:
    problems = problems_of(SALES_LINES, [*SALES_RATINGS, rating], ADVISORY_SELF)
    assert [p.code for p in problems] == [code]


def test_an_advisory_assessor_may_not_rate_a_competency_twice() -> None:
    twice = [Rating(SELF, "TEAMWORK", 4), Rating(SELF, "TEAMWORK", 5)]
    problems = problems_of(SALES_LINES, [*SALES_RATINGS, *twice], ADVISORY_SELF)
    assert [(p.field, p.code) for p in problems] == [("ratings.self.TEAMWORK", "duplicate_rating")]


def test_ratings_of_an_assessor_the_policy_does_not_name_are_still_refused() -> None:
    problems = problems_of(SALES_LINES, [*SALES_RATINGS, *SELF_FIVES])
    assert {(p.field, p.code) for p in problems} == {
        (f"ratings.{SELF}.{code}", "unknown_assessor") for code in COMPETENCIES
    }


def test_any_assessor_may_be_advisory_if_another_is_weighted() -> None:
    policy = Policy(assessor_weights={DIRECTOR: d(100), HR: d(0)})
    assert validate_policy(policy) == []
    result = scored(SALES_LINES, rate([4, 4, 3, 5], [None, None, None, None]), policy)
    assert result.competency_score == d("80.00")
    assert [a.assessor for a in result.assessors] == [DIRECTOR]


def test_a_policy_needs_an_assessor_with_a_weight_above_zero() -> None:
    policy = Policy(assessor_weights={DIRECTOR: d(0), HR: d(0), SELF: d(0)})
    assert [(p.field, p.code) for p in validate_policy(policy)] == [
        ("assessor_weights", "no_weighted_assessor")
    ]
    with pytest.raises(InvalidInput):
        score(lines=SALES_LINES, ratings=SALES_RATINGS, competencies=COMPETENCIES, policy=policy)


def test_a_negative_weight_does_not_also_count_as_no_weighted_assessor() -> None:
    policy = Policy(assessor_weights={DIRECTOR: d(-1), HR: d(40)})
    assert [(p.field, p.code) for p in validate_policy(policy)] == [
        ("assessor_weights.marketing_director", "below_minimum")
    ]
    assert validate_policy(policy)[0].params == {"min": "0"}
