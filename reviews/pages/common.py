"""Lookups shared by the quarter's pages: a quarter by its period, a review the viewer may see,
the quarter a page shows."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import Http404, HttpRequest

from hrperf.lib.periods import clean_period
from hrperf.lib.roles import roles_of
from reviews import selectors
from reviews.models import Review, ReviewCycle

# Rows a page of the review list, the queue and the warnings.
PAGE_SIZE = 50


def cycle_or_404(period: str) -> ReviewCycle:
    cycle = selectors.cycle_get(period=period)
    if cycle is None:
        raise Http404
    return cycle


def review_or_404(request: HttpRequest, review_id: int) -> Review:
    """The review, if the viewer may see it; a 404 otherwise (never a hint that it exists)."""
    review = selectors.review_get(viewer_roles=roles_of(request.user), review_id=review_id)
    if review is None:
        raise Http404
    return review


def chosen_cycle(cycles: Sequence[ReviewCycle], period: str | None) -> ReviewCycle | None:
    """The quarter `?period=` names (a 404 if there is none such), else the newest open one,
    else the newest."""
    if period:
        wanted = clean_period(period)
        for cycle in cycles:
            if cycle.period == wanted:
                return cycle
        raise Http404
    for cycle in cycles:
        if cycle.status == ReviewCycle.Status.OPEN:
            return cycle
    return cycles[0] if cycles else None
