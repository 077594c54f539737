"""What a review's page (and its printable form) shows: the KPI table, each assessor's ratings,
the totals and the calculation, what is missing, the history, and the actions the viewer may
take (from the workflow table), with what was typed in a form that was refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from appeals.selectors import review_mark
from hrperf.lib.decimals import NumberRefused, NumberRule, read_number
from hrperf.lib.numbers import amount, percent, plain, score
from hrperf.lib.roles import Roles
from improvement.selectors import review_panel
from kpis.values import limits_of, limits_text
from reviews import selectors, workflow
from reviews.models import Review
from reviews.pages.wording import (
    Names,
    actor_name,
    assessor_name,
    figure_label,
    history_rows,
    missing_rows,
    names_of,
    step_rows,
)
from reviews.selectors.visibility import Part
from reviews.services.inputs import REASON_CODES
from reviews.workflow import Action
from selfassessments import selectors as self_assessments

# The page's actions (the `action` a form posts) and the workflow's.
PAGE_ACTIONS = {
    "figures": Action.SET_FIGURES,
    "rate-hr": Action.RATE_AS_HR,
    "rate-marketing_director": Action.RATE_AS_DIRECTOR,
    "submit": Action.SUBMIT,
    "approve": Action.APPROVE,
    "return": Action.RETURN,
    "reopen": Action.REOPEN,
}
RATING_CHOICES = ["1", "2", "3", "4", "5"]


@dataclass
class FormState:
    """What the page shows in one action's form: the values typed, the errors by field, and
    the message above the form (invalid input, or a conflict with someone else's change)."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    stale: bool = False
    message: str = ""
    hint: str = ""  # what to do next, after a conflict
    kept: str = ""  # the text typed, when the form it was typed in is no longer shown
    # Every error of the form, each after its field's name ("Target of Sales revenue: ...").
    general: list[str] = field(default_factory=list)

    def summarise(self, labels: dict[str, str]) -> None:
        """List every error of the form above it, each after the name of its field."""
        for name, errors in self.errors.items():
            label = labels.get(name, "")
            for error in errors:
                self.general.append(
                    gettext("%(field)s: %(error)s") % {"field": label, "error": error}
                    if label
                    else error
                )


# Any number a form may hold, read strictly; its limits are the services' to check.
TYPED = NumberRule(places=28)


def _differs(typed: str, current: Decimal | int | None) -> bool:
    """Whether a value typed in a form differs from the one saved now (read as the services
    read it: "٩٢" is not 92)."""
    try:
        return read_number(typed, TYPED) != current
    except NumberRefused:
        return typed.strip() != plain(current)


def review_context(
    roles: Roles, review: Review, forms: dict[str, FormState], action: str = ""
) -> dict[str, Any]:
    detail = selectors.review_detail(review=review, viewer_roles=roles)
    names = names_of(detail)
    actions = workflow.offered(roles, review.state, review.cycle.status)
    offered = {name for name, action in PAGE_ACTIONS.items() if action in actions}
    can_edit_figures = "figures" in offered
    lines = _line_rows(detail, names, forms.get("figures", FormState()))
    assessors = _assessor_rows(detail, names, forms, roles, offered)
    missing = missing_rows(detail)
    shown = _shown_forms(offered, assessors, missing)
    _summarise_actions(forms)
    gap = selectors.assessor_gap(assessors=detail.assessors)
    return {
        "review": review,
        "detail": detail,
        "lines": lines,
        "assessors": assessors,
        "steps": step_rows(detail.steps, names),
        "grade_provisional": detail.grade_provisional,
        "reason_codes": list(REASON_CODES.items()),
        "missing": missing,
        "history": history_rows(detail.history, names),
        "sees_history": Part.HISTORY in detail.parts,
        "sees_warning": Part.WARNING in detail.parts,
        "record": _record(review),
        "preview": _preview(review, detail),
        "total": score(review.total_score) or "—",
        "kpi_score": score(review.kpi_score) or "—",
        "competency_score": score(review.competency_score) or "—",
        "coefficient": score(review.pay_coefficient) or "—",
        "has_comments": any(
            rating.comment for assessor in detail.assessors for rating in assessor.ratings
        ),
        "gap": score(gap) if gap is not None else "",
        "gap_flag": roles.sees_all_reviews
        and gap is not None
        and gap > selectors.ASSESSOR_GAP_LIMIT,
        "forms": forms,
        "page_form": _page_form(forms, action, shown),
        "can_edit_figures": can_edit_figures,
        "can_submit": shown["submit"],
        "can_approve": shown["approve"],
        "can_reopen": shown["reopen"],
        "waiting_for_worker": review.state == Review.State.SUBMITTED,
        "why_here": _why_here(review, detail),
        "rescored_on_change": review.state in workflow.SCORING_STATES,
        "ratings_choices": RATING_CHOICES,
        "self_assessment": self_assessments.panel(viewer_roles=roles, review=review),
        # The confirmation or appeal of the approved version (templates/appeals/).
        "appeal_mark": review_mark(viewer_roles=roles, review=review),
        "improvement": review_panel(viewer_roles=roles, review=review),
    }


def _line_rows(
    detail: selectors.ReviewDetail, names: Names, figures: FormState
) -> list[dict[str, Any]]:
    rows = []
    labels: dict[str, str] = {}
    for line_detail in detail.lines:
        line = line_detail.line
        inputs = []
        for name in ("target", "actual", "weight"):
            key = f"{name}-{line.pk}"
            current = getattr(line, name)
            labels[key] = figure_label(name, line.code, names)
            value = figures.values.get(key, plain(current))
            inputs.append(
                {
                    "name": key,
                    "label": labels[key],
                    "value": value,
                    "current": amount(current) or "—",
                    # After a conflict: the saved value differs from the one typed.
                    "differs": figures.stale and _differs(value, current),
                    "errors": figures.errors.get(key, []),
                }
            )
        rows.append(
            {
                "detail": line_detail,
                "line": line,
                "name": names.kpi(line.code),
                "target": amount(line.target) or "—",
                "actual": amount(line.actual) or "—",
                "achievement": percent(line_detail.achievement) or "—",
                "score": score(line_detail.score) or "—",
                "limits": limits_text(limits_of(line)),
                "inputs": inputs,
            }
        )
    figures.summarise(labels)
    return rows


def _assessor_rows(
    detail: selectors.ReviewDetail,
    names: Names,
    forms: dict[str, FormState],
    roles: Roles,
    offered: set[str],
) -> list[dict[str, Any]]:
    # A person rates as one assessor on the page: the director as marketing director.
    mine = workflow.assessor_role_of(roles)
    rows = []
    for assessor in detail.assessors:
        if assessor.advisory and not assessor.has_ratings:
            continue  # nothing to show beside the others
        role = assessor.assessor_role
        state = forms.get(f"rate-{role}", FormState())
        ratings = [_rating_row(rating, names, state) for rating in assessor.ratings]
        state.summarise({f"rating-{row['code']}": row["name"] for row in ratings})
        rows.append(
            {
                "detail": assessor,
                "role": role,
                "name": assessor_name(role),
                "weight": plain(assessor.weight),
                "advisory": assessor.advisory,
                "score": score(assessor.score) or "—",
                "ratings": ratings,
                "form": state,
                "can_rate": f"rate-{role}" in offered and role == mine,
            }
        )
    return rows


def _rating_row(rating: selectors.RatingDetail, names: Names, state: FormState) -> dict[str, Any]:
    code = rating.competency.code
    value = state.values.get(f"rating-{code}", "" if rating.value is None else str(rating.value))
    return {
        "detail": rating,
        "code": code,
        "name": names.competency(code),
        "value": value,
        "differs": state.stale and _differs(value, rating.value),
        "comment": state.values.get(f"comment-{code}", rating.comment),
        "rated_by": actor_name(rating.rater, names.people) if rating.rater is not None else "",
        "errors": state.errors.get(f"rating-{code}", []),
    }


def _shown_forms(
    offered: set[str], assessors: list[dict[str, Any]], missing: list[dict[str, str]]
) -> dict[str, bool]:
    """Which action's form the page shows (submitting needs a complete review)."""
    rating = {f"rate-{row['role']}" for row in assessors if row["can_rate"]}
    return {
        "figures": "figures" in offered,
        "rate-hr": "rate-hr" in rating,
        "rate-marketing_director": "rate-marketing_director" in rating,
        "submit": "submit" in offered and not missing,
        "approve": "approve" in offered,
        "return": "return" in offered,
        "reopen": "reopen" in offered,
    }


def _summarise_actions(forms: dict[str, FormState]) -> None:
    for name, label in (
        ("return", gettext("Comment for HR")),
        ("reopen", gettext("Reason for reopening")),
    ):
        if name in forms:
            forms[name].summarise({"comment": label, "reason": label})
    for name in ("submit", "approve"):
        if name in forms:
            forms[name].summarise({})


def _page_form(
    forms: dict[str, FormState], action: str, shown: dict[str, bool]
) -> FormState | None:
    """A message about a form no longer shown (the review moved on meanwhile) goes on top,
    with the text typed in it."""
    acting = forms.get(action)
    if acting is None or shown.get(action):
        return None
    acting.kept = acting.values.get("comment", "") or acting.values.get("reason", "")
    return acting


def _record(review: Review) -> dict[str, Any]:
    """The result on record: as the worker last scored it, and when (and approved when)."""
    return {
        "scored": review.total_score is not None,
        "scored_at": review.scored_at,
        "approved_at": review.approved_at if review.approved_at and review.scored_at else None,
    }


def _preview(review: Review, detail: selectors.ReviewDetail) -> dict[str, Any] | None:
    """What the figures and ratings as they stand now would give, when that is not the result
    on record: never scored yet, or changed since it was scored."""
    result = detail.result
    if result is None:
        return None
    unchanged = review.scored_revision == review.revision and (
        result.kpi_score,
        result.competency_score,
        result.total_score,
        result.grade,
        result.pay_coefficient,
        result.verbal_warning,
    ) == (
        review.kpi_score,
        review.competency_score,
        review.total_score,
        review.grade,
        review.pay_coefficient,
        review.verbal_warning,
    )
    if review.total_score is not None and unchanged:
        return None
    return {
        "kpi_score": score(result.kpi_score),
        "competency_score": score(result.competency_score),
        "total": score(result.total_score),
        "grade": result.grade,
        "coefficient": score(result.pay_coefficient),
        "verbal_warning": result.verbal_warning,
    }


def _why_here(review: Review, detail: selectors.ReviewDetail) -> dict[str, Any] | None:
    """Why it was returned or reopened, for whoever has to act on it next."""
    if review.state not in (Review.State.RETURNED, Review.State.REOPENED):
        return None
    if Part.HISTORY not in detail.parts:
        return None
    for event in reversed(detail.history):
        if event.action == "state" and event.to_value == review.state:
            return {
                "state": review.get_state_display(),
                "who": actor_name(event.actor),
                "at": event.at,
                "reason": event.reason,
            }
    return None
