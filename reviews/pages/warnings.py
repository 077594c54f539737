"""The verbal warnings (口头警告) of a quarter: HR acknowledges each with a note of the
conversation held (绩效面谈); the director reads them, a head reads their department's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from hrperf.lib import people
from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from improvement.selectors import warnings_marked
from reviews import selectors, services, workflow
from reviews.forms.queue import YES_NO_VALUE, NoteForm, WarningFilterForm
from reviews.pages.common import PAGE_SIZE
from reviews.pages.lists import Problems, back, label, query_of, read_filters, rendered

WARNING_KEYS = ("period", "acknowledged", "written", "page")


def _warnings_page(request: HttpRequest, query: QueryDict, problems: Problems) -> HttpResponse:
    roles = roles_of(request.user)
    filters = read_filters(WarningFilterForm, query, problems)
    form, data, status, cycle = filters.form, filters.data, filters.status, filters.cycle
    context: dict[str, Any] = {
        "form": form,
        "cycle": cycle,
        "problems": problems,
        "query": query.urlencode(),
        "filters": query,
        "can_acknowledge": workflow.holds(workflow.Action.ACKNOWLEDGE_WARNING, roles),
        "can_record": workflow.holds(workflow.Action.RECORD_CONVERSATION, roles),
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
        warnings = warnings_marked(
            warnings,
            viewer_roles=roles,
            written=YES_NO_VALUE.get(data.get("written") or ""),
        )
        page = Paginator(warnings, PAGE_SIZE).get_page(query.get("page"))
        names = people.directory(warning.acknowledged_by for warning in page.object_list)
        context |= {
            "page": page,
            "rows": [
                {
                    "warning": warning,
                    "threshold": warning.review.policy.warning_threshold
                    if warning.review.policy
                    else None,
                    "acknowledged_by": names.get(warning.acknowledged_by_id or 0, ""),
                    "typed": problems.typed.get(warning.pk, ""),
                    "error": problems.row_errors.get(warning.pk, ""),
                }
                for warning in page.object_list
            ],
        }
    return rendered(request, "reviews/warnings.html", context, status)


@allowed("sees_warnings")
@require_GET
def warnings(request: HttpRequest) -> HttpResponse:
    return _warnings_page(request, query_of(request.GET, WARNING_KEYS), Problems())


@allowed("is_hr")
@require_POST
def warning_acknowledge(request: HttpRequest, warning_id: int) -> HttpResponse:
    query = query_of(request.POST.get("query", ""), WARNING_KEYS)
    warning = selectors.warning_get(viewer_roles=roles_of(request.user), warning_id=warning_id)
    if warning is None:
        raise Http404
    form = NoteForm(request.POST)
    note = request.POST.get("note", "")
    employee = label(warning.review)
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
    return back(request, "reviews:warnings", query, _warnings_page)


urlpatterns = [
    path("warnings/", warnings, name="warnings"),
    path(
        "warnings/<int:warning_id>/acknowledge/",
        warning_acknowledge,
        name="warning_acknowledge",
    ),
]
