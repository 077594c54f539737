"""A quarter's list of reviews, one review's page with its actions, and its printable form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from departments.models import Department
from hrperf.lib.bilingual import localized
from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.numbers import plain, plain_text, two
from hrperf.lib.pages import allowed, is_htmx
from hrperf.lib.roles import Roles, roles_of
from reviews import scoring, selectors, services
from reviews.messages import reason_text
from reviews.models import AssessorRole, AuditEvent, Review
from reviews.pages.common import PAGE_SIZE, cycle_or_404, review_or_404
from reviews.review_forms import ReviewFilterForm, RevisionForm

RULE_TEXT = {
    "higher": gettext_lazy("achievement = actual ÷ target (higher is better)"),
    "lower": gettext_lazy("achievement = target ÷ actual (lower is better)"),
    "lower_zero_actual": gettext_lazy("actual is 0 on a lower-is-better KPI: achievement = cap"),
    "weighted_mean": gettext_lazy("weighted mean"),
    "mean_times_20": gettext_lazy("mean of the ratings × 20"),
    "shares": gettext_lazy("KPI score and competency score by their shares"),
    "band": gettext_lazy("grade by the policy's bands, with its pay coefficient"),
}
KIND_TEXT = {
    scoring.StepKind.LINE: gettext_lazy("KPI line"),
    scoring.StepKind.KPI: gettext_lazy("KPI score (K)"),
    scoring.StepKind.ASSESSOR: gettext_lazy("Assessor's competency score"),
    scoring.StepKind.COMPETENCY: gettext_lazy("Competency score (C)"),
    scoring.StepKind.TOTAL: gettext_lazy("Total (T)"),
    scoring.StepKind.GRADE: gettext_lazy("Grade"),
    scoring.StepKind.WARNING: gettext_lazy("Verbal warning"),
}
FIGURE_TEXT = {
    "target": gettext_lazy("Target of %(kpi)s"),
    "actual": gettext_lazy("Actual figure of %(kpi)s"),
    "weight": gettext_lazy("Weight of %(kpi)s"),
}
# Reasons the system itself writes into the history, shown in the viewer's language.
SYSTEM_REASON_TEXT = {
    "incomplete": gettext_lazy("inputs were missing when it was scored"),
    "inputs changed": gettext_lazy("inputs changed"),
}
SUCCESS_TEXT = {
    "figures": gettext_lazy("Figures saved."),
    "rate-hr": gettext_lazy("Ratings saved."),
    "rate-marketing_director": gettext_lazy("Ratings saved."),
    "submit": gettext_lazy("Submitted for scoring."),
    "approve": gettext_lazy("Review approved."),
    "return": gettext_lazy("Review returned to HR."),
    "reopen": gettext_lazy("Review reopened."),
}
STATE_TEXT = dict(Review.State.choices)


# -- the list --------------------------------------------------------------------------------


@allowed("sees_reviews")
def review_list(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    roles = roles_of(request.user)
    form = ReviewFilterForm(request.GET or None)
    if not roles.sees_all_reviews and roles.employee is not None:
        # A head or an employee only ever sees reviews of their own department.
        choices = form.fields["department"]
        if isinstance(choices, ModelChoiceField):
            choices.queryset = Department.objects.filter(pk=roles.employee.department_id)
    filters: dict[str, Any] = {}
    text = ""
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "department_id": data["department"].pk if data["department"] else None,
            "state": data["state"] or None,
            "grade": data["grade"] or None,
            "warning": {"yes": True, "no": False}.get(data["warning"]),
            "needs": data["needs"] or None,
        }
        text = data["q"]
    reviews = selectors.review_list(viewer_roles=roles, cycle=cycle, **filters)
    reviews = selectors.review_list_search(reviews, text)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    # A filter that makes no sense is named above the (unfiltered) list, as on the queue.
    return render(
        request,
        "reviews/review_list.html",
        {"cycle": cycle, "form": form, "page": page},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# -- one review ------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Names:
    """The viewer's-language names of what the scoring rules and the history refer to by code."""

    kpis: dict[str, str]  # KPI code → name
    competencies: dict[str, str]  # competency code → text

    def kpi(self, code: str) -> str:
        return self.kpis.get(code, code)

    def competency(self, code: str) -> str:
        return self.competencies.get(code, code)


def assessor_name(role: str) -> str:
    return str(AssessorRole(role).label) if role in AssessorRole.values else role


def _names(detail: selectors.ReviewDetail) -> Names:
    competencies = {}
    for assessor in detail.assessors:
        for rating in assessor.ratings:
            competencies[rating.competency.code] = localized(rating.competency, "text")
    return Names(
        kpis={row.line.code: localized(row.line, "name") for row in detail.lines},
        competencies=competencies,
    )


def _missing(review: Review, names: Names) -> list[dict[str, str]]:
    """What the review lacks before it can be scored, as sentences naming the KPIs,
    competencies and assessors in the viewer's language."""
    rows = []
    for reason in review.incomplete_reasons or []:
        params = {key: str(value) for key, value in reason.items() if key != "code"}
        if "kpi" in params:
            params["kpi"] = names.kpi(params["kpi"])
        if "competency" in params:
            params["competency"] = names.competency(params["competency"])
        code = str(reason.get("code", ""))
        rows.append({"code": code, "text": reason_text(code, params)})
    return rows


def _steps(steps: list[scoring.Step], names: Names) -> list[dict[str, Any]]:
    """The calculation, one step a row: what is computed, by which rule, the arithmetic and
    its result; the grade and warning steps as a sentence."""
    rows = []
    for step in steps:
        notes = []
        if step.params.get("capped") == "true":
            notes.append(gettext("capped at %(cap)s%%") % {"cap": step.params.get("cap", "")})
        if step.params.get("below_floor") == "true":
            notes.append(
                gettext("below the floor of %(floor)s%%: scores 0")
                % {"floor": step.params.get("floor", "")}
            )
        subject = ""
        if step.kind == scoring.StepKind.LINE:
            subject = names.kpi(step.key)
        elif step.kind == scoring.StepKind.ASSESSOR:
            subject = assessor_name(step.key)
        rule = str(RULE_TEXT.get(step.rule, step.rule))
        expression = f"{step.expression} = {two(step.rounded)}"
        sentence = ""
        total = two(step.rounded)
        if step.kind == scoring.StepKind.GRADE:
            if Decimal(step.params.get("lowest", "0") or "0") > 0:
                text = gettext(
                    "%(total)s is at least %(lowest)s, the lowest total for grade %(grade)s: "
                    "grade %(grade)s, pay coefficient %(coefficient)s."
                )
            else:  # the lowest band, which starts at 0
                text = gettext(
                    "%(total)s is below the bands of all higher grades: "
                    "grade %(grade)s, pay coefficient %(coefficient)s."
                )
            sentence = text % {
                "total": total,
                "lowest": step.params.get("lowest", ""),
                "grade": step.params.get("grade", ""),
                "coefficient": step.params.get("coefficient", ""),
            }
        elif step.kind == scoring.StepKind.WARNING:
            rule = ""
            threshold = step.params.get("threshold", "")
            if step.rule == "below_threshold":
                text = gettext("%(total)s is below the threshold %(threshold)s: verbal warning.")
            else:
                text = gettext(
                    "%(total)s is not below the threshold %(threshold)s: no verbal warning."
                )
            sentence = text % {"total": total, "threshold": threshold}
        rows.append(
            {
                "kind": KIND_TEXT.get(step.kind, step.kind),
                "key": step.key,
                "subject": subject,
                "rule": rule,
                "expression": "" if sentence else expression,
                "sentence": sentence,
                "notes": notes,
            }
        )
    return rows


def _actor_name(user: Any) -> str:
    if user is None:
        return gettext("System")
    return str(user.get_full_name() or user.get_username())


def _history(events: list[AuditEvent], names: Names) -> list[dict[str, Any]]:
    """Each event of the review as who, when, what (in words) and why."""
    rows = []
    for event in events:
        before = plain_text(event.from_value) or "—"
        after = plain_text(event.to_value) or "—"
        reason = event.reason
        if event.action == "created":
            what = gettext("Review created")
        elif event.action == "state":
            what = gettext("State: %(from)s → %(to)s") % {
                "from": STATE_TEXT.get(event.from_value, event.from_value),
                "to": STATE_TEXT.get(event.to_value, event.to_value),
            }
        elif event.action == "figure" and "." in event.field:
            code, part = event.field.rsplit(".", 1)
            label = FIGURE_TEXT.get(part)
            subject = str(label % {"kpi": names.kpi(code)}) if label else event.field
            what = gettext("%(field)s: %(from)s → %(to)s") % {
                "field": subject,
                "from": before,
                "to": after,
            }
        elif event.action == "rating" and "." in event.field:
            role, code = event.field.split(".", 1)
            params = {
                "assessor": assessor_name(role),
                "competency": names.competency(code),
                "from": before,
                "to": after,
            }
            if event.from_value == event.to_value:
                what = gettext("%(assessor)s changed the comment on %(competency)s") % params
            else:
                what = gettext("%(assessor)s rated %(competency)s %(from)s → %(to)s") % params
        elif event.action == "scored":
            grade = re.search(r"grade ([SABCD])\b", reason)
            if grade:
                what = gettext("Scored: total %(total)s, grade %(grade)s") % {
                    "total": two(Decimal(event.to_value)) if event.to_value else "—",
                    "grade": grade.group(1),
                }
            else:
                what = gettext("Scored: total %(total)s") % {"total": after}
            reason = ""  # the worker's own note (grade, revision) is said above
        elif event.action == "warning_acknowledged":
            what = gettext("Verbal warning acknowledged")
        else:
            what = event.action
        rows.append(
            {
                "action": event.action,
                "at": event.at,
                "who": _actor_name(event.actor),
                "what": what,
                "why": str(SYSTEM_REASON_TEXT.get(reason, reason)),
            }
        )
    return rows


def _assessor_role_of(roles: Roles) -> str | None:
    if roles.is_director:
        return AssessorRole.MARKETING_DIRECTOR
    if roles.is_hr:
        return AssessorRole.HR
    return None


def _differs(typed: str, current: Decimal | int | None) -> bool:
    """Whether a value typed in a form differs from the one saved now."""
    try:
        return Decimal(typed.strip()) != current
    except (InvalidOperation, ValueError):
        return typed.strip() != plain(current)


def _summarise_errors(state: FormState, labels: dict[str, str]) -> None:
    """List every error of the form above it, each after the name of its field."""
    for name, errors in state.errors.items():
        label = labels.get(name, "")
        for error in errors:
            state.general.append(
                gettext("%(field)s: %(error)s") % {"field": label, "error": error}
                if label
                else error
            )


def _context(
    request: HttpRequest, review: Review, forms: dict[str, FormState], action: str = ""
) -> dict[str, Any]:
    roles = roles_of(request.user)
    detail = selectors.review_detail(review=review)
    names = _names(detail)
    editable = review.state != Review.State.APPROVED
    can_edit_figures = roles.is_hr and editable
    figures = forms.get("figures", FormState())
    lines = []
    figure_labels: dict[str, str] = {}
    for line_detail in detail.lines:
        line = line_detail.line
        inputs = []
        for name in ("target", "actual", "weight"):
            key = f"{name}-{line.pk}"
            current = getattr(line, name)
            label = str(FIGURE_TEXT[name] % {"kpi": names.kpi(line.code)})
            figure_labels[key] = label
            value = figures.values.get(key, plain(current))
            inputs.append(
                {
                    "name": key,
                    "label": label,
                    "value": value,
                    "current": plain(current) or "—",
                    # After a conflict: the saved value differs from the one typed.
                    "differs": figures.stale and _differs(value, current),
                    "errors": figures.errors.get(key, []),
                }
            )
        lines.append(
            {
                "detail": line_detail,
                "line": line,
                "name": names.kpi(line.code),
                "target": plain(line.target) or "—",
                "actual": plain(line.actual) or "—",
                "achievement": two(line_detail.achievement) or "—",
                "score": two(line_detail.score) or "—",
                "inputs": inputs,
            }
        )
    _summarise_errors(figures, figure_labels)
    my_role = _assessor_role_of(roles)
    assessors = []
    for assessor in detail.assessors:
        role = assessor.assessor_role
        state = forms.get(f"rate-{role}", FormState())
        can_rate = editable and my_role == role
        ratings = []
        rating_labels = {}
        for rating in assessor.ratings:
            code = rating.competency.code
            rating_labels[f"rating-{code}"] = names.competency(code)
            value = state.values.get(
                f"rating-{code}", "" if rating.value is None else str(rating.value)
            )
            ratings.append(
                {
                    "detail": rating,
                    "code": code,
                    "name": names.competency(code),
                    "value": value,
                    "differs": state.stale and _differs(value, rating.value),
                    "comment": state.values.get(f"comment-{code}", rating.comment),
                    "errors": state.errors.get(f"rating-{code}", []),
                }
            )
        _summarise_errors(state, rating_labels)
        assessors.append(
            {
                "detail": assessor,
                "role": role,
                "name": assessor_name(role),
                "weight": plain(assessor.weight),
                "score": two(assessor.score) or "—",
                "ratings": ratings,
                "form": state,
                "can_rate": can_rate,
            }
        )
    gap = selectors.assessor_gap(assessors=detail.assessors)
    missing = _missing(review, names)
    can_submit = (
        roles.is_hr
        and review.state in (Review.State.DRAFT, Review.State.RETURNED, Review.State.REOPENED)
        and not missing
    )
    can_approve = roles.is_director and review.state == Review.State.SCORED
    can_reopen = roles.is_director and review.state == Review.State.APPROVED
    for name, label in (
        ("return", gettext("Comment for HR")),
        ("reopen", gettext("Reason for reopening")),
    ):
        if name in forms:
            _summarise_errors(forms[name], {"comment": label, "reason": label})
    for name in ("submit", "approve"):
        if name in forms:
            _summarise_errors(forms[name], {})
    shown_forms = {
        "figures": can_edit_figures,
        "rate-hr": any(a["can_rate"] and a["role"] == "hr" for a in assessors),
        "rate-marketing_director": any(
            a["can_rate"] and a["role"] == "marketing_director" for a in assessors
        ),
        "submit": can_submit,
        "approve": can_approve,
        "return": can_approve,
        "reopen": can_reopen,
    }
    # Why it was returned or reopened, for whoever has to act on it next.
    why_here = None
    if review.state in (Review.State.RETURNED, Review.State.REOPENED):
        for event in reversed(detail.history):
            if event.action == "state" and event.to_value == review.state:
                why_here = {
                    "state": review.get_state_display(),
                    "who": _actor_name(event.actor),
                    "at": event.at,
                    "reason": event.reason,
                }
                break
    acting = forms.get(action)
    # A message about a form no longer shown (the review moved on meanwhile) goes on top.
    page_form = acting if acting is not None and not shown_forms.get(action) else None
    if page_form is not None:
        page_form.kept = page_form.values.get("comment", "") or page_form.values.get("reason", "")
    return {
        "review": review,
        "detail": detail,
        "lines": lines,
        "assessors": assessors,
        "steps": _steps(detail.steps, names),
        "missing": missing,
        "history": _history(detail.history, names),
        "sees_history": roles.is_hr or roles.is_director or roles.is_head,
        "total": two(review.total_score) or "—",
        "kpi_score": two(review.kpi_score) or "—",
        "competency_score": two(review.competency_score) or "—",
        "coefficient": two(review.pay_coefficient) or "—",
        "has_comments": any(
            rating.comment for assessor in detail.assessors for rating in assessor.ratings
        ),
        "gap": two(gap) if gap is not None else "",
        "gap_flag": (roles.is_hr or roles.is_director)
        and gap is not None
        and gap > selectors.ASSESSOR_GAP_LIMIT,
        "forms": forms,
        "page_form": page_form,
        "can_edit_figures": can_edit_figures,
        "can_submit": can_submit,
        "can_approve": can_approve,
        "can_reopen": can_reopen,
        "waiting_for_worker": review.state == Review.State.SUBMITTED,
        "why_here": why_here,
        "rescored_on_change": review.state in (Review.State.SUBMITTED, Review.State.SCORED),
        "ratings_choices": ["1", "2", "3", "4", "5"],
    }


def _errors_by_input(error: ValidationFailed, review: Review) -> dict[str, list[str]]:
    """Service field names (`SALES_REV.target`, `ratings.TEAM`) → the page's input names."""
    line_ids = selectors.review_line_ids(review=review)
    out: dict[str, list[str]] = {}
    for item in error.errors:
        name = item.field
        if name.startswith("ratings."):
            name = "rating-" + name.removeprefix("ratings.")
        elif "." in name:
            code, part = name.rsplit(".", 1)
            if code in line_ids:
                name = f"{part}-{line_ids[code]}"
        out.setdefault(name, []).append(str(item.message))
    return out


def _act(request: HttpRequest, review: Review, action: str, revision: int) -> None:
    """Run one action through its service; raises the services' errors."""
    actor = request.user
    post = request.POST
    if action == "figures":
        figures: dict[int, dict[str, str]] = {}
        for line_id in selectors.review_line_ids(review=review).values():
            for name in ("target", "actual", "weight"):
                key = f"{name}-{line_id}"
                if key in post:
                    figures.setdefault(line_id, {})[name] = post[key]
        services.review_set_figures(
            actor=actor, review=review, figures=figures, expected_revision=revision
        )
    elif action.startswith("rate-"):
        role = action.removeprefix("rate-")
        ratings: dict[str, int | None] = {}
        comments: dict[str, str] = {}
        for key in post:
            value = post.get(key, "")
            if key.startswith("rating-") and value.strip():
                ratings[key.removeprefix("rating-")] = value  # type: ignore[assignment]
            elif key.startswith("comment-"):
                comments[key.removeprefix("comment-")] = value
        services.review_rate(
            actor=actor,
            review=review,
            assessor_role=role,
            ratings=ratings,
            comments=comments,
            expected_revision=revision,
        )
    elif action == "submit":
        services.review_submit(actor=actor, review=review, expected_revision=revision)
    elif action == "approve":
        services.review_approve(actor=actor, review=review, expected_revision=revision)
    elif action == "return":
        comment = post.get("comment", "")
        services.review_return(
            actor=actor, review=review, comment=comment, expected_revision=revision
        )
    elif action == "reopen":
        reason = post.get("reason", "")
        services.review_reopen(
            actor=actor, review=review, reason=reason, expected_revision=revision
        )
    else:
        raise PermissionDenied


ACTION_ROLES = {
    "figures": lambda r: r.is_hr,
    "rate-hr": lambda r: r.is_hr,
    "rate-marketing_director": lambda r: r.is_director,
    "submit": lambda r: r.is_hr,
    "approve": lambda r: r.is_director,
    "return": lambda r: r.is_director,
    "reopen": lambda r: r.is_director,
}


@allowed("sees_reviews")
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    obj = review_or_404(request, review_id)
    forms: dict[str, FormState] = {}
    action = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        test = ACTION_ROLES.get(action)
        if test is None or not test(roles_of(request.user)):
            raise PermissionDenied
        typed = {
            key: request.POST.get(key, "") for key in request.POST if key != "csrfmiddlewaretoken"
        }
        revision_form = RevisionForm(request.POST)
        state = FormState(values=typed)
        forms[action] = state
        if not revision_form.is_valid():
            state.message = gettext("The form is missing its version; reload the page.")
            status = 400
        else:
            try:
                _act(request, obj, action, revision_form.cleaned_data["revision"])
            except ValidationFailed as error:
                state.errors = _errors_by_input(error, obj)
                state.message = gettext("Nothing was saved: correct the fields marked below.")
                status = 400
            except Conflict as error:
                state.stale = error.code == "stale"
                state.message = str(error.message)
                if state.stale and (action == "figures" or action.startswith("rate-")):
                    state.hint = gettext(
                        "What you typed is kept below; where the saved value is now different, "
                        "it is shown under the field (“now:”). Check them, then save again."
                    )
                elif state.stale:
                    state.hint = gettext(
                        "What you typed is kept. Check the review as it is now, then send again."
                    )
                status = 409
            else:
                messages.success(request, str(SUCCESS_TEXT[action]))
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = request.path
                    return response
                return redirect("reviews:review", review_id=obj.pk)
        obj = review_or_404(request, review_id)
    context = _context(request, obj, forms, action)
    return render(request, "reviews/review.html", context, status=status)


@allowed("sees_reviews")
@require_safe
def review_print(request: HttpRequest, review_id: int) -> HttpResponse:
    obj = review_or_404(request, review_id)
    return render(request, "reviews/review_print.html", _context(request, obj, {}))


urlpatterns = [
    path("quarters/<str:period>/reviews/", review_list, name="review_list"),
    path("reviews/<int:review_id>/", review, name="review"),
    path("reviews/<int:review_id>/print/", review_print, name="review_print"),
]
