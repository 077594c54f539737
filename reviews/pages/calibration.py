"""The calibration page (绩效校准) of a quarter, for the director and HR: each department's and
the division's grade distribution against the guideline, the breaches of its tolerance and
hard limits marked, and, under relative grading, the lock of each group (the director, with a
written reason)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from reviews import workflow
from reviews.pages.common import cycle_or_404
from reviews.selectors.calibration import Overview, calibration_overview
from reviews.services.calibration import group_lock
from reviews.workflow import Action


def _overview(request: HttpRequest, period: str) -> Overview:
    cycle = cycle_or_404(period)
    overview = calibration_overview(viewer_roles=roles_of(request.user), cycle=cycle)
    if overview is None:  # `allowed` let only HR and the director through
        raise Http404
    return overview


def _render(
    request: HttpRequest,
    overview: Overview,
    *,
    error: str = "",
    group: str = "",
    reason: str = "",
    status: int = 200,
) -> HttpResponse:
    roles = roles_of(request.user)
    context: dict[str, Any] = {
        "cycle": overview.cycle,
        "overview": overview,
        "groups": [overview.division, *overview.departments],
        "can_lock": workflow.holds(Action.LOCK_GROUP, roles)
        and workflow.allows_in_quarter(Action.LOCK_GROUP, overview.cycle.status),
        "error": error,
        "error_group": group,
        "reason": reason,
    }
    return render(request, "reviews/calibration.html", context, status=status)


@allowed("sees_all_reviews")
@require_safe
def calibration(request: HttpRequest, period: str) -> HttpResponse:
    return _render(request, _overview(request, period))


@allowed("sees_all_reviews")
@require_POST
def calibration_lock(request: HttpRequest, period: str) -> HttpResponse:
    overview = _overview(request, period)
    key = request.POST.get("group", "")
    reason = request.POST.get("reason", "")
    groups = {g.key: g for g in [overview.division, *overview.departments]}
    if key not in groups:
        return _render(request, overview, error=gettext("Choose a group to lock."), status=400)
    try:
        group_lock(
            actor=request.user,
            cycle=overview.cycle,
            department=groups[key].department,
            reason=reason,
        )
    except ValidationFailed as failed:
        text = " ".join(str(error.message) for error in failed.errors)
        return _render(request, overview, error=text, group=key, reason=reason, status=400)
    except Conflict as conflict:
        return _render(request, overview, error=str(conflict), group=key, reason=reason, status=409)
    messages.success(request, gettext("The group is locked: its grades follow the quotas."))
    return redirect("reviews:calibration", period=overview.cycle.period)


urlpatterns = [
    path("quarters/<str:period>/calibration/", calibration, name="calibration"),
    path("quarters/<str:period>/calibration/locks", calibration_lock, name="calibration_lock"),
]
