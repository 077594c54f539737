"""The policy's settings of relative grading and calibration: their defaults, the quotas'
checks (whole percents adding up to 100), the choices, the hard limits, each error naming its
setting, and the same policy in the scoring rules' terms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from hrperf.lib.errors import ValidationFailed
from reviews import scoring
from reviews.models import ScoringPolicy
from reviews.policies import hard_limits, policy_defaults, shares_of, to_scoring, validated_policy


def refusal(values: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as raised:
        validated_policy(values)
    return [(error.field, error.code) for error in raised.value.errors]


def test_defaults_are_absolute_with_the_guideline_of_scoring_md() -> None:
    defaults = policy_defaults()
    assert defaults["grading"] == "absolute"
    assert defaults["grading_group"] == "department"
    assert defaults["relative_min_group"] == 10
    assert defaults["tolerance"] == Decimal(5)
    assert shares_of(ScoringPolicy()) == {"S": 10, "A": 20, "B": 40, "C": 20, "D": 10}
    assert hard_limits(ScoringPolicy()) == dict.fromkeys("SABCD", (None, None))


def test_every_v1_figure_is_unchanged_by_the_new_settings() -> None:
    policy = to_scoring(ScoringPolicy())
    assert policy.grading == "absolute"
    v1 = scoring.Policy()
    assert (policy.kpi_share, policy.grade_bands, dict(policy.pay_coefficients)) == (
        v1.kpi_share,
        v1.grade_bands,
        dict(v1.pay_coefficients),
    )


def test_a_relative_policy_reads_and_reaches_the_scoring_rules() -> None:
    settings = validated_policy(
        {
            "grading": "relative",
            "grading_group": "quarter",
            "relative_min_group": "5",
            "share_s": "5",
            "share_a": "25",
            "tolerance": "2.5",
            "max_share_s": "15",
            "min_share_d": 5,
        }
    )
    policy = ScoringPolicy(**settings)
    rules = to_scoring(policy)
    assert (rules.grading, rules.grading_group, rules.relative_min_group) == (
        "relative",
        "quarter",
        5,
    )
    assert dict(rules.grade_shares) == {"S": 5, "A": 25, "B": 40, "C": 20, "D": 10}
    assert settings["tolerance"] == Decimal("2.5")
    assert hard_limits(policy)["S"] == (None, 15)
    assert hard_limits(policy)["D"] == (5, None)


def test_quotas_not_adding_up_to_100_name_every_share() -> None:
    errors = refusal({"share_s": "20"})
    assert errors == [(f"share_{g}", "shares_not_100") for g in "sabcd"]


@pytest.mark.parametrize(
    ("name", "raw", "code"),
    [
        ("share_s", "10.5", "not_whole"),
        ("share_s", "101", "above_maximum"),
        ("share_b", "-1", "negative"),
        ("max_share_a", "101", "above_maximum"),
        ("min_share_c", "2.5", "not_whole"),
        ("relative_min_group", "0", "below_minimum"),
        ("tolerance", "100.5", "above_maximum"),
        ("grading", "forced", "unknown_choice"),
        ("grading_group", "team", "unknown_choice"),
    ],
)
def test_each_bad_setting_is_named(name: str, raw: object, code: str) -> None:
    assert (name, code) in refusal({name: raw})


def test_crossed_hard_limits_are_refused() -> None:
    assert refusal({"min_share_b": "50", "max_share_b": "30"}) == [
        ("min_share_b", "limits_crossed")
    ]


def test_empty_hard_limits_are_none() -> None:
    settings = validated_policy({"max_share_s": "", "min_share_s": None})
    assert settings["max_share_s"] is None and settings["min_share_s"] is None
