"""The director's queue (approve one or many, return with a comment, reopen with a reason) and
the list of verbal warnings (acknowledged by HR with a note of the conversation held).

Every action posts a plain form and, on success, redirects back to the page with its filters
(Post/Redirect/Get). On bad input or a stale form the page is drawn again with a message, what
the user typed and the selection kept, and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.pages import allowed, is_htmx
from hrperf.lib.roles import roles_of
from reviews import selectors, services
from reviews.models import Review, ReviewCycle
from reviews.pages.common import PAGE_SIZE, review_or_404
from reviews.queue_forms import (
    YES_NO_VALUE,
    NoteForm,
    QuarterForm,
    QueueFilterForm,
    ReviewActionForm,
    WarningFilterForm,
)

QUEUE_KEYS = ("period", "department", "grade", "warning", "tab", "page")
WARNING_KEYS = ("period", "acknowledged", "page")


def _query(raw: str | QueryDict, keys: tuple[str, ...]) -> QueryDict:
    """The page's own filters out of a query string (or GET), nothing else."""
    source = QueryDict(raw) if isinstance(raw, str) else raw
    query = QueryDict(mutable=True)
    for key in keys:
        value = source.get(key, "")
        if value:
            query[key] = value[:100]
    return query


def _back(request: HttpRequest, name: str, query: QueryDict) -> HttpResponse:
    """After a successful action: back to the page with its filters. A plain form is redirected
    (Post/Redirect/Get); htmx gets the page at once, with that page's address to show."""
    encoded = query.urlencode()
    url = reverse(name) + (f"?{encoded}" if encoded else "")
    if not is_htmx(request):
        return HttpResponseRedirect(url)
    draw = _queue_page if name == "reviews:queue" else _warnings_page
    response = draw(request, query, Problems())
    response["HX-Push-Url"] = url
    return response


def _label(review: Review) -> str:
    return f"{review.employee.employee_no} {review.employee.name}"


def _rendered(
    request: HttpRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    response = render(request, template, context, status=status)
    if request.method == "POST" and is_htmx(request):
        # A refused form swapped in by htmx: the address stays the page's, not the action's.
        response["HX-Push-Url"] = "false"
    return response


@dataclass
class Problems:
    """What a failed action draws again: a message, errors and typed text by review (or warning)
    id, and the reviews that stay selected."""

    message: str = ""
    row_errors: dict[int, str] = field(default_factory=dict)
    typed: dict[int, str] = field(default_factory=dict)
    selected: set[int] = field(default_factory=set)
    status: int = 200
    kept: str = ""  # what the user wrote, shown again when their row has left the page


# -- the director's queue --------------------------------------------------------------------


@dataclass
class Filters:
    """A list page's filter form as read from its query: a filter that makes no sense is shown
    as an error (400) over the unfiltered list, unless the page already answers an error."""

    form: QuarterForm
    data: dict[str, Any]
    status: int
    cycle: ReviewCycle | None


def _filters(form_class: type[QuarterForm], query: QueryDict, problems: Problems) -> Filters:
    form = form_class(query, cycles=selectors.cycles_newest_first())
    valid = form.is_valid()
    status = problems.status if valid or problems.status != 200 else 400
    return Filters(
        form=form,
        data=form.cleaned_data if valid else {},
        status=status,
        cycle=form.chosen_cycle(),
    )


def _queue_page(request: HttpRequest, query: QueryDict, problems: Problems) -> HttpResponse:
    roles = roles_of(request.user)
    filters = _filters(QueueFilterForm, query, problems)
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
        department = data.get("department")
        reviews = selectors.review_list(
            viewer_roles=roles,
            cycle=cycle,
            state=state,
            department_id=department.pk if department else None,
            grade=data.get("grade") or None,
            warning=YES_NO_VALUE.get(data.get("warning") or ""),
        )
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
        }
    return _rendered(request, "reviews/queue.html", context, status)


@allowed("is_director")
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, _query(request.GET, QUEUE_KEYS), Problems())


def _reload_message() -> str:
    return gettext("The form is incomplete or out of date; reload the page and try again.")


@allowed("is_director")
@require_POST
def queue_approve(request: HttpRequest) -> HttpResponse:
    """Approve the reviews posted (`review`, one or many), all or none, each only if it still
    has the revision (`revision-<id>`) the page showed."""
    query = _query(request.POST.get("query", ""), QUEUE_KEYS)
    raw_ids = request.POST.getlist("review")
    if not raw_ids:
        problem = Problems(message=gettext("Select at least one review to approve."), status=400)
        return _queue_page(request, query, problem)
    try:
        ids = list(dict.fromkeys(int(raw) for raw in raw_ids))
        expected = {pk: int(request.POST[f"revision-{pk}"]) for pk in ids}
    except (KeyError, ValueError):
        return _queue_page(request, query, Problems(message=_reload_message(), status=400))
    found = selectors.reviews_by_ids(viewer_roles=roles_of(request.user), review_ids=ids)
    if len(found) != len(ids):
        raise Http404
    chosen = [found[pk] for pk in ids]
    stale = [
        review
        for review in chosen
        if review.revision != expected[review.pk]
        or review.state != Review.State.SCORED
        or review.scored_revision != review.revision
    ]
    if stale:
        message = ngettext(
            "Nothing was approved: this review changed after the page was shown, "
            "look at it again first: %(reviews)s.",
            "Nothing was approved: these reviews changed after the page was shown, "
            "look at them again first: %(reviews)s.",
            len(stale),
        ) % {"reviews": ", ".join(_label(review) for review in stale)}
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
        message = gettext("Nothing was approved: %(reason)s") % {"reason": error.message}
        status = 409 if isinstance(error, Conflict) else 400
        return _queue_page(
            request, query, Problems(message=message, selected=set(ids), status=status)
        )
    messages.success(
        request,
        ngettext("%(count)d review approved.", "%(count)d reviews approved.", len(chosen))
        % {"count": len(chosen)},
    )
    return _back(request, "reviews:queue", query)


def _one_review_action(request: HttpRequest, text_field: str, act: Any, done: str) -> HttpResponse:
    """Return (with a comment) or reopen (with a reason) one review, then back to the queue."""
    query = _query(request.POST.get("query", ""), QUEUE_KEYS)
    form = ReviewActionForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, query, Problems(message=_reload_message(), status=400))
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
            % {"employee": _label(review), "reason": reason},
            row_errors={review.pk: reason},
            typed={review.pk: text},
            status=400,
        )
        return _queue_page(request, query, problem)
    except Conflict as error:
        problem = Problems(
            message=gettext("%(employee)s: nothing was saved. %(reason)s")
            % {"employee": _label(review), "reason": error.message},
            row_errors={review.pk: str(error.message)},
            typed={review.pk: text},
            status=409,
            kept=text.strip(),
        )
        return _queue_page(request, query, problem)
    messages.success(request, done % {"employee": _label(review)})
    return _back(request, "reviews:queue", query)


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


# -- verbal warnings -------------------------------------------------------------------------


def _warnings_page(request: HttpRequest, query: QueryDict, problems: Problems) -> HttpResponse:
    roles = roles_of(request.user)
    filters = _filters(WarningFilterForm, query, problems)
    form, data, status, cycle = filters.form, filters.data, filters.status, filters.cycle
    context: dict[str, Any] = {
        "form": form,
        "cycle": cycle,
        "problems": problems,
        "query": query.urlencode(),
        "filters": query,
        "can_acknowledge": roles.is_hr,
    }
    if cycle is not None:
        warnings = (
            selectors.warning_list(
                viewer_roles=roles,
                acknowledged=YES_NO_VALUE.get(data.get("acknowledged") or ""),
            )
            .filter(review__cycle=cycle)
            .select_related("review__policy")
        )
        page = Paginator(warnings, PAGE_SIZE).get_page(query.get("page"))
        context |= {
            "page": page,
            "rows": [
                {
                    "warning": warning,
                    "threshold": warning.review.policy.warning_threshold
                    if warning.review.policy
                    else None,
                    "typed": problems.typed.get(warning.pk, ""),
                    "error": problems.row_errors.get(warning.pk, ""),
                }
                for warning in page.object_list
            ],
        }
    return _rendered(request, "reviews/warnings.html", context, status)


@allowed("sees_warnings")
@require_GET
def warnings(request: HttpRequest) -> HttpResponse:
    return _warnings_page(request, _query(request.GET, WARNING_KEYS), Problems())


@allowed("is_hr")
@require_POST
def warning_acknowledge(request: HttpRequest, warning_id: int) -> HttpResponse:
    query = _query(request.POST.get("query", ""), WARNING_KEYS)
    warning = selectors.warning_get(viewer_roles=roles_of(request.user), warning_id=warning_id)
    if warning is None:
        raise Http404
    form = NoteForm(request.POST)
    note = request.POST.get("note", "")
    employee = _label(warning.review)
    if not form.is_valid():
        reason = "; ".join(str(message) for message in form.errors.get("note", []))
        problem = Problems(
            message=gettext("%(employee)s: nothing was saved. %(reason)s")
            % {"employee": employee, "reason": reason},
            row_errors={warning.pk: reason},
            typed={warning.pk: note},
            status=400,
        )
        return _warnings_page(request, query, problem)
    try:
        services.warning_acknowledge(actor=request.user, warning=warning, note=note)
    except (ValidationFailed, Conflict) as error:
        if isinstance(error, ValidationFailed):
            reason = "; ".join(str(item.message) for item in error.errors)
        else:
            reason = str(error.message)
        problem = Problems(
            message=gettext("%(employee)s: nothing was saved. %(reason)s")
            % {"employee": employee, "reason": reason},
            row_errors={warning.pk: reason},
            typed={warning.pk: note},
            status=409 if isinstance(error, Conflict) else 400,
            kept=note.strip() if isinstance(error, Conflict) else "",
        )
        return _warnings_page(request, query, problem)
    messages.success(
        request, gettext("%(employee)s: warning acknowledged.") % {"employee": employee}
    )
    return _back(request, "reviews:warnings", query)


urlpatterns = [
    path("queue/", queue, name="queue"),
    path("queue/approve/", queue_approve, name="queue_approve"),
    path("queue/return/", queue_return, name="queue_return"),
    path("queue/reopen/", queue_reopen, name="queue_reopen"),
    path("warnings/", warnings, name="warnings"),
    path(
        "warnings/<int:warning_id>/acknowledge/",
        warning_acknowledge,
        name="warning_acknowledge",
    ),
]
