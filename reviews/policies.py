"""A quarter's scoring policy: its settings, checking new values for them, the version in force,
and the policy in the scoring rules' own terms (`reviews.scoring.Policy`).

Every setting is read by the one strict reader of numbers (`hrperf.lib.decimals`): the decimal
ones with their column's places, the whole ones (`WHOLE_SETTINGS`) with none, and those then
kept as `int` and checked against their column's limits."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, CharField, DecimalField, PositiveSmallIntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from hrperf.lib.decimals import NumberRefused, NumberRule, read_number
from hrperf.lib.errors import ErrorList
from reviews import scoring
from reviews.messages import problem_text, reason_text
from reviews.models import AssessorRole, Review, ReviewCycle, ScoringPolicy

POLICY_FIELDS = (
    "kpi_share",
    "director_weight",
    "hr_weight",
    "self_weight",
    "achievement_cap",
    "achievement_floor",
    "warning_threshold",
    "band_s",
    "band_a",
    "band_b",
    "band_c",
    "coefficient_s",
    "coefficient_a",
    "coefficient_b",
    "coefficient_c",
    "coefficient_d",
    "escalation_warnings",
    "escalation_quarters",
    # relative grading and calibration (v2)
    "grading",
    "grading_group",
    "relative_min_group",
    "share_s",
    "share_a",
    "share_b",
    "share_c",
    "share_d",
    "tolerance",
    "max_share_s",
    "max_share_a",
    "max_share_b",
    "max_share_c",
    "max_share_d",
    "min_share_s",
    "min_share_a",
    "min_share_b",
    "min_share_c",
    "min_share_d",
)
GRADES = scoring.GRADES
# Each grade's share (quota and guideline) and its hard limits, whole percent.
SHARES = {grade: f"share_{grade.lower()}" for grade in GRADES}
MAX_SHARES = {grade: f"max_share_{grade.lower()}" for grade in GRADES}
MIN_SHARES = {grade: f"min_share_{grade.lower()}" for grade in GRADES}
# Settings chosen from a list (text); the others are numbers.
CHOICE_SETTINGS = ("grading", "grading_group")
# Settings that may be left empty (no hard limit).
OPTIONAL_SETTINGS = (*MAX_SHARES.values(), *MIN_SHARES.values())
# The weights of the assessors: what a review must have rated depends on them (v2).
ASSESSOR_WEIGHTS = ("director_weight", "hr_weight", "self_weight")
# Settings that are whole numbers (counts), kept as int; every other one is a Decimal.
WHOLE_SETTINGS = (
    "escalation_warnings",
    "escalation_quarters",
    "relative_min_group",
    *SHARES.values(),
    *OPTIONAL_SETTINGS,
)
# The largest value a whole setting's column could hold, whatever its limits say.
_WHOLE_BELOW = Decimal(32768)
NO_STAFF_ASSESSOR = _(
    "The marketing director or HR must have a weight above 0: the self-assessment alone "
    "cannot make the competency score."
)

Setting = Decimal | int | str | None


def current_policy(cycle: ReviewCycle) -> ScoringPolicy:
    """The version of the quarter's policy in force (the newest)."""
    return ScoringPolicy.objects.filter(cycle=cycle).order_by("-version").first()  # type: ignore[return-value]


def warning_threshold(cycle: ReviewCycle | None = None) -> Decimal:
    """The warning threshold the catalogue's policy texts name: the quarter's policy in force,
    or, with no quarter in view, that of the newest open quarter (else the newest quarter, else
    scoring.md's default). One query."""
    policies = ScoringPolicy.objects.all()
    if cycle is not None:
        policies = policies.filter(cycle=cycle)
    open_first = Case(When(cycle__status=ReviewCycle.Status.OPEN, then=Value(0)), default=Value(1))
    threshold = (
        policies.annotate(open_first=open_first)
        .order_by("open_first", "-cycle__period", "-version")
        .values_list("warning_threshold", flat=True)
        .first()
    )
    return ScoringPolicy().warning_threshold if threshold is None else threshold


def policy_of(review: Review) -> ScoringPolicy:
    """The policy a review is (or will be) scored with: its own once scored, else the
    quarter's."""
    if review.policy_id is not None and review.state in (
        Review.State.SCORED,
        Review.State.APPROVED,
    ):
        return ScoringPolicy.objects.get(pk=review.policy_id)
    return current_policy(review.cycle)


def policy_values(policy: ScoringPolicy) -> dict[str, Setting]:
    return {name: getattr(policy, name) for name in POLICY_FIELDS}


def policy_defaults() -> dict[str, Setting]:
    """scoring.md's defaults, as a new policy has them."""
    return policy_values(ScoringPolicy())


def validated_policy(values: Mapping[str, Any]) -> dict[str, Setting]:
    """Every setting (the defaults where `values` leaves one out), checked: a Decimal, or an
    int for the whole ones; raises ValidationFailed naming each bad setting, each unknown one,
    and each break of the scoring rules (bands that do not fall, no assessor weight…)."""
    errors = ErrorList()
    for name in sorted(set(values) - set(POLICY_FIELDS)):
        errors.add(name, _("Unknown policy setting."))
    defaults = policy_defaults()
    merged: dict[str, Setting] = {}
    for name in POLICY_FIELDS:
        value = _setting(name, values.get(name, defaults[name]), errors)
        if value is not None or name in OPTIONAL_SETTINGS:
            merged[name] = value
    errors.raise_if_any()
    policy = ScoringPolicy(**merged)
    staff = policy.director_weight > 0 or policy.hr_weight > 0
    for problem in scoring.validate_policy(to_scoring(policy)):
        if staff or problem.code != "no_weighted_assessor":  # said below, per staff weight
            for field in _policy_field(problem.field):
                errors.add(field, problem_text(problem), problem.code)
    if merged["tolerance"] > 100:  # type: ignore[operator]
        errors.add("tolerance", reason_text("above_maximum", {"max": 100}), "above_maximum")
    for grade in GRADES:
        lowest, highest = merged[MIN_SHARES[grade]], merged[MAX_SHARES[grade]]
        if lowest is not None and highest is not None and lowest > highest:  # type: ignore[operator]
            errors.add(
                MIN_SHARES[grade],
                _("The least share of a grade cannot be above its greatest share."),
                "limits_crossed",
            )
    if not staff:  # also the database's rule (policy_some_assessor_weight)
        for name in ("director_weight", "hr_weight"):
            errors.add(name, NO_STAFF_ASSESSOR, "no_staff_assessor")
    errors.raise_if_any()
    return merged


def _policy_field(field: str) -> list[str]:
    """The settings a scoring rule's field names: the quotas' sum is each share's."""
    if field == "grade_shares":
        return list(SHARES.values())
    if field.startswith("grade_shares."):
        grade = field.removeprefix("grade_shares.")
        return [SHARES.get(grade, field)]
    return [field]


def setting_rule(name: str) -> NumberRule:
    """What a setting may be: what its column holds (no setting may be negative)."""
    field = ScoringPolicy._meta.get_field(name)
    if name in WHOLE_SETTINGS:
        assert isinstance(field, PositiveSmallIntegerField)
        return NumberRule(places=0, below=_WHOLE_BELOW)
    assert isinstance(field, DecimalField)
    places, digits = field.decimal_places, field.max_digits
    assert places is not None and digits is not None
    return NumberRule(places=places, below=Decimal(10) ** (digits - places))


def setting_limits(name: str) -> tuple[int | None, int | None]:
    """The lowest and highest value a whole setting may take (its column's validators)."""
    field = ScoringPolicy._meta.get_field(name)
    assert isinstance(field, PositiveSmallIntegerField)
    lowest = highest = None
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            lowest = int(validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            highest = int(validator.limit_value)
    return lowest, highest


def _setting(name: str, raw: Any, errors: ErrorList) -> Setting | None:
    """A setting as given (text, or a number), read strictly (`hrperf.lib.decimals`); a whole
    one also within its limits; a choice one of its choices; an optional one may be empty."""
    if name in CHOICE_SETTINGS:
        field = ScoringPolicy._meta.get_field(name)
        assert isinstance(field, CharField)
        values = [value for value, _label in field.choices or []]
        if raw not in values:
            errors.add(
                name,
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, values))},
                "unknown_choice",
            )
            return None
        return str(raw)
    if name in OPTIONAL_SETTINGS and (raw is None or raw == ""):
        return None
    try:
        value = read_number(raw, setting_rule(name))
    except NumberRefused as refused:
        errors.add(name, refused.message, refused.code)
        return None
    if name not in WHOLE_SETTINGS:
        return value
    lowest, highest = setting_limits(name)
    if lowest is not None and value < lowest:
        errors.add(name, reason_text("below_minimum", {"min": lowest}), "below_minimum")
        return None
    if highest is not None and value > highest:
        errors.add(name, reason_text("above_maximum", {"max": highest}), "above_maximum")
        return None
    return int(value)


def to_scoring(policy: ScoringPolicy) -> scoring.Policy:
    """The policy in the scoring rules' terms."""
    return scoring.Policy(
        kpi_share=policy.kpi_share,
        assessor_weights={
            AssessorRole.MARKETING_DIRECTOR.value: policy.director_weight,
            AssessorRole.HR.value: policy.hr_weight,
            # Always named, so that a review's self ratings are accepted; 0 keeps them advisory.
            AssessorRole.SELF.value: policy.self_weight,
        },
        achievement_cap=policy.achievement_cap,
        achievement_floor=policy.achievement_floor,
        warning_threshold=policy.warning_threshold,
        grade_bands=(
            ("S", policy.band_s),
            ("A", policy.band_a),
            ("B", policy.band_b),
            ("C", policy.band_c),
            ("D", Decimal(0)),
        ),
        pay_coefficients={
            "S": policy.coefficient_s,
            "A": policy.coefficient_a,
            "B": policy.coefficient_b,
            "C": policy.coefficient_c,
            "D": policy.coefficient_d,
        },
        grading=policy.grading,
        grade_shares={grade: getattr(policy, name) for grade, name in SHARES.items()},
        grading_group=policy.grading_group,
        relative_min_group=policy.relative_min_group,
    )


def shares_of(policy: ScoringPolicy) -> dict[str, int]:
    """Each grade's share (the quota, and calibration's guideline), best first."""
    return {grade: getattr(policy, name) for grade, name in SHARES.items()}


def hard_limits(policy: ScoringPolicy) -> dict[str, tuple[int | None, int | None]]:
    """Each grade's hard limits (least, greatest share in percent; None: no limit)."""
    return {
        grade: (getattr(policy, MIN_SHARES[grade]), getattr(policy, MAX_SHARES[grade]))
        for grade in GRADES
    }
