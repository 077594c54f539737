"""One review's page with its actions, and its printable form (考核表).

Each action posts its own form (`action` names it) with the review's revision; the service
does it or refuses it. On success the page is drawn again fresh (Post/Redirect/Get, or an
htmx redirect); on bad input or a stale form it is drawn with a message, what was typed and,
after a conflict, the values saved meanwhile, and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.pages import allowed, is_htmx
from hrperf.lib.roles import roles_of
from reviews import selectors, services, workflow
from reviews.forms.review import (
    ApproveForm,
    FiguresForm,
    RatingsForm,
    ReopenForm,
    ReturnForm,
    RevisionForm,
)
from reviews.inputs import competency_codes
from reviews.models import Review
from reviews.pages.common import review_or_404
from reviews.pages.review_context import PAGE_ACTIONS, FormState, review_context

SUCCESS_TEXT = {
    "figures": gettext_lazy("Figures saved."),
    "rate-hr": gettext_lazy("Ratings saved."),
    "rate-marketing_director": gettext_lazy("Ratings saved."),
    "submit": gettext_lazy("Submitted for scoring."),
    "approve": gettext_lazy("Review approved."),
    "return": gettext_lazy("Review returned to HR."),
    "reopen": gettext_lazy("Review reopened."),
}


def _form(action: str, review: Review, data: Any) -> RevisionForm:
    """The form an action posts, bound to the request's data."""
    if action == "figures":
        return FiguresForm(data, line_ids=selectors.review_line_ids(review=review).values())
    if action.startswith("rate-"):
        return RatingsForm(data, competencies=competency_codes().values())
    if action == "return":
        return ReturnForm(data)
    if action == "reopen":
        return ReopenForm(data)
    if action == "approve":
        return ApproveForm(data)
    return RevisionForm(data)


def _act(actor: Any, review: Review, action: str, form: Any) -> None:
    """Run one action through its service; raises the services' errors."""
    common = {"actor": actor, "review": review, "expected_revision": form.cleaned_data["revision"]}
    code: str = form.cleaned_data.get("reason_code") or ""
    note: str = form.cleaned_data.get("reason_note") or ""
    if action == "figures":
        services.review_set_figures(figures=form.figures(), reason_code=code, note=note, **common)
    elif action.startswith("rate-"):
        role = action.removeprefix("rate-")
        services.review_rate(
            assessor_role=role,
            ratings=form.ratings(),
            comments=form.comments(),
            reason_code=code,
            note=note,
            **common,
        )
    elif action == "submit":
        services.review_submit(**common)
    elif action == "approve":
        services.review_approve(reason=form.cleaned_data.get("reason") or "", **common)
    elif action == "return":
        services.review_return(comment=form.cleaned_data["comment"], **common)
    elif action == "reopen":
        services.review_reopen(reason=form.cleaned_data["reason"], **common)


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


def _refused(state: FormState, action: str, error: Conflict) -> None:
    """What the form says after a conflict: someone changed the review meanwhile, or it is in a
    state that no longer allows the action."""
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


def _post(request: HttpRequest, review: Review, action: str, state: FormState) -> int:
    """Do the action posted; the status to draw the page with (0: done)."""
    form = _form(action, review, request.POST)
    if not form.is_valid():
        if "revision" in form.errors:
            state.message = gettext("The form is missing its version; reload the page.")
        else:
            state.errors = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            state.message = gettext("Nothing was saved: correct the fields marked below.")
        return 400
    try:
        _act(request.user, review, action, form)
    except ValidationFailed as error:
        state.errors = _errors_by_input(error, review)
        state.message = gettext("Nothing was saved: correct the fields marked below.")
        return 400
    except Conflict as error:
        _refused(state, action, error)
        return 409
    return 0


@allowed("sees_reviews")
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    obj = review_or_404(request, review_id)
    forms: dict[str, FormState] = {}
    action = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in PAGE_ACTIONS or not workflow.holds(
            PAGE_ACTIONS[action], roles_of(request.user)
        ):
            raise PermissionDenied
        typed = {
            key: request.POST.get(key, "") for key in request.POST if key != "csrfmiddlewaretoken"
        }
        forms[action] = FormState(values=typed)
        status = _post(request, obj, action, forms[action])
        if status == 0:
            messages.success(request, str(SUCCESS_TEXT[action]))
            if is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = request.path
                return response
            return redirect("reviews:review", review_id=obj.pk)
        obj = review_or_404(request, review_id)
    context = review_context(roles_of(request.user), obj, forms, action)
    return render(request, "reviews/review.html", context, status=status)


@allowed("sees_reviews")
@require_safe
def review_print(request: HttpRequest, review_id: int) -> HttpResponse:
    obj = review_or_404(request, review_id)
    return render(
        request, "reviews/review_print.html", review_context(roles_of(request.user), obj, {})
    )


urlpatterns = [
    path("reviews/<int:review_id>/", review, name="review"),
    path("reviews/<int:review_id>/print/", review_print, name="review_print"),
]
