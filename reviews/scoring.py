"""The scoring rules of one quarterly review (docs: scoring.md), as pure functions.

Inputs in, figures out: no Django, no database, no translations. The worker, the API, the
pages, the CSV and the benchmark all call this module, so they all report the same figures.

Conventions
-----------
* Every number is a ``Decimal``; floats are refused. Every percentage is in percent units:
  ``kpi_share=80`` is 80 %, ``achievement_cap=120`` is 120 %, a line's ``achievement`` of
  ``Decimal("110")`` is 110 %.
* Arithmetic runs in this module's own context (28 significant digits, round half even
  between steps, exactly like Python's default context) set with ``decimal.localcontext``; the
  caller's context is never read nor changed. Reported figures (K, C, T, line and assessor
  scores) are rounded from their exact values to 2 places, half up (``round2``). Each
  division is done once, on whole sums: an assessor's score is 20 × Σ ratings / n.
* Assessors (scoring.md v2): each has a weight ≥ 0, and at least one a weight > 0. An
  assessor with weight 0 is advisory (the employee's self-assessment by default): their
  ratings are checked like any others but are not required, and they enter neither C nor
  the calculation's steps. With no advisory assessor every figure is v1's.
* Nothing here produces a sentence. Bad input is reported as ``Problem`` (field, code,
  params) and a review that cannot be scored yet as ``Missing`` (code, params); the web layer
  turns the codes into translated text. Every param value is a string.

Field names used in problems
----------------------------
Policy: ``kpi_share``, ``assessor_weights``, ``assessor_weights.<assessor>``,
``achievement_cap``, ``achievement_floor``, ``warning_threshold``, ``grade_bands``,
``grade_bands.<grade>``, ``pay_coefficients.<grade>``; relative grading (v2): ``grading``,
``grading_group``, ``relative_min_group``, ``grade_shares``, ``grade_shares.<grade>``.
Review: ``<KPI code>`` (the line), ``<KPI code>.direction|target|actual|weight``, ``weight``
(the weights of the review together), ``competencies``,
``ratings.<assessor>.<competency>``.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from decimal import Decimal, localcontext
from enum import StrEnum
from types import MappingProxyType
from typing import Any

__all__ = [
    "DEFAULT_GRADE_SHARES",
    "DEFAULT_POLICY",
    "GRADES",
    "MAX_DECIMAL_PLACES",
    "AssessorResult",
    "Direction",
    "GroupGrading",
    "GroupMember",
    "Incomplete",
    "InvalidInput",
    "KpiLine",
    "LineResult",
    "Missing",
    "Policy",
    "Problem",
    "Rating",
    "Result",
    "Step",
    "StepKind",
    "basis_step",
    "explain",
    "grade_at",
    "grade_for",
    "missing_inputs",
    "quota_problems",
    "regrade_in_group",
    "relative_grades",
    "round2",
    "score",
    "seats",
    "validate",
    "validate_policy",
]

# Arithmetic between steps: Python's default context, owned by this module.
_TRAPS = [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]
_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, traps=_TRAPS)
# Reported figures: 2 places, half up.
_REPORT_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_UP, traps=_TRAPS)
_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)

MAX_DECIMAL_PLACES = 4
_QUANTUM = Decimal(1).scaleb(-MAX_DECIMAL_PLACES)  # 0.0001
# A figure must fit the 28 significant digits exactly: at most 24 digits before the point.
_MAX_INTEGER_DIGITS = 28 - MAX_DECIMAL_PLACES
RATING_MIN = 1
RATING_MAX = 5
WEIGHT_TOTAL = 100
_WEIGHT_RANGE = {"min": "0", "max": str(WEIGHT_TOTAL)}


class Direction(StrEnum):
    HIGHER = "higher"  # more is better: completion rates, sales
    LOWER = "lower"  # less is better: cost ratios, churn, complaint rates


@dataclass(frozen=True, slots=True)
class Problem:
    """Invalid input: which field, a machine-readable code, and string parameters."""

    field: str
    code: str
    params: Mapping[str, str] = _field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Missing:
    """Why a review is incomplete: ``target_missing``/``actual_missing`` {"kpi"},
    ``rating_missing`` {"assessor", "competency"} (of an assessor with a weight > 0),
    ``no_kpi_lines``, ``no_competencies``."""

    code: str
    params: Mapping[str, str] = _field(default_factory=dict)


class InvalidInput(ValueError):
    """Raised by ``score`` when the policy or the review's inputs break the rules."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(", ".join(f"{p.field}: {p.code}" for p in self.problems))


# -- policy ---------------------------------------------------------------------------------


_DEFAULT_ASSESSOR_WEIGHTS = {"marketing_director": Decimal(60), "hr": Decimal(40)}
_DEFAULT_PAY_COEFFICIENTS = {
    "S": Decimal("1.20"),
    "A": Decimal("1.10"),
    "B": Decimal("1.00"),
    "C": Decimal("0.90"),
    "D": Decimal("0.70"),
}
# Relative grading (v2): each grade's share of a group, whole percent, best first, adding up
# to 100; also the distribution guideline of calibration.
DEFAULT_GRADE_SHARES: Mapping[str, int] = MappingProxyType(
    {"S": 10, "A": 20, "B": 40, "C": 20, "D": 10}
)
GRADES = ("S", "A", "B", "C", "D")
ABSOLUTE, RELATIVE = "absolute", "relative"
GRADINGS = (ABSOLUTE, RELATIVE)
GRADING_GROUPS = ("department", "quarter")
DEFAULT_RELATIVE_MIN_GROUP = 10
DEFAULT_GRADE_BANDS: tuple[tuple[str, Decimal], ...] = (
    ("S", Decimal(95)),
    ("A", Decimal(85)),
    ("B", Decimal(75)),
    ("C", Decimal(60)),
    ("D", Decimal(0)),
)


@dataclass(frozen=True, slots=True)
class Policy:
    """A cycle's scoring settings; the defaults are scoring.md's.

    ``grade_bands`` lists (grade, lowest rounded total that earns it) from the best grade down;
    the last band should start at 0 so that every total gets a grade. Ints are accepted for
    the numbers and kept as ``Decimal``. An invalid policy can be built (so that its problems
    can be listed with ``validate``) but ``score`` refuses it.
    """

    kpi_share: Decimal = Decimal(80)
    assessor_weights: Mapping[str, Decimal] = _field(default_factory=_DEFAULT_ASSESSOR_WEIGHTS.copy)
    achievement_cap: Decimal = Decimal(120)
    achievement_floor: Decimal = Decimal(0)
    warning_threshold: Decimal = Decimal("60.00")
    grade_bands: tuple[tuple[str, Decimal], ...] = DEFAULT_GRADE_BANDS
    pay_coefficients: Mapping[str, Decimal] = _field(default_factory=_DEFAULT_PAY_COEFFICIENTS.copy)
    # Relative grading (v2): absolute (v1) or relative; the quotas per grade, whole percent;
    # the group ranked together (each department, or the whole quarter); the smallest group
    # graded relatively (a smaller one keeps its absolute grades).
    grading: str = ABSOLUTE
    grade_shares: Mapping[str, int] = _field(default_factory=lambda: dict(DEFAULT_GRADE_SHARES))
    grading_group: str = "department"
    relative_min_group: int = DEFAULT_RELATIVE_MIN_GROUP
    _problems: tuple[Problem, ...] = _field(init=False, repr=False, compare=False)
    _assessors: tuple[tuple[str, Decimal], ...] = _field(init=False, repr=False, compare=False)
    # The assessors whose ratings enter C (weight > 0); the others are advisory.
    _weighted: tuple[tuple[str, Decimal], ...] = _field(init=False, repr=False, compare=False)
    _assessor_weight_sum: Decimal = _field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        for name in ("kpi_share", "achievement_cap", "achievement_floor", "warning_threshold"):
            setattr_(self, name, _as_decimal(getattr(self, name)))
        setattr_(self, "assessor_weights", _as_decimals(self.assessor_weights))
        setattr_(self, "grade_bands", tuple((g, _as_decimal(b)) for g, b in self.grade_bands))
        setattr_(self, "pay_coefficients", _as_decimals(self.pay_coefficients))
        setattr_(self, "grade_shares", MappingProxyType(dict(self.grade_shares)))
        setattr_(self, "_problems", tuple(_policy_problems(self)))
        setattr_(self, "_assessors", tuple(self.assessor_weights.items()))
        weighted = tuple((a, w) for a, w in self._assessors if _is_number(w) and w > 0)
        setattr_(self, "_weighted", weighted)
        with localcontext(_CONTEXT):
            total = _ZERO if self._problems else sum(self.assessor_weights.values(), _ZERO)
        setattr_(self, "_assessor_weight_sum", total)

    @property
    def competency_share(self) -> Decimal:
        return _HUNDRED - self.kpi_share

    def validate(self) -> list[Problem]:
        return list(self._problems)

    def is_advisory(self, assessor: str) -> bool:
        """Whether the assessor's ratings are only collected and shown (weight 0, v2)."""
        weight = self.assessor_weights.get(assessor)
        return weight is not None and _is_number(weight) and weight == 0


def _as_decimal(value: object) -> Decimal:
    """Ints become Decimals exactly; anything else is kept as given (and checked later)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value  # type: ignore[return-value]


def _as_decimals(mapping: Mapping[str, object]) -> Mapping[str, Decimal]:
    return MappingProxyType({k: _as_decimal(v) for k, v in dict(mapping).items()})


def _is_number(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _check_range(
    problems: list[Problem],
    name: str,
    value: object,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        problems.append(Problem(name, "not_a_number"))
    elif minimum is not None and value < minimum:
        problems.append(Problem(name, "below_minimum", {"min": _plain(minimum)}))
    elif maximum is not None and value > maximum:
        problems.append(Problem(name, "above_maximum", {"max": _plain(maximum)}))


def _policy_problems(policy: Policy) -> list[Problem]:
    problems: list[Problem] = []
    _check_range(problems, "kpi_share", policy.kpi_share, _ZERO, _HUNDRED)
    _check_assessor_weights(policy.assessor_weights, problems)
    _check_range(problems, "achievement_cap", policy.achievement_cap, _HUNDRED)
    cap = policy.achievement_cap if _is_number(policy.achievement_cap) else None
    _check_range(problems, "achievement_floor", policy.achievement_floor, _ZERO, cap)
    _check_range(problems, "warning_threshold", policy.warning_threshold, _ZERO, _HUNDRED)

    if not policy.grade_bands:
        problems.append(Problem("grade_bands", "no_bands"))
    seen: set[str] = set()
    previous: tuple[str, Decimal] | None = None
    for grade, lowest in policy.grade_bands:
        if not isinstance(grade, str) or not grade:
            problems.append(Problem("grade_bands", "bad_grade_name"))
            continue
        name = f"grade_bands.{grade}"
        if grade in seen:
            problems.append(Problem(name, "duplicate_grade", {"grade": grade}))
            continue
        seen.add(grade)
        if not _is_number(lowest):
            problems.append(Problem(name, "not_a_number"))
            continue
        if previous is not None and not lowest < previous[1]:
            params = {"grade": grade, "above": previous[0], "above_lowest": _plain(previous[1])}
            problems.append(Problem(name, "bands_not_descending", params))
        previous = (grade, lowest)
        coefficient = policy.pay_coefficients.get(grade)
        if coefficient is None:
            problems.append(Problem(f"pay_coefficients.{grade}", "missing_coefficient"))
        else:
            _check_range(problems, f"pay_coefficients.{grade}", coefficient, _ZERO)
    if previous is not None and previous[1] > 0:
        params = {"grade": previous[0], "lowest": _plain(previous[1])}
        problems.append(Problem(f"grade_bands.{previous[0]}", "lowest_band_above_zero", params))
    for grade in policy.pay_coefficients if seen else ():
        if grade not in seen:
            problems.append(Problem(f"pay_coefficients.{grade}", "unknown_grade", {"grade": grade}))
    _check_relative(policy, [grade for grade, _ in policy.grade_bands], problems)
    return problems


def _is_whole(value: object) -> bool:
    return type(value) is int


def _check_relative(policy: Policy, grades: list[str], problems: list[Problem]) -> None:
    """The settings of relative grading (v2): checked whatever the grading, since the quotas
    are also calibration's guideline."""
    if policy.grading not in GRADINGS:
        problems.append(Problem("grading", "unknown_choice", {"choices": ", ".join(GRADINGS)}))
    if policy.grading_group not in GRADING_GROUPS:
        choices = ", ".join(GRADING_GROUPS)
        problems.append(Problem("grading_group", "unknown_choice", {"choices": choices}))
    minimum = policy.relative_min_group
    if not _is_whole(minimum):
        problems.append(Problem("relative_min_group", "not_whole"))
    elif minimum < 1:
        problems.append(Problem("relative_min_group", "below_minimum", {"min": "1"}))
    # The quotas of a relative policy are those of its grades; an absolute one's are only a
    # guideline, checked on their own (so that a v1 policy with grades of its own stays valid).
    relative = policy.grading == RELATIVE
    problems.extend(quota_problems(policy.grade_shares, grades if relative else None))


def quota_problems(
    shares: Mapping[str, object], grades: Sequence[str] | None = GRADES
) -> list[Problem]:
    """The problems of quotas per grade: one for each grade (each of `shares` when `grades` is
    None), each a whole percent from 0 to 100, together adding up to 100 (checked once each is
    valid)."""
    problems: list[Problem] = []
    if grades is None:
        grades = list(shares)
    total = 0
    for grade in grades:
        name = f"grade_shares.{grade}"
        share = shares.get(grade)
        if share is None:
            problems.append(Problem(name, "missing_share", {"grade": grade}))
        elif not _is_whole(share):
            problems.append(Problem(name, "not_whole"))
        elif not 0 <= share <= WEIGHT_TOTAL:  # type: ignore[operator]
            problems.append(Problem(name, "out_of_range", {"min": "0", "max": "100"}))
        else:
            total += share  # type: ignore[operator]
    for grade in shares:
        if grade not in grades:
            problems.append(Problem(f"grade_shares.{grade}", "unknown_grade", {"grade": grade}))
    if not problems and total != WEIGHT_TOTAL:
        problems.append(Problem("grade_shares", "shares_not_100", {"total": str(total)}))
    return problems


def _check_assessor_weights(weights: Mapping[str, Decimal], problems: list[Problem]) -> None:
    """Each weight ≥ 0 (0: advisory), and at least one above 0 (v2)."""
    if not weights:
        problems.append(Problem("assessor_weights", "no_assessors"))
        return
    weighted = False
    for assessor, weight in weights.items():
        if not isinstance(assessor, str) or not assessor:
            problems.append(Problem("assessor_weights", "bad_assessor_name"))
            continue
        _check_range(problems, f"assessor_weights.{assessor}", weight, _ZERO)
        weighted = weighted or (_is_number(weight) and weight > 0)
    if not weighted:
        problems.append(Problem("assessor_weights", "no_weighted_assessor"))


DEFAULT_POLICY = Policy()


def validate_policy(policy: Policy) -> list[Problem]:
    """Every problem of a policy (an empty list when it can be used)."""
    return policy.validate()


# -- inputs and results ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KpiLine:
    code: str
    direction: Direction
    target: Decimal | None
    actual: Decimal | None
    weight: int  # whole percent, 0–100; a review's weights add up to 100


@dataclass(frozen=True, slots=True)
class Rating:
    assessor: str  # a key of Policy.assessor_weights
    competency: str
    value: int | None  # 1–5; None: not rated yet


@dataclass(frozen=True, slots=True)
class LineResult:
    code: str
    direction: Direction
    target: Decimal
    actual: Decimal
    weight: int
    achievement: Decimal  # percent, exact, before cap and floor (the cap when lower and A = 0)
    score: Decimal  # exact line score s
    capped: bool  # the cap applied
    below_floor: bool  # scored 0 because achievement < floor

    @property
    def score_rounded(self) -> Decimal:
        return round2(self.score)


@dataclass(frozen=True, slots=True)
class AssessorResult:
    assessor: str
    weight: Decimal
    ratings: tuple[int, ...]  # in the order of the competencies given
    score: Decimal  # exact: mean of the ratings × 20

    @property
    def score_rounded(self) -> Decimal:
        return round2(self.score)


@dataclass(frozen=True, slots=True)
class Result:
    kpi_exact: Decimal
    competency_exact: Decimal
    total_exact: Decimal
    kpi_score: Decimal  # 2 places, half up
    competency_score: Decimal
    total_score: Decimal
    grade: str
    pay_coefficient: Decimal
    verbal_warning: bool
    lines: tuple[LineResult, ...]
    assessors: tuple[AssessorResult, ...]  # those with a weight > 0, in the policy's order
    policy: Policy = _field(repr=False, compare=False)

    @property
    def assessor_scores(self) -> dict[str, Decimal]:
        """Each assessor's competency score, rounded to 2 places."""
        return {a.assessor: a.score_rounded for a in self.assessors}


@dataclass(frozen=True, slots=True)
class Incomplete:
    """Not scored: what is missing, in review order (lines, then ratings by assessor)."""

    missing: tuple[Missing, ...]


# -- rounding and grades --------------------------------------------------------------------


def round2(value: Decimal) -> Decimal:
    """Round to 2 places, half up (59.995 → 60.00). For |value| < 10**26."""
    return value.quantize(_CENT, context=_REPORT_CONTEXT)


def grade_for(total_rounded: Decimal, policy: Policy = DEFAULT_POLICY) -> str:
    """The best grade whose lowest total is ≤ the (rounded) total."""
    for grade, lowest in policy.grade_bands:
        if lowest <= total_rounded:
            return grade
    return policy.grade_bands[-1][0]


# -- checking and scoring one review --------------------------------------------------------


_Table = dict[str, dict[str, int]]  # valid ratings: {assessor: {competency: value}}
_HIGHER, _LOWER = Direction.HIGHER, Direction.LOWER  # quicker to read than enum attributes


def _kpi_problem(kpi: str, part: str, code: str, **params: str) -> Problem:
    """A problem of a line's ``direction``, ``target``, ``actual`` or ``weight``."""
    return Problem(f"{kpi}.{part}", code, {"kpi": kpi, **params})


def _figure_problem(kpi: str, part: str, value: object) -> Problem | None:
    """The problem of a line's target or actual, or None when it is a valid figure."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return _kpi_problem(kpi, part, "not_a_number")
    if value < 0:
        return _kpi_problem(kpi, part, "negative")
    if value and value.adjusted() >= _MAX_INTEGER_DIGITS:
        return _kpi_problem(kpi, part, "too_large", max_digits=str(_MAX_INTEGER_DIGITS))
    # The usual case (4 places, as stored) costs one test. Below 10**24 the quantized value
    # fits the 28 digits, so quantize cannot fail; trailing zeros are not extra decimals.
    if not value.same_quantum(_QUANTUM) and value != value.quantize(_QUANTUM, context=_CONTEXT):
        return _kpi_problem(kpi, part, "too_many_decimals", max=str(MAX_DECIMAL_PLACES))
    return None


def _check_lines(lines: Sequence[KpiLine], problems: list[Problem], missing: list[Missing]) -> None:
    """Add the problems and the missing figures of the KPI lines, in line order."""
    weight_sum, weights_ok = 0, True
    seen_codes: set[str] = set()
    for line in lines:
        code = line.code
        if code in seen_codes:
            problems.append(Problem(code, "duplicate_kpi", {"kpi": code}))
        seen_codes.add(code)
        direction = line.direction
        higher = direction == "higher"
        if not higher and direction != "lower":
            value = str(direction)
            problems.append(_kpi_problem(code, "direction", "unknown_direction", value=value))
        target = line.target
        if target is None:
            missing.append(Missing("target_missing", {"kpi": code}))
        elif (problem := _figure_problem(code, "target", target)) is not None:
            problems.append(problem)
        elif higher and not target:
            problems.append(_kpi_problem(code, "target", "zero_target"))
        actual = line.actual
        if actual is None:
            missing.append(Missing("actual_missing", {"kpi": code}))
        elif (problem := _figure_problem(code, "actual", actual)) is not None:
            problems.append(problem)
        weight = line.weight
        if type(weight) is not int:
            problems.append(_kpi_problem(code, "weight", "not_whole"))
            weights_ok = False
        elif not 0 <= weight <= WEIGHT_TOTAL:
            problems.append(_kpi_problem(code, "weight", "out_of_range", **_WEIGHT_RANGE))
            weights_ok = False
        else:
            weight_sum += weight
    if not lines:
        missing.append(Missing("no_kpi_lines", {}))
    elif weights_ok and weight_sum != WEIGHT_TOTAL:
        params = {"sum": str(weight_sum), "total": str(WEIGHT_TOTAL)}
        problems.append(Problem("weight", "weights_sum", params))


def _check_ratings(
    ratings: Sequence[Rating],
    competencies: Sequence[str],
    policy: Policy,
    problems: list[Problem],
    missing: list[Missing],
) -> _Table:
    """Add the problems and the missing ratings; return the table of valid ratings. Every
    assessor's ratings are checked; only those of an assessor with a weight are required."""
    competency_set = set(competencies)
    if len(competency_set) != len(competencies):
        problems.append(Problem("competencies", "duplicate_competency"))
    table: _Table = {assessor: {} for assessor, _ in policy._assessors}
    seen_pairs: set[tuple[str, str]] = set()
    for rating in ratings:
        assessor, competency = rating.assessor, rating.competency
        row = table.get(assessor)
        if row is None:
            code, params = "unknown_assessor", {"assessor": str(assessor)}
        elif competency not in competency_set:
            code, params = "unknown_competency", {"competency": str(competency)}
        elif (pair := (assessor, competency)) in seen_pairs:
            code, params = "duplicate_rating", {"assessor": assessor, "competency": competency}
        else:
            seen_pairs.add(pair)
            value = rating.value
            if value is None:
                continue
            if type(value) is int and RATING_MIN <= value <= RATING_MAX:
                row[competency] = value
                continue
            code = "out_of_range" if type(value) is int else "not_whole"
            params = {"assessor": assessor, "competency": competency}
            if code == "out_of_range":
                params.update(min=str(RATING_MIN), max=str(RATING_MAX))
        problems.append(Problem(f"ratings.{assessor}.{competency}", code, params))
    if not competencies:
        missing.append(Missing("no_competencies", {}))
    for assessor, _weight in policy._weighted:
        row = table[assessor]
        if len(row) != len(competency_set):
            missing.extend(
                Missing("rating_missing", {"assessor": assessor, "competency": competency})
                for competency in competencies
                if competency not in row
            )
    return table


def _examine(
    lines: Sequence[KpiLine], ratings: Sequence[Rating], competencies: Sequence[str], policy: Policy
) -> tuple[list[Problem], list[Missing], _Table]:
    """A review's problems, what it lacks, and its table of valid ratings (``_check_ratings``)."""
    problems: list[Problem] = []
    missing: list[Missing] = []
    _check_lines(lines, problems, missing)
    table = _check_ratings(ratings, competencies, policy, problems, missing)
    return problems, missing, table


def _kpi(lines: Sequence[KpiLine], policy: Policy) -> tuple[tuple[LineResult, ...], Decimal]:
    """The results of valid, complete lines and the exact K = Σ(w × s) / Σw, Σw = WEIGHT_TOTAL."""
    cap, floor = policy.achievement_cap, policy.achievement_floor
    results: list[LineResult] = []
    weighted = _ZERO
    for line in lines:
        target, actual = line.target, line.actual
        assert target is not None and actual is not None
        higher = line.direction == "higher"
        if higher:
            achievement = actual * _HUNDRED / target
        elif actual:
            achievement = target * _HUNDRED / actual
        else:
            achievement = cap  # nothing went wrong
        capped, below_floor = achievement > cap, achievement < floor
        line_score = _ZERO if below_floor else (cap if capped else achievement)
        code, weight = line.code, line.weight
        weighted += weight * line_score
        direction = _HIGHER if higher else _LOWER
        result = LineResult(
            code, direction, target, actual, weight, achievement, line_score, capped, below_floor
        )
        results.append(result)
    return tuple(results), weighted / WEIGHT_TOTAL


def _competency(
    table: _Table, competencies: Sequence[str], policy: Policy
) -> tuple[tuple[AssessorResult, ...], Decimal]:
    """Each assessor's result and the exact C of a complete table of ratings."""
    results: list[AssessorResult] = []
    combined, count = _ZERO, len(competencies)
    for assessor, weight in policy._weighted:
        values = tuple(map(table[assessor].__getitem__, competencies))
        assessor_score = Decimal(20 * sum(values)) / count
        combined += weight * assessor_score
        results.append(AssessorResult(assessor, weight, values, assessor_score))
    return tuple(results), combined / policy._assessor_weight_sum


def _result(
    lines: Sequence[KpiLine], table: _Table, competencies: Sequence[str], policy: Policy
) -> Result:
    """The result of a valid, complete review. Must run inside ``localcontext(_CONTEXT)``."""
    line_results, kpi_exact = _kpi(lines, policy)
    assessor_results, competency_exact = _competency(table, competencies, policy)
    kpi_share = policy.kpi_share
    total_exact = (kpi_share * kpi_exact + (_HUNDRED - kpi_share) * competency_exact) / _HUNDRED
    total_score = round2(total_exact)
    grade = grade_for(total_score, policy)
    return Result(
        kpi_exact,
        competency_exact,
        total_exact,
        round2(kpi_exact),
        round2(competency_exact),
        total_score,
        grade,
        policy.pay_coefficients[grade],
        total_score < policy.warning_threshold,
        line_results,
        assessor_results,
        policy,
    )


def validate(
    *,
    lines: Sequence[KpiLine],
    ratings: Sequence[Rating],
    competencies: Sequence[str],
    policy: Policy = DEFAULT_POLICY,
) -> list[Problem]:
    """Every problem of the policy and of the review's inputs (empty when all are valid).
    Missing figures and ratings are not problems: see ``missing_inputs``."""
    with localcontext(_CONTEXT):
        problems = _examine(lines, ratings, competencies, policy)[0]
    return [*policy._problems, *problems]


def missing_inputs(
    *,
    lines: Sequence[KpiLine],
    ratings: Sequence[Rating],
    competencies: Sequence[str],
    policy: Policy = DEFAULT_POLICY,
) -> list[Missing]:
    """Everything the review still lacks before it can be scored: each line's target and
    actual, and each (assessor of the policy × competency) rating. Empty when complete."""
    with localcontext(_CONTEXT):
        return _examine(lines, ratings, competencies, policy)[1]


def score(
    *,
    lines: Sequence[KpiLine],
    ratings: Sequence[Rating],
    competencies: Sequence[str],
    policy: Policy = DEFAULT_POLICY,
) -> Result | Incomplete:
    """Score one review: its ``Result``, or ``Incomplete`` listing everything it lacks.

    ``competencies`` are the codes every assessor of the policy must rate. Raises
    ``InvalidInput`` with every problem when the policy or an input is invalid (checked
    before completeness: an invalid review is never reported as merely incomplete).
    """
    if policy._problems:
        raise InvalidInput(policy._problems)
    with localcontext(_CONTEXT):
        problems, missing, table = _examine(lines, ratings, competencies, policy)
        if problems:
            raise InvalidInput(problems)
        if missing:
            return Incomplete(tuple(missing))
        return _result(lines, table, competencies, policy)


# -- the calculation, step by step ----------------------------------------------------------


class StepKind(StrEnum):
    LINE = "line"  # one KPI line's score
    KPI = "kpi"  # K
    ASSESSOR = "assessor"  # one assessor's competency score
    COMPETENCY = "competency"  # C
    TOTAL = "total"  # T
    GRADE = "grade"  # grade and pay coefficient
    WARNING = "warning"  # verbal warning or not
    BASIS = "basis"  # what the grade rests on: the bands, or the rank in a locked group (v2)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the calculation, for the review page and the audit.

    ``rule`` is a machine-readable code of the rule applied (the page translates it);
    ``expression`` is the arithmetic in language-neutral notation, with the figures it uses
    shown rounded to 2 places, e.g. ``(30×92 + 30×110 + 20×80 + 20×94.74)/100``;
    ``exact_expression`` is the same arithmetic with the exact values it really uses
    (``exact_text``: in full, or cut after 6 decimals with "…", never rounded), e.g.
    ``(30×92 + 30×110 + 20×80 + 20×94.736842…)/100``, so that recomputing it by hand gives
    ``exact``; ``exact`` and ``rounded`` are the step's result (the rounded one is what is
    reported). Only the reported figures are rounded (line scores, K, C, T); each step
    computes from the exact values before it, and the grade and the warning go by the rounded
    total, so their two expressions are the same.

    Rules: line ``higher`` (a = A/T), ``lower`` (a = T/A), ``lower_zero_actual`` (A = 0:
    a = cap); kpi/competency ``weighted_mean``; assessor ``mean_times_20``; total
    ``shares``; grade ``band``; warning ``below_threshold`` or ``not_below_threshold``.
    Params (strings) add what the rule needs: ``capped``, ``below_floor``, ``cap``,
    ``floor``, ``achievement``, ``grade``, ``lowest``, ``coefficient``, ``threshold``.
    """

    kind: StepKind
    key: str  # the KPI code or the assessor; "" for the review-wide steps
    rule: str
    expression: str
    exact: Decimal
    rounded: Decimal
    params: Mapping[str, str] = _field(default_factory=dict)
    exact_expression: str = ""


EXACT_PLACES = 6


def exact_text(value: Decimal) -> str:
    """An exact value for reading: in full when it has at most 6 decimals, else its first 6
    followed by "…" (cut, not rounded: the value goes on)."""
    text = _plain(value)
    whole, _, decimals = text.partition(".")
    if len(decimals) <= EXACT_PLACES:
        return text
    return f"{whole}.{decimals[:EXACT_PLACES]}…"


def _plain(value: Decimal | int) -> str:
    """A figure for display: no exponent, no trailing zeros after the point."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _shown(value: Decimal) -> str:
    return _plain(round2(value))


def _line_step(line: LineResult, cap: Decimal, floor: Decimal) -> Step:
    if line.direction == Direction.HIGHER:
        rule, expression = "higher", f"100×{_plain(line.actual)}/{_plain(line.target)}"
    elif line.actual:
        rule, expression = "lower", f"100×{_plain(line.target)}/{_plain(line.actual)}"
    else:
        rule, expression = "lower_zero_actual", _plain(cap)
    if line.below_floor:
        expression = f"{_shown(line.achievement)} < {_plain(floor)} → 0"
    elif line.capped:
        expression = f"min({expression}, {_plain(cap)})"
    params = {"achievement": _shown(line.achievement), "cap": _plain(cap), "floor": _plain(floor)}
    params["capped"] = "true" if line.capped else "false"
    params["below_floor"] = "true" if line.below_floor else "false"
    exact_expression = expression
    if line.below_floor:
        exact_expression = f"{exact_text(line.achievement)} < {_plain(floor)} → 0"
    return Step(
        StepKind.LINE,
        line.code,
        rule,
        expression,
        line.score,
        line.score_rounded,
        params,
        exact_expression,
    )


def _kpi_steps(result: Result) -> list[Step]:
    """A step for each line, then K."""
    cap, floor = result.policy.achievement_cap, result.policy.achievement_floor
    steps = [_line_step(line, cap, floor) for line in result.lines]
    total_weight = sum(line.weight for line in result.lines)
    terms = " + ".join(f"{line.weight}×{_shown(line.score)}" for line in result.lines)
    exact_terms = " + ".join(f"{line.weight}×{exact_text(line.score)}" for line in result.lines)
    expression, exact_expression = f"({terms})/{total_weight}", f"({exact_terms})/{total_weight}"
    exact, rounded = result.kpi_exact, result.kpi_score
    steps.append(
        Step(StepKind.KPI, "", "weighted_mean", expression, exact, rounded, {}, exact_expression)
    )
    return steps


def _assessor_step(assessor: AssessorResult) -> Step:
    ratings = assessor.ratings
    expression = f"({' + '.join(str(v) for v in ratings)})/{len(ratings)}×20"
    params = {"weight": _plain(assessor.weight)}
    exact, rounded = assessor.score, assessor.score_rounded
    return Step(
        StepKind.ASSESSOR,
        assessor.assessor,
        "mean_times_20",
        expression,
        exact,
        rounded,
        params,
        expression,
    )


def _competency_steps(result: Result) -> list[Step]:
    """A step for each assessor, then C."""
    steps = [_assessor_step(assessor) for assessor in result.assessors]
    total_weight = _plain(sum((a.weight for a in result.assessors), _ZERO))
    terms = " + ".join(f"{_plain(a.weight)}×{_shown(a.score)}" for a in result.assessors)
    exact_terms = " + ".join(f"{_plain(a.weight)}×{exact_text(a.score)}" for a in result.assessors)
    expression, exact_expression = f"({terms})/{total_weight}", f"({exact_terms})/{total_weight}"
    exact, rounded = result.competency_exact, result.competency_score
    steps.append(
        Step(
            StepKind.COMPETENCY,
            "",
            "weighted_mean",
            expression,
            exact,
            rounded,
            {},
            exact_expression,
        )
    )
    return steps


def _outcome_steps(result: Result) -> list[Step]:
    """T, then the grade and the warning that follow from it."""
    policy = result.policy
    exact, rounded, shown = result.total_exact, result.total_score, _shown(result.total_score)
    kpi_share, competency_share = _plain(policy.kpi_share), _plain(policy.competency_share)
    kpi, competency = _shown(result.kpi_exact), _shown(result.competency_exact)
    expression = f"({kpi_share}×{kpi} + {competency_share}×{competency})/100"
    exact_kpi, exact_competency = exact_text(result.kpi_exact), exact_text(result.competency_exact)
    exact_expression = f"({kpi_share}×{exact_kpi} + {competency_share}×{exact_competency})/100"
    params = {"kpi_share": kpi_share, "competency_share": competency_share}
    total = Step(StepKind.TOTAL, "", "shares", expression, exact, rounded, params, exact_expression)
    lowest = _plain(dict(policy.grade_bands)[result.grade])
    params = {"grade": result.grade, "lowest": lowest, "coefficient": f"{result.pay_coefficient:f}"}
    expression = f"{shown} ≥ {lowest}"
    grade = Step(StepKind.GRADE, "", "band", expression, exact, rounded, params, expression)
    threshold = _plain(policy.warning_threshold)
    if result.verbal_warning:
        rule, expression = "below_threshold", f"{shown} < {threshold}"
    else:
        rule, expression = "not_below_threshold", f"{shown} ≥ {threshold}"
    warning = Step(
        StepKind.WARNING, "", rule, expression, exact, rounded, {"threshold": threshold}, expression
    )
    return [total, grade, warning]


def explain(result: Result) -> list[Step]:
    """The calculation of a scored review, step by step (structured data, no sentences)."""
    return [*_kpi_steps(result), *_competency_steps(result), *_outcome_steps(result)]


# -- relative grading (v2) ------------------------------------------------------------------


def seats(n: int, shares: Mapping[str, int]) -> dict[str, int]:
    """The seats of each grade in a group of n (scoring.md v2): each grade floor(n × p / 100),
    the seats left one each to the largest fractional parts, equal ones to the better grade
    first. `shares` in the order of the grades, best first. Whole arithmetic: exact."""
    exact = {grade: n * share for grade, share in shares.items()}  # x × 100
    table = {grade: value // WEIGHT_TOTAL for grade, value in exact.items()}
    left = n - sum(table.values())
    order = list(shares)
    by_remainder = sorted(order, key=lambda g: (-(exact[g] % WEIGHT_TOTAL), order.index(g)))
    for grade in by_remainder[:left]:
        table[grade] += 1
    return table


def grade_at(position: int, table: Mapping[str, int]) -> str:
    """The grade of a position (1 = best) in cumulative seats; past the last seat, the last
    grade."""
    cumulative = 0
    for grade, count in table.items():
        cumulative += count
        if position <= cumulative:
            return grade
    return list(table)[-1]


def _rank(total: Decimal, others: Iterable[Decimal]) -> int:
    """The best position of a rounded total among others: 1 + how many are strictly higher,
    so that equal totals share the best position of their tie (ties go up)."""
    shown = round2(total)
    return 1 + sum(1 for other in others if round2(other) > shown)


@dataclass(frozen=True, slots=True)
class GroupMember:
    grade: str
    rank: int  # the best position of its tie, 1 = best
    pay_coefficient: Decimal
    verbal_warning: bool  # always by the absolute rule: rounded total < threshold


@dataclass(frozen=True, slots=True)
class GroupGrading:
    """The grades of a group. `basis` is ``relative`` when graded by rank, ``absolute`` when
    by the bands (an absolute policy, or a group smaller than the policy's minimum)."""

    basis: str
    size: int
    minimum: int
    seats: Mapping[str, int]
    members: Mapping[Any, GroupMember]


def relative_grades(totals: Mapping[Any, Decimal], policy: Policy) -> GroupGrading:
    """Grade a group by rank (scoring.md v2): its reviews' totals by any key. Ranked by the
    rounded total, highest first; position p gets the grade of the cumulative seats; equal
    rounded totals all get the grade of the best position among them. A group smaller than
    ``relative_min_group`` (or an absolute policy) keeps the bands' grades. The pay
    coefficient follows the grade; the warning stays absolute. Raises ``InvalidInput`` for
    an invalid policy."""
    if policy._problems:
        raise InvalidInput(policy._problems)
    with localcontext(_CONTEXT):
        grades = [grade for grade, _ in policy.grade_bands]
        table = seats(len(totals), {g: policy.grade_shares.get(g, 0) for g in grades})
        relative = policy.grading == RELATIVE and len(totals) >= policy.relative_min_group
        values = [round2(total) for total in totals.values()]
        members = {}
        for key, total in totals.items():
            shown = round2(total)
            rank = _rank(shown, values)
            grade = grade_at(rank, table) if relative else grade_for(shown, policy)
            members[key] = GroupMember(
                grade, rank, policy.pay_coefficients[grade], shown < policy.warning_threshold
            )
    basis = RELATIVE if relative else ABSOLUTE
    return GroupGrading(basis, len(totals), policy.relative_min_group, table, members)


def regrade_in_group(
    total: Decimal, others: Sequence[Decimal], table: Mapping[str, int]
) -> tuple[str, int]:
    """A review of a locked group rescored (after a reopening or an appeal): the grade of the
    seat its new total ranks into among the group's other locked totals, ties going up, and
    that rank. The seats are the lock's; nobody else's grade changes."""
    with localcontext(_CONTEXT):
        rank = _rank(total, others)
    return grade_at(rank, table), rank


def basis_step(result: Result, basis: Mapping[str, Any] | None, *, provisional: bool) -> Step:
    """The step after the grade that says on what it rests: ``absolute`` (the bands),
    ``provisional`` (the bands until the director locks the group of a relative policy),
    ``small_group`` (locked, but smaller than the minimum: the bands), or ``relative`` (the
    rank in the locked group and its seats). `basis` is what the lock wrote on the review
    (``basis``, ``group``, ``rank``, ``size``, ``seats``, ``grade``, ``coefficient``)."""
    exact, rounded = result.total_exact, result.total_score
    if not basis:
        rule = "provisional" if provisional else ABSOLUTE
        params = {"grade": result.grade}
        return Step(StepKind.BASIS, "", rule, "", exact, rounded, params, "")
    size = str(basis.get("size", ""))
    params = {
        "grade": str(basis.get("grade", result.grade)),
        "coefficient": str(basis.get("coefficient", "")),
        "group": str(basis.get("group", "")),
        "size": size,
        "minimum": str(basis.get("minimum", "")),
        "rank": str(basis.get("rank", "")),
        "lock": str(basis.get("lock", "")),
    }
    if basis.get("basis") != RELATIVE:
        return Step(StepKind.BASIS, "", "small_group", "", exact, rounded, params, "")
    table = basis.get("seats") or {}
    expression = f"#{params['rank']}/{size}: " + " ".join(f"{g}{n}" for g, n in table.items())
    return Step(StepKind.BASIS, "", RELATIVE, expression, exact, rounded, params, expression)
