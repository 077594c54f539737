"""What the director's queue and the list of verbal warnings share: their filters read from the
query string, the problems a failed action draws again, and going back to the page after a
successful one.

Every action posts a plain form and, on success, redirects back to the page with its filters
(Post/Redirect/Get). On bad input or a stale form the page is drawn again with a message, what
the user typed and the selection kept, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from hrperf.lib.pages import is_htmx
from reviews import selectors
from reviews.forms.queue import QuarterForm
from reviews.models import Review, ReviewCycle


def query_of(raw: str | QueryDict, keys: tuple[str, ...]) -> QueryDict:
    """The page's own filters out of a query string (or GET), nothing else."""
    source = QueryDict(raw) if isinstance(raw, str) else raw
    query = QueryDict(mutable=True)
    for key in keys:
        value = source.get(key, "")
        if value:
            query[key] = value[:100]
    return query


def back(
    request: HttpRequest, name: str, query: QueryDict, draw: Callable[..., HttpResponse]
) -> HttpResponse:
    """After a successful action: back to the page with its filters. A plain form is redirected
    (Post/Redirect/Get); htmx gets the page (`draw`) at once, with that page's address to show."""
    encoded = query.urlencode()
    url = reverse(name) + (f"?{encoded}" if encoded else "")
    if not is_htmx(request):
        return HttpResponseRedirect(url)
    response = draw(request, query, Problems())
    response["HX-Push-Url"] = url
    return response


def label(review: Review) -> str:
    return f"{review.employee.employee_no} {review.employee.name}"


def rendered(
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


@dataclass
class Filters:
    """A list page's filter form as read from its query: a filter that makes no sense is shown
    as an error (400) over the unfiltered list, unless the page already answers an error."""

    form: QuarterForm
    data: dict[str, Any]
    status: int
    cycle: ReviewCycle | None


def read_filters(form_class: type[QuarterForm], query: QueryDict, problems: Problems) -> Filters:
    form = form_class(query, cycles=selectors.cycles_newest_first())
    valid = form.is_valid()
    status = problems.status if valid or problems.status != 200 else 400
    return Filters(
        form=form,
        data=form.cleaned_data if valid else {},
        status=status,
        cycle=form.chosen_cycle(),
    )


def reload_message() -> str:
    return gettext("The form is incomplete or out of date; reload the page and try again.")
