"""The pages of conversations, improvement plans and written warnings. Each reads through the
selectors (an object the viewer may not see is a 404), acts through the services (a role the
workflow table does not give is a 403) and, on success, redirects (Post/Redirect/Get)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.pages import allowed, found
from hrperf.lib.roles import roles_of
from improvement import selectors, services
from improvement.forms import (
    AcknowledgeForm,
    CheckInForm,
    ConversationForm,
    JudgeForm,
    PlanForm,
)
from improvement.models import Plan
from reviews import workflow
from reviews.workflow import Action

PAGE_SIZE = 50
GET_POST = require_http_methods(["GET", "POST"])


def _conflict(request: HttpRequest, error: Conflict) -> None:
    messages.error(request, gettext("Nothing was saved. %(reason)s") % {"reason": error.message})


# -- conversations ------------------------------------------------------------------------------


@allowed("sees_warnings")
@GET_POST
def conversation_new(request: HttpRequest, review_id: int) -> HttpResponse:
    roles = roles_of(request.user)
    review = found(selectors.review_for_action(viewer_roles=roles, review_id=review_id))
    workflow.require(Action.RECORD_CONVERSATION, roles)
    form = ConversationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                conversation = services.conversation_record(
                    actor=request.user, review=review, **form.inputs()
                )
            except ValidationFailed as error:
                form.add_service_errors(error, form.filled_lines())
            except Conflict as error:
                _conflict(request, error)
                status = 409
            else:
                messages.success(request, gettext("The conversation was recorded."))
                return HttpResponseRedirect(
                    reverse("improvement:conversation", args=[conversation.pk])
                )
    return render(
        request,
        "improvement/conversation_form.html",
        {"review": review, "form": form},
        status=status,
    )


@allowed("signed_in")
@require_http_methods(["GET"])
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    return _conversation_page(request, conversation_id, AcknowledgeForm(), 200)


def _conversation_page(
    request: HttpRequest, conversation_id: int, form: AcknowledgeForm, status: int
) -> HttpResponse:
    roles = roles_of(request.user)
    record = found(selectors.conversation_get(viewer_roles=roles, conversation_id=conversation_id))
    can_acknowledge = (
        record.acknowledged_at is None
        and workflow.holds(Action.ACKNOWLEDGE_CONVERSATION, roles)
        and selectors.is_own(roles, record.review)
    )
    context = {
        "conversation": record,
        "review": record.review,
        "form": form,
        "can_acknowledge": can_acknowledge,
        "sees_review": selectors.sees_result(roles, record.review),
    }
    return render(request, "improvement/conversation.html", context, status=status)


@allowed("signed_in")
@require_POST
def conversation_acknowledge(request: HttpRequest, conversation_id: int) -> HttpResponse:
    roles = roles_of(request.user)
    record = found(selectors.conversation_get(viewer_roles=roles, conversation_id=conversation_id))
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _conversation_page(request, conversation_id, form, 400)
    try:
        services.conversation_acknowledge(
            actor=request.user, conversation=record, comment=form.cleaned_data["comment"]
        )
    except ValidationFailed as error:
        for item in error.errors:
            form.add_error(None, str(item.message))
        return _conversation_page(request, conversation_id, form, 400)
    except Conflict as error:
        _conflict(request, error)
        return _conversation_page(request, conversation_id, form, 409)
    messages.success(request, gettext("You acknowledged the conversation."))
    return HttpResponseRedirect(reverse("improvement:conversation", args=[record.pk]))


# -- plans --------------------------------------------------------------------------------------


@allowed("sees_warnings")
@require_http_methods(["GET"])
def plans(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    open_only = request.GET.get("show") != "all"
    page = Paginator(
        selectors.plan_list(viewer_roles=roles, open_only=open_only), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "improvement/plans.html",
        {"page": page, "rows": selectors.plan_rows(list(page.object_list)), "open_only": open_only},
    )


@allowed("is_hr")
@GET_POST
def plan_new(request: HttpRequest, review_id: int) -> HttpResponse:
    roles = roles_of(request.user)
    review = found(selectors.review_for_action(viewer_roles=roles, review_id=review_id))
    form = PlanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan = services.plan_create(actor=request.user, review=review, **form.inputs())
            except ValidationFailed as error:
                form.add_service_errors(error, form.filled_lines())
            except Conflict as error:
                _conflict(request, error)
                status = 409
            else:
                messages.success(request, gettext("The improvement plan was started."))
                return HttpResponseRedirect(reverse("improvement:plan", args=[plan.pk]))
    return render(
        request, "improvement/plan_form.html", {"review": review, "form": form}, status=status
    )


@allowed("signed_in")
@require_http_methods(["GET"])
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _plan_page(request, plan_id)


def _plan_page(
    request: HttpRequest,
    plan_id: int,
    check_in: CheckInForm | None = None,
    judge: JudgeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    roles = roles_of(request.user)
    record = found(selectors.plan_get(viewer_roles=roles, plan_id=plan_id))
    following = selectors.next_review(record)
    sees_following = following is not None and selectors.sees_result(roles, following)
    (row,) = selectors.plan_rows([record])
    context: dict[str, Any] = {
        "plan": record,
        "row": row,
        "goals": list(record.goals.all()),
        "check_ins": list(record.check_ins.all()),
        "following": following if sees_following else None,
        "sees_review": selectors.sees_result(roles, record.review),
        "can_check_in": record.is_open
        and workflow.holds(Action.CHECK_IN, roles)
        and selectors.may_act_on(roles, record.review),
        "can_judge": record.is_open and workflow.holds(Action.JUDGE_PLAN, roles),
        "check_in_form": check_in or CheckInForm(plan=record),
        "judge_form": judge or JudgeForm(),
    }
    return render(request, "improvement/plan.html", context, status=status)


def _plan_of(request: HttpRequest, plan_id: int) -> Plan:
    return found(selectors.plan_get(viewer_roles=roles_of(request.user), plan_id=plan_id))


@allowed("sees_warnings")
@require_POST
def plan_check_in(request: HttpRequest, plan_id: int) -> HttpResponse:
    record = _plan_of(request, plan_id)
    workflow.require(Action.CHECK_IN, roles_of(request.user))
    form = CheckInForm(request.POST, plan=record)
    if not form.is_valid():
        return _plan_page(request, plan_id, check_in=form, status=400)
    try:
        services.plan_check_in(actor=request.user, plan=record, **form.inputs())
    except ValidationFailed as error:
        form.add_service_errors(error)
        return _plan_page(request, plan_id, check_in=form, status=400)
    except Conflict as error:
        _conflict(request, error)
        return _plan_page(request, plan_id, check_in=form, status=409)
    messages.success(request, gettext("The check-in was recorded."))
    return HttpResponseRedirect(reverse("improvement:plan", args=[plan_id]))


@allowed("is_hr")
@require_POST
def plan_judge(request: HttpRequest, plan_id: int) -> HttpResponse:
    record = _plan_of(request, plan_id)
    form = JudgeForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, plan_id, judge=form, status=400)
    try:
        services.plan_judge(
            actor=request.user,
            plan=record,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            ends_on=form.cleaned_data["ends_on"],
        )
    except ValidationFailed as error:
        form.add_service_errors(error)
        return _plan_page(request, plan_id, judge=form, status=400)
    except Conflict as error:
        _conflict(request, error)
        return _plan_page(request, plan_id, judge=form, status=409)
    messages.success(request, gettext("The plan was judged."))
    return HttpResponseRedirect(reverse("improvement:plan", args=[plan_id]))


# -- the employee's own -------------------------------------------------------------------------


@allowed("sees_reviews")
@require_http_methods(["GET"])
def mine(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    employee = roles.employee
    own_plans = (
        selectors.plan_list(viewer_roles=roles).filter(employee=employee)
        if employee is not None
        else Plan.objects.none()
    )
    return render(
        request,
        "improvement/mine.html",
        {
            "conversations": list(selectors.conversation_list(viewer_roles=roles, mine=True)),
            "plans": list(own_plans),
        },
    )


# -- written warnings ---------------------------------------------------------------------------


@allowed("is_hr")
@require_POST
def written_warning_acknowledge(request: HttpRequest, written_warning_id: int) -> HttpResponse:
    roles = roles_of(request.user)
    written = found(
        selectors.written_warning_get(viewer_roles=roles, written_warning_id=written_warning_id)
    )
    try:
        services.written_warning_acknowledge(actor=request.user, written_warning=written)
    except Conflict as error:
        _conflict(request, error)
    else:
        messages.success(
            request,
            gettext("%(employee)s: written warning acknowledged.")
            % {"employee": written.employee.name},
        )
    return HttpResponseRedirect(reverse("reviews:warnings") + "?written=yes")
