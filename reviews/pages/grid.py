"""The rating grid: one assessor rates all their reviews of a quarter on one page, employees ×
competencies, and saves many rows at once (`reviews.services.grid.grid_rate`).

Without JavaScript the grid is a plain form: every row is posted and the rows whose values did
not change are left alone. With it (static/js/grid.js) only the changed rows are posted, a digit
1–5 sets the focused cell and moves on, and the level under the cursor is described beside the
grid.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hrperf.lib.errors import ValidationFailed
from hrperf.lib.pages import allowed, found, is_htmx
from hrperf.lib.roles import roles_of
from reviews import selectors
from reviews.forms.grid import GridFilterForm
from reviews.models import AssessorRole
from reviews.pages.common import chosen_cycle, cycle_or_404
from reviews.selectors import grid as grid_selectors
from reviews.services.grid import GridSaveResult, Outcome, RowInput, grid_rate
from reviews.services.inputs import REASON_CODES
from selfassessments import selectors as self_assessments


@allowed("sees_all_reviews")
def grid_current(request: HttpRequest) -> HttpResponse:
    """The grid of the newest open quarter (else the newest), or the quarters page."""
    cycle = chosen_cycle(list(selectors.cycles_newest_first()), None)
    if cycle is None:
        return redirect("reviews:quarters")
    return redirect("reviews:grid", cycle.period)


@require_http_methods(["GET", "HEAD", "POST"])
@allowed("sees_all_reviews")
def grid(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    roles = roles_of(request.user)
    assessors = grid_selectors.assessors_of(roles)
    if not assessors:
        raise PermissionDenied
    form = GridFilterForm(request.GET or None, assessors=assessors)
    filters = form.filters()
    scales = grid_selectors.competency_scales()
    codes = [scale.code for scale in scales]
    result: GridSaveResult | None = None
    reason = {"code": "", "note": ""}
    status = 200
    if request.method == "POST":
        reason = {
            "code": request.POST.get("reason_code", "").strip()[:32],
            "note": request.POST.get("reason_note", "")[:2000],
        }
        try:
            result = grid_rate(
                actor=request.user,
                cycle=cycle,
                assessor_role=filters.assessor,
                rows=_posted_rows(request, codes),
                reason_code=reason["code"],
                note=reason["note"],
            )
        except ValidationFailed as failed:
            for error in failed.errors:
                messages.error(request, str(error.message))
            status = 400
        else:
            _tell_counts(request, result)
            if not result.refused:
                return HttpResponseRedirect(request.get_full_path())
            status = 409
    reviews = grid_selectors.by_department(
        grid_selectors.grid_reviews(
            viewer_roles=roles,
            cycle=cycle,
            assessor_role=filters.assessor,
            department_id=filters.department.pk if filters.department else None,
            unrated=filters.unrated,
            state=filters.state,
        )
    )
    page = Paginator(reviews, filters.size).get_page(request.GET.get("page"))
    rows = grid_selectors.grid_rows(
        viewer_roles=roles,
        reviews=list(page.object_list),
        assessor_role=filters.assessor,
        codes=codes,
    )
    refused = _refused_rows(request, result, rows, scales)
    return render(
        request,
        "reviews/grid.html",
        {
            "cycle": cycle,
            "form": form,
            "assessor_label": AssessorRole(filters.assessor).label,
            "scales": scales,
            "page": page,
            "rows": rows,
            "counts": grid_selectors.grid_counts(viewer_roles=roles, cycle=cycle),
            "result": result,
            "refused": refused,
            "reason_codes": list(REASON_CODES.items()),
            "reason": reason,
        },
        status=status,
    )


def _posted_rows(request: HttpRequest, codes: list[str]) -> list[RowInput]:
    """The rows the form sent: `row` (review ids), `revision-<id>`, `rating-<id>-<code>`. A row
    whose id or revision is not a number is left out (the form never sends one)."""
    rows = []
    for raw in request.POST.getlist("row"):
        revision = request.POST.get(f"revision-{raw}", "")
        if not (raw.isdigit() and revision.isdigit()) or len(raw) > 18 or len(revision) > 9:
            continue
        ratings = {
            code: request.POST[f"rating-{raw}-{code}"].strip()
            for code in codes
            if request.POST.get(f"rating-{raw}-{code}", "").strip()
        }
        rows.append(RowInput(review_id=int(raw), revision=int(revision), ratings=ratings))
    return rows


def _tell_counts(request: HttpRequest, result: GridSaveResult) -> None:
    text = _("Saved: %(saved)s. Unchanged: %(unchanged)s. Refused: %(refused)s.") % {
        "saved": result.saved,
        "unchanged": result.unchanged,
        "refused": result.refused,
    }
    (messages.warning if result.refused else messages.success)(request, text)


@dataclass(frozen=True)
class Cell:
    """One cell of the grid: the value in the input (the saved one, or the one sent when its
    row was refused), the saved one, and what was refused of it."""

    code: str
    name: str
    value: object
    saved: int | None
    error: str = ""


def _refused_rows(
    request: HttpRequest,
    result: GridSaveResult | None,
    rows: list[grid_selectors.GridRow],
    scales: list[grid_selectors.Scale],
) -> list[dict[str, object]]:
    """Give each shown row its cells; a refused row keeps the values sent, at its revision now
    (saving it again keeps yours, knowingly). The refused rows, each with its review, for the
    list above the grid."""
    outcomes = result.by_review() if result else {}
    for row in rows:
        outcome = outcomes.get(row.review.pk)
        refused = outcome is not None and outcome.refused
        errors = (
            {error.field.rsplit(".", 1)[-1]: str(error.message) for error in outcome.errors}
            if outcome
            else {}
        )
        row.extra = {
            "outcome": outcome if refused else None,
            "cells": [
                Cell(
                    code=scale.code,
                    name=scale.name,
                    value=(
                        outcome.yours.get(scale.code, "")
                        if refused and outcome
                        else row.ratings.get(scale.code) or ""
                    ),
                    saved=row.ratings.get(scale.code),
                    error=errors.get(scale.code, ""),
                )
                for scale in scales
            ],
        }
        if refused and outcome and outcome.outcome == Outcome.STALE and outcome.revision:
            row.review.revision = outcome.revision
    if result is None or not result.refused:
        return []
    reviews = selectors.reviews_by_ids(
        viewer_roles=roles_of(request.user),
        review_ids=[row.review_id for row in result.rows if row.refused],
    )
    return [
        {
            "outcome": row,
            "review": reviews.get(row.review_id),
            "cells": [
                (row.theirs.get(scale.code), row.yours.get(scale.code, "")) for scale in scales
            ],
        }
        for row in result.rows
        if row.refused
    ]


@allowed("sees_all_reviews")
def grid_self_assessment(request: HttpRequest, period: str, review_id: int) -> HttpResponse:
    """The employee's self-assessment, as the review page's panel shows it (a fragment for the
    grid's dialog; a page of its own when opened directly)."""
    cycle = cycle_or_404(period)
    roles = roles_of(request.user)
    review = found(self_assessments.review_of(viewer_roles=roles, review_id=review_id))
    if review.cycle_id != cycle.pk:
        raise Http404
    view = found(self_assessments.panel(viewer_roles=roles, review=review))
    return render(
        request,
        "reviews/grid_self_assessment.html",
        {"cycle": cycle, "review": review, "self_assessment": view, "fragment": is_htmx(request)},
    )


urlpatterns = [
    path("grid/", grid_current, name="grid_current"),
    path("quarters/<str:period>/grid/", grid, name="grid"),
    path(
        "quarters/<str:period>/grid/<int:review_id>/self-assessment/",
        grid_self_assessment,
        name="grid_self_assessment",
    ),
]
