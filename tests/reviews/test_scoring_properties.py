"""Properties of the scoring rules that must hold for every input, checked with hypothesis."""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.scoring import (
    DEFAULT_POLICY,
    Direction,
    Incomplete,
    InvalidInput,
    KpiLine,
    Missing,
    Policy,
    Rating,
    Result,
    grade_for,
    round2,
    score,
)

COMPETENCIES = ("TEAMWORK", "COMMUNICATION", "EXECUTION", "LEARNING")
ASSESSORS = ("marketing_director", "hr")
CENT = Decimal("0.01")

figures = st.decimals(
    min_value=0, max_value=Decimal("1E12"), places=4, allow_nan=False, allow_infinity=False
)
positive_figures = figures.filter(lambda x: x > 0)
directions = st.sampled_from(list(Direction))
rating_values = st.integers(min_value=1, max_value=5)
percents = st.decimals(min_value=0, max_value=100, places=2)


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    cap = draw(st.decimals(min_value=100, max_value=300, places=2))
    return Policy(
        kpi_share=draw(percents),
        assessor_weights={
            a: draw(st.decimals(min_value=Decimal("0.01"), max_value=100, places=2))
            for a in ASSESSORS
        },
        achievement_cap=cap,
        achievement_floor=draw(st.decimals(min_value=0, max_value=cap, places=2)),
        warning_threshold=draw(percents),
    )


@st.composite
def weight_lists(draw: st.DrawFn) -> list[int]:
    """1–5 whole weights adding up to 100."""
    count = draw(st.integers(min_value=1, max_value=5))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=count - 1, max_size=count - 1)))
    edges = [0, *cuts, 100]
    return [b - a for a, b in pairwise(edges)]


@st.composite
def kpi_lines(draw: st.DrawFn) -> list[KpiLine]:
    lines = []
    for index, weight in enumerate(draw(weight_lists())):
        direction = draw(directions)
        target = draw(positive_figures if direction == Direction.HIGHER else figures)
        lines.append(KpiLine(f"K{index}", direction, target, draw(figures), weight))
    return lines


@st.composite
def rating_sets(draw: st.DrawFn) -> list[Rating]:
    return [
        Rating(assessor, competency, draw(rating_values))
        for assessor in ASSESSORS
        for competency in COMPETENCIES
    ]


def scored(
    lines: Sequence[KpiLine], ratings: Sequence[Rating], policy: Policy = DEFAULT_POLICY
) -> Result:
    outcome = score(lines=lines, ratings=ratings, competencies=COMPETENCIES, policy=policy)
    assert isinstance(outcome, Result)
    return outcome


ALL_THREES = [Rating(a, c, 3) for a in ASSESSORS for c in COMPETENCIES]


def line_score(direction: Direction, target: Decimal, actual: Decimal, policy: Policy) -> Decimal:
    return scored([KpiLine("K", direction, target, actual, 100)], ALL_THREES, policy).lines[0].score


@given(positive_figures, figures, figures, policies())
def test_a_higher_actual_never_lowers_a_higher_is_better_line(
    target: Decimal, first: Decimal, second: Decimal, policy: Policy
) -> None:
    low, high = sorted((first, second))
    assert line_score(Direction.HIGHER, target, low, policy) <= line_score(
        Direction.HIGHER, target, high, policy
    )


@given(figures, figures, figures, policies())
def test_a_higher_actual_never_raises_a_lower_is_better_line(
    target: Decimal, first: Decimal, second: Decimal, policy: Policy
) -> None:
    low, high = sorted((first, second))
    assert line_score(Direction.LOWER, target, low, policy) >= line_score(
        Direction.LOWER, target, high, policy
    )


@given(kpi_lines(), rating_sets(), policies())
def test_every_figure_stays_within_its_bounds(
    lines: list[KpiLine], ratings: list[Rating], policy: Policy
) -> None:
    result = scored(lines, ratings, policy)
    cap = policy.achievement_cap

    for line in result.lines:
        assert 0 <= line.score <= cap
        assert line.score == 0 or line.score >= policy.achievement_floor
    assert 0 <= result.kpi_exact <= cap
    for assessor in result.assessors:
        assert 20 <= assessor.score <= 100
    assert 20 <= result.competency_exact <= 100
    assert 0 <= result.total_exact <= max(cap, Decimal(100))
    low = min(result.kpi_score, result.competency_score) - CENT
    high = max(result.kpi_score, result.competency_score) + CENT
    assert low <= result.total_score <= high


@given(kpi_lines(), rating_sets(), policies())
def test_the_grade_coefficient_and_warning_follow_the_rounded_total(
    lines: list[KpiLine], ratings: list[Rating], policy: Policy
) -> None:
    result = scored(lines, ratings, policy)

    assert result.kpi_score == round2(result.kpi_exact)
    assert result.competency_score == round2(result.competency_exact)
    assert result.total_score == round2(result.total_exact)
    assert result.grade == grade_for(round2(result.total_exact), policy)
    assert result.pay_coefficient == policy.pay_coefficients[result.grade]
    assert result.verbal_warning == (result.total_score < policy.warning_threshold)
    for figure in (result.kpi_score, result.competency_score, result.total_score):
        assert figure.as_tuple().exponent == -2


@given(st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False))
def test_round2_matches_quantize_half_up_whatever_the_callers_context(value: Decimal) -> None:
    expected = value.quantize(CENT, rounding=ROUND_HALF_UP, context=decimal.Context(prec=50))
    with decimal.localcontext() as context:
        context.prec = 3
        context.rounding = decimal.ROUND_FLOOR
        assert round2(value) == expected


@given(kpi_lines(), rating_sets(), policies(), st.randoms(use_true_random=False))
def test_the_order_of_lines_and_ratings_does_not_change_the_figures(
    lines: list[KpiLine], ratings: list[Rating], policy: Policy, random: Random
) -> None:
    shuffled_lines = list(lines)
    shuffled_ratings = list(ratings)
    random.shuffle(shuffled_lines)
    random.shuffle(shuffled_ratings)

    first = scored(lines, ratings, policy)
    second = scored(shuffled_lines, shuffled_ratings, policy)

    assert (first.kpi_score, first.competency_score, first.total_score) == (
        second.kpi_score,
        second.competency_score,
        second.total_score,
    )
    assert (first.grade, first.verbal_warning) == (second.grade, second.verbal_warning)
    # Exact values agree to far below a cent (28 significant digits, summed in another order).
    assert abs(first.total_exact - second.total_exact) < Decimal("1E-20")


@given(kpi_lines(), rating_sets(), st.data())
@settings(max_examples=50)
def test_every_missing_figure_and_rating_is_listed_and_nothing_is_scored(
    lines: list[KpiLine], ratings: list[Rating], data: st.DataObject
) -> None:
    drop_actual = data.draw(st.sets(st.sampled_from([line.code for line in lines])))
    drop_rating = data.draw(st.sets(st.sampled_from(range(len(ratings)))))
    lines = [
        KpiLine(x.code, x.direction, x.target, None, x.weight) if x.code in drop_actual else x
        for x in lines
    ]
    kept = [r for index, r in enumerate(ratings) if index not in drop_rating]

    outcome = score(lines=lines, ratings=kept, competencies=COMPETENCIES)

    if not drop_actual and not drop_rating:
        assert isinstance(outcome, Result)
        return
    assert isinstance(outcome, Incomplete)
    expected = [
        Missing("actual_missing", {"kpi": x.code}) for x in lines if x.code in drop_actual
    ] + [
        Missing("rating_missing", {"assessor": r.assessor, "competency": r.competency})
        for index, r in enumerate(ratings)
        if index in drop_rating
    ]
    assert list(outcome.missing) == expected


any_decimals = st.one_of(st.none(), st.decimals(allow_nan=True, allow_infinity=True), figures)


@given(directions, any_decimals, any_decimals, st.integers(min_value=-5, max_value=105))
def test_any_figures_are_scored_reported_missing_or_rejected_but_never_crash(
    direction: Direction, target: Decimal | None, actual: Decimal | None, weight: int
) -> None:
    lines = [KpiLine("K1", direction, target, actual, weight)]
    try:
        outcome = score(lines=lines, ratings=ALL_THREES, competencies=COMPETENCIES)
    except InvalidInput as error:
        assert error.problems
        assert all(p.field.startswith("K1") or p.field == "weight" for p in error.problems)
    else:
        assert isinstance(outcome, Result | Incomplete)
