"""Quarters: the list, opening one with its policy, generating its reviews, targets in bulk,
importing actual figures, closing one (HR) and reopening it (the director)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.pages import XLSX_CONTENT_TYPE, allowed
from hrperf.lib.periods import period_of, shift_period
from hrperf.lib.roles import roles_of
from hrperf.lib.uploads import (
    UploadLimit,
    errors_download,
    keep_errors,
    limit_uploads,
    max_upload_mb,
)
from reviews import selectors, services, workflow
from reviews.files.figures import (
    ImportRejected,
    RowError,
    figures_template_csv,
    figures_template_xlsx,
    open_figures,
)
from reviews.forms.quarter import (
    POLICY_HELP,
    BulkTargetsForm,
    CloseQuarterForm,
    FiguresImportForm,
    OpenQuarterForm,
    ReopenQuarterForm,
    policy_label,
)
from reviews.models import CycleJob, Review, ReviewCycle, ScoringPolicy
from reviews.pages.common import cycle_or_404
from reviews.pages.wording import quarter_history_rows
from reviews.policies import CHOICE_SETTINGS, POLICY_FIELDS, WHOLE_SETTINGS
from reviews.workflow import Action

FINISHED = (CycleJob.Status.DONE, CycleJob.Status.FAILED)
IMPORT_RESULT_KEY = "quarter-import-{period}"
# The problems of the last figures file refused, for their download.
IMPORT_ERRORS_KEY = "quarter-import-errors-{period}"


def _counts(review_counts: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {"state": state, "label": label, "count": review_counts.get(state, 0)}
        for state, label in Review.State.choices
    ]


def _put_errors(form: Any, error: ValidationFailed) -> None:
    """The service's field errors on the form's fields (or the whole form)."""
    for item in error.errors:
        form.add_error(item.field if item.field in form.fields else None, str(item.message))


# -- the list --------------------------------------------------------------------------------


def _next_period(details: list[selectors.CycleDetail]) -> str:
    """The quarter after the newest one open, or the current quarter when there is none."""
    following = shift_period(details[0].cycle.period, 1) if details else None
    return following or period_of(timezone.localdate())


@require_http_methods(["GET", "POST"])
@allowed("sees_quarters")
def quarters(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    details = selectors.cycle_details(viewer_roles=roles)
    form: OpenQuarterForm | None = (
        OpenQuarterForm(initial={"period": _next_period(details)})
        if workflow.holds(Action.OPEN_QUARTER, roles)
        else None
    )
    status = 200
    if request.method == "POST":
        if not workflow.holds(Action.OPEN_QUARTER, roles):
            raise PermissionDenied
        form = OpenQuarterForm(request.POST)
        if form.is_valid():
            try:
                cycle = services.cycle_open(
                    actor=request.user, period=form.cleaned_data["period"], policy=form.policy()
                )
            except ValidationFailed as error:
                _put_errors(form, error)
            else:
                messages.success(
                    request, gettext("Quarter %(period)s is open.") % {"period": cycle.period}
                )
                return redirect("reviews:quarter", period=cycle.period)
        status = 400
    return render(
        request,
        "reviews/quarters.html",
        {
            "quarters": [
                {
                    "detail": detail,
                    "total": sum(detail.review_counts.values()),
                    "counts": [c for c in _counts(detail.review_counts) if c["count"]],
                }
                for detail in details
            ],
            "form": form,
        },
        status=status,
    )


# -- one quarter -----------------------------------------------------------------------------


def _policy_value(policy: ScoringPolicy, name: str) -> Any:
    """A setting as shown: a choice by its label, no hard limit as a dash."""
    if name in CHOICE_SETTINGS:
        return getattr(policy, f"get_{name}_display")()
    value = getattr(policy, name)
    return "—" if value is None else value


def _policy_rows(policy: ScoringPolicy) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": policy_label(name),
            "value": _policy_value(policy, name),
            "whole": name in WHOLE_SETTINGS or name in CHOICE_SETTINGS,
            "help": POLICY_HELP.get(name, ""),
        }
        for name in POLICY_FIELDS
    ]


def _page(
    request: HttpRequest,
    cycle: ReviewCycle,
    *,
    targets_form: BulkTargetsForm | None = None,
    import_form: FiguresImportForm | None = None,
    import_errors: list[RowError] | None = None,
    close_form: CloseQuarterForm | None = None,
    reopen_form: ReopenQuarterForm | None = None,
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    roles = roles_of(request.user)
    detail = selectors.cycle_detail(viewer_roles=roles, cycle=cycle)
    can_close = workflow.holds(Action.CLOSE_QUARTER, roles) and workflow.allows_in_quarter(
        Action.CLOSE_QUARTER, cycle.status
    )
    can_reopen = workflow.holds(Action.REOPEN_QUARTER, roles) and workflow.allows_in_quarter(
        Action.REOPEN_QUARTER, cycle.status
    )
    context: dict[str, Any] = {
        "cycle": cycle,
        "detail": detail,
        "counts": _counts(detail.review_counts),
        "total": sum(detail.review_counts.values()),
        "policy": _policy_rows(detail.policy),
        "can_manage": workflow.holds(Action.IMPORT_FIGURES, roles)
        and workflow.allows_in_quarter(Action.IMPORT_FIGURES, cycle.status),
        "job": selectors.cycle_latest_job(viewer_roles=roles, cycle=cycle),
        "message": message,
        "max_mb": max_upload_mb(settings.FIGURES_MAX_UPLOAD_BYTES),
        "can_close": can_close,
        "can_reopen": can_reopen,
        "history": quarter_history_rows(selectors.cycle_history(cycle=cycle)),
    }
    if can_close:
        context["blockers"] = selectors.cycle_close_blockers(cycle_id=cycle.pk)
        context["close_form"] = close_form or CloseQuarterForm()
        context["waiting_states"] = [
            count for count in context["counts"] if count["state"] != Review.State.APPROVED
        ]
    if can_reopen:
        context["reopen_form"] = reopen_form or ReopenQuarterForm()
    if context["can_manage"]:
        context["targets_form"] = targets_form or BulkTargetsForm(
            kpis=selectors.cycle_kpi_choices(cycle=cycle)
        )
        context["import_form"] = import_form or FiguresImportForm()
        context["import_errors"] = import_errors
        if request.method == "GET":
            context["import_result"] = request.session.pop(
                IMPORT_RESULT_KEY.format(period=cycle.period), None
            )
    return render(request, "reviews/quarter.html", context, status=status)


@require_safe
@allowed("sees_quarters")
def quarter(request: HttpRequest, period: str) -> HttpResponse:
    return _page(request, cycle_or_404(period))


@require_safe
@allowed("sees_quarters")
def quarter_job(request: HttpRequest, period: str, job_id: int) -> HttpResponse:
    """The progress of one of the quarter's jobs: an htmx fragment that polls itself until the
    job has finished."""
    cycle = cycle_or_404(period)
    job = selectors.job_get(viewer_roles=roles_of(request.user), cycle=cycle, job_id=job_id)
    if job is None:
        raise Http404
    return render(request, "reviews/quarter_job.html", {"cycle": cycle, "job": job, "polled": True})


@require_POST
@allowed("is_hr")
def quarter_generate(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    try:
        services.cycle_generate(actor=request.user, cycle=cycle)
    except Conflict as error:
        return _page(request, cycle, message=str(error.message), status=409)
    messages.success(request, gettext("Generating the reviews: the progress is shown below."))
    return redirect("reviews:quarter", period=cycle.period)


@require_POST
@allowed("is_hr")
def quarter_targets(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    form = BulkTargetsForm(request.POST, kpis=selectors.cycle_kpi_choices(cycle=cycle))
    if form.is_valid():
        department = form.cleaned_data["department"]
        try:
            outcome = services.cycle_set_targets(
                actor=request.user,
                cycle=cycle,
                kpi_code=form.cleaned_data["kpi_code"],
                target=form.cleaned_data["target"],
                department_id=department.pk if department else None,
            )
        except ValidationFailed as error:
            _put_errors(form, error)
        except Conflict as error:
            return _page(request, cycle, targets_form=form, message=str(error.message), status=409)
        else:
            messages.success(
                request,
                gettext(
                    "Targets set: %(updated)s KPI lines changed, %(unchanged)s already had it, "
                    "%(skipped)s on reviews that can no longer be changed were left alone."
                )
                % {
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                    "skipped": outcome.skipped,
                },
            )
            return redirect("reviews:quarter", period=cycle.period)
    return _page(request, cycle, targets_form=form, status=400)


@require_safe
@allowed("is_hr")
def quarter_template(request: HttpRequest, period: str, file_format: str) -> HttpResponse:
    """The quarter's figures template, streamed as it is written (a quarter of any size)."""
    cycle = cycle_or_404(period)
    rows = selectors.cycle_figure_rows(viewer_roles=roles_of(request.user), cycle=cycle)
    if file_format == "xlsx":
        chunks = figures_template_xlsx(cycle.period, rows)
        content_type = XLSX_CONTENT_TYPE
    elif file_format == "csv":
        chunks = figures_template_csv(cycle.period, rows)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="figures-{cycle.period}.{file_format}"'
    return cast(HttpResponse, response)  # the pages' decorators type views as HttpResponse


@require_safe
@allowed("is_hr")
def quarter_import_errors(request: HttpRequest, period: str) -> HttpResponse:
    """The problems of the last figures file of the quarter refused, as a CSV file (row,
    column, value, problem)."""
    cycle = cycle_or_404(period)
    return errors_download(
        request, IMPORT_ERRORS_KEY.format(period=cycle.period), f"figures-errors-{cycle.period}.csv"
    )


@csrf_exempt  # the CSRF check runs in _import, once the upload limit is in place
@require_POST
@allowed("is_hr")
def quarter_import(request: HttpRequest, period: str) -> HttpResponse:
    return _import(request, period, limit_uploads(request, settings.FIGURES_MAX_UPLOAD_BYTES))


@csrf_protect
def _import(request: HttpRequest, period: str, limit: UploadLimit) -> HttpResponse:
    cycle = cycle_or_404(period)
    form = FiguresImportForm(request.POST, request.FILES, upload_too_large=limit.exceeded)
    errors: list[RowError] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        filename = upload.name or ""
        header_of: dict[str, str] = {}
        try:
            with open_figures(upload, filename=filename) as table:
                header_of.update(table.header_of)
                outcome = services.cycle_set_figures(
                    actor=request.user, cycle=cycle, rows=table.rows
                )
        except ImportRejected as rejected:
            errors = rejected.errors
        except ValidationFailed as failed:
            cells = failed.cells if isinstance(failed, services.FiguresRefused) else {}
            errors = [
                RowError(
                    row=item.row,
                    field=header_of.get(item.field, item.field),
                    message=str(item.message),
                    value=cells.get((item.row, item.field), ""),
                )
                for item in failed.errors
            ]
        except Conflict as error:
            return _page(request, cycle, import_form=form, message=str(error.message), status=409)
        else:
            request.session[IMPORT_RESULT_KEY.format(period=cycle.period)] = {
                "filename": filename[:200],
                "created": outcome.created,
                "updated": outcome.updated - outcome.created,
                "unchanged": outcome.unchanged,
                "reviews": outcome.reviews,
            }
            keep_errors(request, IMPORT_ERRORS_KEY.format(period=cycle.period), [])
            messages.success(
                request, gettext("Figures imported from %(name)s.") % {"name": filename[:200]}
            )
            return redirect("reviews:quarter", period=cycle.period)
    keep_errors(request, IMPORT_ERRORS_KEY.format(period=cycle.period), errors)
    return _page(
        request,
        cycle,
        import_form=form,
        import_errors=errors,
        message=gettext("Nothing was imported: correct the file and upload it again.")
        if errors
        else "",
        status=400,
    )


@require_POST
@allowed("is_hr")
def quarter_close(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    form = CloseQuarterForm(request.POST)
    if not form.is_valid():
        return _page(request, cycle, close_form=form, status=400)
    try:
        services.cycle_close(actor=request.user, cycle=cycle)
    except Conflict as error:
        return _page(request, cycle, close_form=form, message=str(error.message), status=409)
    messages.success(
        request,
        gettext("Quarter %(period)s is closed: it is read-only and its reports are final.")
        % {"period": cycle.period},
    )
    return redirect("reviews:quarter", period=cycle.period)


@require_POST
@allowed("is_director")
def quarter_reopen(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    form = ReopenQuarterForm(request.POST)
    if not form.is_valid():
        return _page(request, cycle, reopen_form=form, status=400)
    try:
        services.cycle_reopen(actor=request.user, cycle=cycle, reason=form.cleaned_data["reason"])
    except ValidationFailed as error:
        _put_errors(form, error)
        return _page(request, cycle, reopen_form=form, status=400)
    except Conflict as error:
        return _page(request, cycle, reopen_form=form, message=str(error.message), status=409)
    messages.success(
        request, gettext("Quarter %(period)s is open again.") % {"period": cycle.period}
    )
    return redirect("reviews:quarter", period=cycle.period)


urlpatterns = [
    path("quarters/", quarters, name="quarters"),
    path("quarters/<str:period>/", quarter, name="quarter"),
    path("quarters/<str:period>/jobs/<int:job_id>/", quarter_job, name="quarter_job"),
    path("quarters/<str:period>/generate/", quarter_generate, name="quarter_generate"),
    path("quarters/<str:period>/targets/", quarter_targets, name="quarter_targets"),
    path(
        "quarters/<str:period>/figures.<str:file_format>",
        quarter_template,
        name="quarter_template",
    ),
    path("quarters/<str:period>/import/", quarter_import, name="quarter_import"),
    path("quarters/<str:period>/close/", quarter_close, name="quarter_close"),
    path("quarters/<str:period>/reopen/", quarter_reopen, name="quarter_reopen"),
    path(
        "quarters/<str:period>/import/errors.csv",
        quarter_import_errors,
        name="quarter_import_errors",
    ),
]
