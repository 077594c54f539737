"""A quarter's policy: its settings read strictly and checked (the advisory self-assessment's
weight, the escalation of warnings), and the policy in the scoring rules' terms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from hrperf.lib.errors import ValidationFailed
from reviews import scoring
from reviews.models import ScoringPolicy
from reviews.policies import (
    OPTIONAL_SETTINGS,
    POLICY_FIELDS,
    WHOLE_SETTINGS,
    policy_defaults,
    to_scoring,
    validated_policy,
)


def refusal(values: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as raised:
        validated_policy(values)
    return [(error.field, error.code) for error in raised.value.errors]


def test_the_new_settings_have_their_defaults() -> None:
    defaults = policy_defaults()
    assert defaults["self_weight"] == Decimal(0)
    assert (defaults["escalation_warnings"], defaults["escalation_quarters"]) == (2, 4)
    assert {"self_weight", "escalation_warnings", "escalation_quarters"} <= set(POLICY_FIELDS)


def test_whole_settings_are_kept_as_ints_and_the_others_as_decimals() -> None:
    settings = validated_policy(
        {"self_weight": "20", "escalation_warnings": "3", "escalation_quarters": 8}
    )
    assert settings["self_weight"] == Decimal(20)
    assert isinstance(settings["self_weight"], Decimal)
    assert (settings["escalation_warnings"], settings["escalation_quarters"]) == (3, 8)
    assert all(
        type(settings[name]) is int for name in WHOLE_SETTINGS if name not in OPTIONAL_SETTINGS
    )


@pytest.mark.parametrize(
    ("name", "raw", "code"),
    [
        ("escalation_warnings", "2.5", "not_whole"),
        ("escalation_warnings", "1", "below_minimum"),
        ("escalation_warnings", "11", "above_maximum"),
        ("escalation_warnings", "-2", "negative"),
        ("escalation_warnings", "３", "invalid"),
        ("escalation_warnings", True, "invalid"),
        ("escalation_quarters", "0", "below_minimum"),
        ("escalation_quarters", "21", "above_maximum"),
        ("escalation_quarters", "99999999", "too_large"),
        ("escalation_quarters", "", "invalid"),
        ("self_weight", "-1", "negative"),
        ("self_weight", "20.005", "too_precise"),
        ("self_weight", "1000", "too_large"),
    ],
)
def test_it_refuses_a_bad_new_setting(name: str, raw: Any, code: str) -> None:
    [(field, refused)] = refusal({name: raw})
    assert field == name
    assert refused == code


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("escalation_warnings", 2),
        ("escalation_warnings", 10),
        ("escalation_quarters", 1),
        ("escalation_quarters", 20),
    ],
)
def test_it_accepts_the_escalation_limits(name: str, value: int) -> None:
    assert validated_policy({name: str(value)})[name] == value


def test_the_escalation_limit_is_named_in_the_message() -> None:
    with translation.override("en"), pytest.raises(ValidationFailed) as raised:
        validated_policy({"escalation_warnings": "11"})
    assert str(raised.value.errors[0].message) == "Must be at most 10."


@pytest.mark.parametrize("self_weight", ["0", "100"])
def test_the_director_or_hr_must_have_a_weight(self_weight: str) -> None:
    refused = refusal({"director_weight": "0", "hr_weight": "0", "self_weight": self_weight})
    assert refused == [
        ("director_weight", "no_staff_assessor"),
        ("hr_weight", "no_staff_assessor"),
    ]


def test_one_staff_assessor_with_a_weight_is_enough() -> None:
    settings = validated_policy({"director_weight": "0", "hr_weight": "40", "self_weight": "20"})
    assert (settings["director_weight"], settings["hr_weight"]) == (Decimal(0), Decimal(40))


def test_the_scoring_policy_names_the_self_assessment_with_its_weight() -> None:
    policy = to_scoring(ScoringPolicy(self_weight=Decimal(20)))
    assert dict(policy.assessor_weights) == {
        "marketing_director": Decimal(60),
        "hr": Decimal(40),
        "self": Decimal(20),
    }
    assert not policy.is_advisory("self")


def test_by_default_the_self_assessment_is_advisory() -> None:
    policy = to_scoring(ScoringPolicy())
    assert policy.assessor_weights["self"] == Decimal(0)
    assert policy.is_advisory("self")
    assert scoring.validate_policy(policy) == []
