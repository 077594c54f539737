"""The pages of confirmations and appeals: the employee confirms their approved result (a
button on the review's page) or appeals it (the appeal form); the appeal's page with its
exchange and HR's answer; HR's list of appeals with their answer dates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appeals import selectors, services
from appeals.forms import AnswerForm, AppealFilterForm, AppealForm
from appeals.inputs import LINE, RATING, disputed_of
from appeals.models import Appeal, AppealItem
from evidence.models import Purpose
from evidence.selectors import evidence_of
from hrperf.lib.bilingual import localized
from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.numbers import amount
from hrperf.lib.pages import allowed, found
from hrperf.lib.punctuation import parens
from hrperf.lib.roles import roles_of
from reviews import workflow
from reviews.pages.common import PAGE_SIZE, review_or_404
from reviews.pages.wording import actor_name, assessor_name
from reviews.workflow import Action

app_name = "appeals"

STEP_TEXT = {
    "filed": gettext_lazy("Appeal filed"),
    "accepted": gettext_lazy("Accepted by HR"),
    "rejected": gettext_lazy("Rejected by HR"),
    "reopened": gettext_lazy("Review reopened for the correction as version %(version)s"),
    "told": gettext_lazy("Employee told of the answer"),
    "reapproved": gettext_lazy("Correction approved as version %(version)s"),
}
CHANNEL_TEXT = {
    "page": gettext_lazy("on their review and appeal pages"),
    "mail": gettext_lazy("by mail"),
    "notice": gettext_lazy("by message"),
}


def item_label(item: AppealItem) -> str:
    if item.kind == LINE and item.line is not None:
        return gettext("KPI line: %(kpi)s") % {"kpi": localized(item.line, "name")}
    if item.kind == RATING and item.competency is not None:
        return gettext("Rating by %(assessor)s: %(competency)s") % {
            "assessor": assessor_name(item.assessor_role),
            "competency": localized(item.competency, "text"),
        }
    return gettext("The whole result")


def _choice_rows(review: Any) -> list[dict[str, Any]]:
    rows = []
    for choice in selectors.dispute_choices(review=review):
        if choice.line is not None:
            line = choice.line
            label = gettext("%(kpi)s (target %(target)s, actual %(actual)s)") % {
                "kpi": localized(line, "name"),
                "target": amount(line.target) or "—",
                "actual": amount(line.actual) or "—",
            }
        elif choice.rating is not None:
            rating = choice.rating
            label = gettext("%(assessor)s rated %(competency)s: %(value)s") % {
                "assessor": assessor_name(rating.assessor_role),
                "competency": localized(rating.competency, "text"),
                "value": rating.value if rating.value is not None else "—",
            }
        else:
            label = gettext("The whole result")
        rows.append({"token": choice.token, "kind": choice.kind, "label": label})
    return rows


@allowed("sees_reviews")
@require_POST
def review_confirm(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_or_404(request, review_id)
    try:
        services.result_confirm(user=request.user, roles=roles_of(request.user), review=review)
    except Conflict as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, gettext("You confirmed your result."))
    return redirect("reviews:review", review_id=review.pk)


@allowed("sees_reviews")
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest, review_id: int) -> HttpResponse:
    roles = roles_of(request.user)
    review = review_or_404(request, review_id)
    if not workflow.holds(Action.APPEAL, roles) or not selectors.own_review(roles, review):
        raise PermissionDenied
    choices = _choice_rows(review)
    form = AppealForm(request.POST or None, tokens=[row["token"] for row in choices])
    message, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            items = [disputed_of(token) for token in form.cleaned_data["items"]]
            try:
                appeal = services.appeal_file(
                    user=request.user,
                    roles=roles,
                    review=review,
                    items=[item for item in items if item is not None],
                    grounds=form.cleaned_data["grounds"],
                    files=request.FILES.getlist("evidence"),
                )
            except ValidationFailed as error:
                for problem in error.errors:
                    form.add_error(
                        problem.field if problem.field in form.fields else None,
                        str(problem.message),
                    )
                status = 400
            except Conflict as error:
                message, status = str(error.message), 409
            else:
                messages.success(request, gettext("Your appeal is filed; HR answers it."))
                return redirect("appeals:appeal", appeal_id=appeal.pk)
        else:
            status = 400
        message = message or gettext("Nothing was saved: correct the fields marked below.")
    mark = selectors.review_mark(viewer_roles=roles, review=review)
    context = {
        "review": review,
        "form": form,
        "choices": choices,
        "chosen": set(request.POST.getlist("items")),
        "mark": mark,
        "message": message,
    }
    return render(request, "appeals/appeal_form.html", context, status=status)


def _appeal_context(
    request: HttpRequest, appeal: Appeal, form: AnswerForm | None
) -> dict[str, Any]:
    roles = roles_of(request.user)
    steps = []
    for step in selectors.exchange(appeal):
        what = str(STEP_TEXT.get(step.kind, step.kind)) % {"version": step.version or ""}
        if step.channel:
            what = f"{what}{parens(CHANNEL_TEXT.get(step.channel, step.channel))}"
        steps.append(
            {
                "kind": step.kind,
                "at": step.at,
                "who": actor_name(step.actor)
                if step.actor is not None or step.kind != "told"
                else "",
                "what": what,
                "text": step.text,
            }
        )
    return {
        "appeal": appeal,
        "review": appeal.review,
        "items": [item_label(item) for item in appeal.items.all()],
        "evidence": evidence_of(review=appeal.review_id, purpose=Purpose.APPEAL, ref=appeal.pk),
        "steps": steps,
        "overdue": selectors.is_overdue(appeal),
        "can_answer": appeal.status == Appeal.Status.FILED
        and workflow.holds(Action.ANSWER_APPEAL, roles),
        "form": form or AnswerForm(),
        "sees_review": appeal.review.state == appeal.review.State.APPROVED
        or roles.sees_all_reviews
        or roles.headed_department_id == appeal.review.department_id,
    }


@allowed("sees_reviews")
@require_GET
def appeal_page(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = found(selectors.appeal_get(viewer_roles=roles_of(request.user), appeal_id=appeal_id))
    return render(request, "appeals/appeal.html", _appeal_context(request, appeal, None))


@allowed("is_hr")
@require_POST
def appeal_answer(request: HttpRequest, appeal_id: int) -> HttpResponse:
    roles = roles_of(request.user)
    appeal = found(selectors.appeal_get(viewer_roles=roles, appeal_id=appeal_id))
    form = AnswerForm(request.POST)
    status = 400
    if form.is_valid():
        answer = (
            services.appeal_accept
            if form.cleaned_data["answer"] == "accept"
            else services.appeal_reject
        )
        try:
            answer(
                user=request.user, roles=roles, appeal=appeal, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as error:
            for problem in error.errors:
                form.add_error(
                    problem.field if problem.field in form.fields else None, str(problem.message)
                )
        except Conflict as error:
            form.add_error(None, str(error.message))
            status = 409
        else:
            messages.success(request, gettext("The appeal is answered; the employee is told."))
            return redirect("appeals:appeal", appeal_id=appeal.pk)
    context = _appeal_context(request, appeal, form)
    return render(request, "appeals/appeal.html", context, status=status)


@allowed("sees_reviews")
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    form = AppealFilterForm(request.GET or None, periods=selectors.periods())
    period = status = None
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"] or None
        status = form.cleaned_data["status"] or None
    appeals = selectors.appeal_list(viewer_roles=roles, period=period, status=status)
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {"appeal": appeal, "overdue": selectors.is_overdue(appeal, now=now)}
        for appeal in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(
        request,
        "appeals/appeal_list.html",
        context,
        status=200 if form.is_valid() or not form.is_bound else 400,
    )


urlpatterns = [
    path("appeals/", appeal_list, name="list"),
    path("appeals/<int:appeal_id>/", appeal_page, name="appeal"),
    path("appeals/<int:appeal_id>/answer/", appeal_answer, name="answer"),
    path("reviews/<int:review_id>/confirm/", review_confirm, name="confirm"),
    path("reviews/<int:review_id>/appeal/", appeal_new, name="new"),
]
