"""The director's queue: the scored reviews of a quarter, filtered by department, grade and
warning; approve one or the selected ones (all or none), approve all matching the filter
across its pages (after a confirmation step with the count; all or none), return one with a
comment and reopen an approved one with a reason (each in the page's one dialog)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from reviews import selectors, services, workflow
from reviews.forms.queue import (
    YES_NO_VALUE,
    BulkConfirmForm,
    QueueFilterForm,
    ReviewActionForm,
)
from reviews.models import Review
from reviews.pages.common import PAGE_SIZE, review_or_404
from reviews.pages.lists import (
    Problems,
    back,
    label,
    query_of,
    read_filters,
    reload_message,
    rendered,
)

QUEUE_KEYS = ("period", "department", "grade", "warning", "tab", "page")
# What approve-all keeps of the queue's query: its filter, not the tab or the page.
FILTER_KEYS = ("period", "department", "grade", "warning")


def _listed(
    roles: Any, cycle: Any, data: dict[str, Any], state: str = Review.State.SCORED
) -> QuerySet[Review]:
    """The queue's reviews in `state` (awaiting approval: scored) under its filter, every page
    of them."""
    department = data.get("department")
    return selectors.review_list(
        viewer_roles=roles,
        cycle=cycle,
        state=state,
        department_id=department.pk if department else None,
        grade=data.get("grade") or None,
        warning=YES_NO_VALUE.get(data.get("warning") or ""),
    )


def _refusal(error: Conflict | ValidationFailed) -> str:
    """What a refused approval says, in words: a `ValidationFailed`'s problems without the
    names of their fields."""
    if isinstance(error, ValidationFailed):
        return " ".join(str(item.message) for item in error.errors)
    return str(error.message)


def _queue_page(request: HttpRequest, query: QueryDict, problems: Problems) -> HttpResponse:
    roles = roles_of(request.user)
    filters = read_filters(QueueFilterForm, query, problems)
    form, data, status, cycle = filters.form, filters.data, filters.status, filters.cycle
    tab = (
        QueueFilterForm.TAB_APPROVED
        if query.get("tab") == QueueFilterForm.TAB_APPROVED
        else QueueFilterForm.TAB_PENDING
    )
    context: dict[str, Any] = {
        "form": form,
        "cycle": cycle,
        "tab": tab,
        "problems": problems,
        "query": query.urlencode(),
        "filters": query,
    }
    if cycle is not None:
        state = (
            Review.State.APPROVED if tab == QueueFilterForm.TAB_APPROVED else Review.State.SCORED
        )
        reviews = _listed(roles, cycle, data, state)
        page = Paginator(reviews, PAGE_SIZE).get_page(query.get("page"))
        counts = dict.fromkeys((Review.State.SCORED, Review.State.APPROVED), 0)
        counts.update(
            selectors.visible_reviews(viewer_roles=roles)
            .filter(cycle=cycle, state__in=list(counts))
            .order_by()
            .values_list("state")
            .annotate(count=Count("pk"))
        )
        context |= {
            "page": page,
            "rows": [
                {
                    "review": review,
                    "selected": review.pk in problems.selected,
                    "typed": problems.typed.get(review.pk, ""),
                    "error": problems.row_errors.get(review.pk, ""),
                }
                for review in page.object_list
            ],
            "pending_count": counts[Review.State.SCORED],
            "approved_count": counts[Review.State.APPROVED],
            "filter_query": query_of(query, FILTER_KEYS).urlencode(),
        }
        # A refused return or reopening opens the dialog again, with what was written.
        context["dialog"] = next(
            (row for row in context["rows"] if row["typed"] or (row["error"] and problems.typed)),
            None,
        )
    return rendered(request, "reviews/queue.html", context, status)


@allowed("is_director")
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, query_of(request.GET, QUEUE_KEYS), Problems())


@allowed("is_director")
@require_POST
def queue_approve(request: HttpRequest) -> HttpResponse:
    """Approve the reviews posted (`review`, one or many), all or none, each only if it still
    has the revision (`revision-<id>`) the page showed."""
    query = query_of(request.POST.get("query", ""), QUEUE_KEYS)
    raw_ids = request.POST.getlist("review")
    if not raw_ids:
        problem = Problems(message=gettext("Select at least one review to approve."), status=400)
        return _queue_page(request, query, problem)
    try:
        ids = list(dict.fromkeys(int(raw) for raw in raw_ids))
        expected = {pk: int(request.POST[f"revision-{pk}"]) for pk in ids}
    except (KeyError, ValueError):
        return _queue_page(request, query, Problems(message=reload_message(), status=400))
    found = selectors.reviews_by_ids(viewer_roles=roles_of(request.user), review_ids=ids)
    if len(found) != len(ids):
        raise Http404
    chosen = [found[pk] for pk in ids]
    stale = [
        review
        for review in chosen
        if review.revision != expected[review.pk]
        or not workflow.allows(workflow.Action.APPROVE, review.state)
        or review.scored_revision != review.revision
    ]
    if stale:
        message = ngettext(
            "Nothing was approved: this review changed after the page was shown, "
            "look at it again first: %(reviews)s.",
            "Nothing was approved: these reviews changed after the page was shown, "
            "look at them again first: %(reviews)s.",
            len(stale),
        ) % {"reviews": ", ".join(label(review) for review in stale)}
        return _queue_page(
            request,
            query,
            Problems(
                message=message,
                selected=set(ids),
                row_errors={review.pk: gettext("Changed since shown") for review in stale},
                status=409,
            ),
        )
    try:
        services.reviews_approve(actor=request.user, reviews=chosen, expected_revisions=expected)
    except (Conflict, ValidationFailed) as error:
        message = gettext("Nothing was approved: %(reason)s") % {"reason": _refusal(error)}
        status = 409 if isinstance(error, Conflict) else 400
        return _queue_page(
            request, query, Problems(message=message, selected=set(ids), status=status)
        )
    messages.success(
        request,
        ngettext("%(count)d review approved.", "%(count)d reviews approved.", len(chosen))
        % {"count": len(chosen)},
    )
    return back(request, "reviews:queue", query, _queue_page)


@allowed("is_director")
@require_http_methods(["GET", "POST"])
def queue_approve_all(request: HttpRequest) -> HttpResponse:
    """The confirmation of approve-all (GET: how many reviews match the queue's filter, on
    every page), and the approval (POST: all or none, with an optional reason; refused with the
    new count if the set changed since it was counted)."""
    roles = roles_of(request.user)
    source = request.POST.get("query", "") if request.method == "POST" else request.GET
    query = query_of(source, FILTER_KEYS)
    filters = read_filters(QueueFilterForm, query, Problems())
    if filters.cycle is None or filters.status != 200:
        raise Http404
    reviews = _listed(roles, filters.cycle, filters.data)
    encoded = query.urlencode()
    back_url = reverse("reviews:queue") + (f"?{encoded}" if encoded else "")
    message, status, reason = "", 200, ""
    if request.method == "POST":
        confirm = BulkConfirmForm(request.POST)
        reason = request.POST.get("reason", "")[:2000]
        if not confirm.is_valid():
            message, status = gettext("Confirm the number of reviews again."), 400
        else:
            try:
                outcome = services.reviews_approve_batch(
                    actor=request.user,
                    reviews=reviews,
                    reason=confirm.cleaned_data["reason"],
                    expected=confirm.cleaned_data["expected"],
                    fingerprint=confirm.cleaned_data["fingerprint"],
                )
            except (Conflict, ValidationFailed) as error:
                message, status = _refusal(error), 409 if isinstance(error, Conflict) else 400
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s review approved.", "%(count)s reviews approved.", outcome.done
                    )
                    % {"count": f"{outcome.done:,}"},
                )
                return HttpResponseRedirect(back_url)
    return render(
        request,
        "reviews/bulk_confirm.html",
        {
            "cycle": filters.cycle,
            "kind": "approve",
            "batch": selectors.approvable(reviews),
            "query": encoded,
            "action": reverse("reviews:queue_approve_all"),
            "back": back_url,
            "message": message,
            "reason": reason,
        },
        status=status,
    )


def _one_review_action(request: HttpRequest, text_field: str, act: Any, done: str) -> HttpResponse:
    """Return (with a comment) or reopen (with a reason) one review, then back to the queue."""
    query = query_of(request.POST.get("query", ""), QUEUE_KEYS)
    form = ReviewActionForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, query, Problems(message=reload_message(), status=400))
    review = review_or_404(request, form.cleaned_data["review"])
    text = request.POST.get(text_field, "")
    try:
        act(
            actor=request.user,
            review=review,
            text=text,
            expected_revision=form.cleaned_data["revision"],
        )
    except ValidationFailed as error:
        reason = "; ".join(str(item.message) for item in error.errors)
        problem = Problems(
            message=gettext("%(employee)s: nothing was saved. %(reason)s")
            % {"employee": label(review), "reason": reason},
            row_errors={review.pk: reason},
            typed={review.pk: text},
            status=400,
        )
        return _queue_page(request, query, problem)
    except Conflict as error:
        problem = Problems(
            message=gettext("%(employee)s: nothing was saved. %(reason)s")
            % {"employee": label(review), "reason": error.message},
            row_errors={review.pk: str(error.message)},
            typed={review.pk: text},
            status=409,
            kept=text.strip(),
        )
        return _queue_page(request, query, problem)
    messages.success(request, done % {"employee": label(review)})
    return back(request, "reviews:queue", query, _queue_page)


def _return(*, actor: Any, review: Review, text: str, expected_revision: int) -> None:
    services.review_return(
        actor=actor, review=review, comment=text, expected_revision=expected_revision
    )


def _reopen(*, actor: Any, review: Review, text: str, expected_revision: int) -> None:
    services.review_reopen(
        actor=actor, review=review, reason=text, expected_revision=expected_revision
    )


@allowed("is_director")
@require_POST
def queue_return(request: HttpRequest) -> HttpResponse:
    return _one_review_action(
        request, "comment", _return, gettext("%(employee)s: review returned to HR.")
    )


@allowed("is_director")
@require_POST
def queue_reopen(request: HttpRequest) -> HttpResponse:
    return _one_review_action(
        request, "reason", _reopen, gettext("%(employee)s: review reopened for a correction.")
    )


urlpatterns = [
    path("queue/", queue, name="queue"),
    path("queue/approve/", queue_approve, name="queue_approve"),
    path("queue/approve-all/", queue_approve_all, name="queue_approve_all"),
    path("queue/return/", queue_return, name="queue_return"),
    path("queue/reopen/", queue_reopen, name="queue_reopen"),
]
