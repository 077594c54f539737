"""The 9-box page of a quarter's calibration (九宫格): reviews by KPI score and competency
score, and the reviews of one box page by page (HR and the director, as the reports)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from reviews.pages.common import PAGE_SIZE, cycle_or_404
from reviews.pages.leniency import calibration_context
from reviews.selectors.ninebox import BOXES, box_reviews, nine_box


@require_safe
@allowed("sees_reports")
def ninebox_page(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    context = calibration_context(request)
    chosen = context["department"]
    department_id = chosen.id if chosen else None
    roles = roles_of(request.user)
    data = nine_box(viewer_roles=roles, cycle=cycle, department_id=department_id)
    box_code = request.GET.get("box", "")
    box = None
    page = None
    if box_code:
        if box_code not in BOXES:
            raise Http404
        box = next(box for box in data.boxes if box.code == box_code)
        reviews = box_reviews(
            viewer_roles=roles, cycle=cycle, box=box_code, department_id=department_id
        ).order_by("department__seq", "employee__employee_no", "pk")
        page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/ninebox.html",
        {**context, "cycle": cycle, "data": data, "box": box, "page": page},
    )


urlpatterns = [
    path(
        "quarters/<str:period>/calibration/nine-box/",
        ninebox_page,
        name="calibration_ninebox",
    ),
]
