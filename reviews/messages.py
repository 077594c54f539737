"""Sentences for the scoring module's codes, in the active language.

reviews/scoring.py reports problems and missing inputs as codes with string parameters; this is
the one place that turns them into text for people (pages, API errors, mail)."""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kpis import values
from reviews.models import AssessorRole

TEXTS: Mapping[str, Promise] = {
    # missing inputs
    "target_missing": _("The target of %(kpi)s is not set."),
    "actual_missing": _("The actual figure of %(kpi)s is not entered."),
    "rating_missing": _("%(assessor)s has not rated “%(competency)s”."),
    "no_kpi_lines": _("The review has no KPI lines."),
    "no_competencies": _("No competencies are defined."),
    # figures and ratings
    "not_a_number": values.NOT_A_NUMBER,
    "negative": values.NEGATIVE,
    "too_large": values.TOO_LARGE,
    "too_many_decimals": values.TOO_MANY_DECIMALS,
    "zero_target": values.ZERO_TARGET,
    "not_whole": _("Enter a whole number."),
    "out_of_range": _("Out of the allowed range."),
    "weights_sum": _("The weights of a review must add up to %(total)s (now %(sum)s)."),
    "duplicate_kpi": _("The KPI %(kpi)s appears twice."),
    "duplicate_rating": _("%(assessor)s rated “%(competency)s” twice."),
    "unknown_assessor": _("Unknown assessor %(assessor)s."),
    "unknown_competency": _("Unknown competency %(competency)s."),
    "unknown_direction": _("Unknown direction."),
    "duplicate_competency": _("A competency is listed twice."),
    # policy
    "below_minimum": _("Must be at least %(min)s."),
    "above_maximum": _("Must be at most %(max)s."),
    "no_assessors": _("At least one assessor must have a weight."),
    "no_weighted_assessor": _("At least one assessor must have a weight above 0."),
    "bad_assessor_name": _("Unknown assessor."),
    "no_bands": _("Give at least one grade band."),
    "bad_grade_name": _("Unknown grade."),
    "duplicate_grade": _("The grade %(grade)s appears twice."),
    "bands_not_descending": _("Grade bands must fall from S to D."),
    "lowest_band_above_zero": _("The lowest grade must start at 0."),
    "missing_coefficient": _("Give a pay coefficient for every grade."),
    "unknown_grade": _("Unknown grade %(grade)s."),
}


def _display_params(params: Mapping[str, Any]) -> dict[str, str]:
    shown = {key: str(value) for key, value in params.items()}
    assessor = shown.get("assessor")
    if assessor in AssessorRole.values:
        shown["assessor"] = str(AssessorRole(assessor).label)
    return shown


# A rating the employee owes themself (a weighted self-assessment), said as such.
SELF_RATING_MISSING = _("The employee has not rated themself on “%(competency)s”.")


def reason_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The sentence for a code of the scoring module, with its parameters filled in."""
    template = TEXTS.get(code)
    if code == "rating_missing" and (params or {}).get("assessor") == AssessorRole.SELF:
        template = SELF_RATING_MISSING
    if template is None:
        return code
    try:
        return str(template) % _display_params(params or {})
    except (KeyError, ValueError, TypeError):
        return str(template)


def problem_text(problem: Any) -> str:
    return reason_text(problem.code, problem.params)
