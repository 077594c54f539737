"""A quarter's PDFs of review forms: starting one (a department's, or the whole quarter's), the
job's page with its progress (an htmx fragment that polls itself until the job has finished),
the recent jobs, and the download.

Who may start which is the services' (the workflow table's `print_forms` row and the head's
department); who sees a job and its file is the selectors' (404 otherwise)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from hrperf.lib.errors import ValidationFailed
from hrperf.lib.pages import allowed, found, is_htmx
from hrperf.lib.roles import roles_of
from printouts import selectors, services
from printouts.models import PrintJob
from reviews.pages.common import cycle_or_404


def _job(request: HttpRequest, period: str, job_id: int) -> PrintJob:
    cycle = cycle_or_404(period)
    return found(
        selectors.printjob_get(
            viewer_roles=roles_of(request.user), user=request.user, cycle=cycle, job_id=job_id
        )
    )


@require_http_methods(["GET", "POST"])
@allowed("sees_quarters")
def printouts(request: HttpRequest, period: str) -> HttpResponse:
    """GET: what may be printed and the recent jobs. POST: start a job (`department`: a code,
    or empty for the whole quarter)."""
    cycle = cycle_or_404(period)
    roles = roles_of(request.user)
    status = 200
    if request.method == "POST":
        try:
            job = services.printjob_start(
                actor=request.user,
                cycle=cycle,
                department_code=request.POST.get("department", "").strip()[:20] or None,
                language=get_language() or "",
            )
        except ValidationFailed as error:
            for item in error.errors:
                messages.error(request, str(item.message))
            status = 400
        else:
            return redirect("printouts:job", period=cycle.period, job_id=job.pk)
    return render(
        request,
        "printouts/printouts.html",
        {
            "cycle": cycle,
            "choices": selectors.print_choices(viewer_roles=roles, cycle=cycle),
            "jobs": selectors.printjobs_recent(viewer_roles=roles, user=request.user, cycle=cycle),
        },
        status=status,
    )


@require_safe
@allowed("sees_quarters")
def printout_job(request: HttpRequest, period: str, job_id: int) -> HttpResponse:
    job = _job(request, period, job_id)
    template = "printouts/job_progress.html" if is_htmx(request) else "printouts/job.html"
    return render(request, template, {"cycle": job.cycle, "job": job})


@require_safe
@allowed("sees_quarters")
def printout_download(request: HttpRequest, period: str, job_id: int) -> HttpResponse:
    job = _job(request, period, job_id)
    if job.status != PrintJob.Status.DONE or not job.file:
        raise Http404
    try:
        stream = job.file.open("rb")
    except OSError:
        raise Http404 from None
    return download_response(stream, job)


def download_response(stream: object, job: PrintJob) -> HttpResponse:
    """The PDF as an attachment, named after the quarter (and department), never cached."""
    name = f"review-forms-{job.cycle.period}"
    if job.department is not None:
        name += f"-{job.department.code}"
    response = FileResponse(
        stream, as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)


app_name = "printouts"

urlpatterns = [
    path("quarters/<str:period>/printouts/", printouts, name="printouts"),
    path("quarters/<str:period>/printouts/<int:job_id>/", printout_job, name="job"),
    path(
        "quarters/<str:period>/printouts/<int:job_id>/forms.pdf",
        printout_download,
        name="download",
    ),
]
