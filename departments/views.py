"""Pages of the catalogue and the roster. Reads come from `selectors`, writes from `services`,
and who may see what from `hrperf.lib.roles`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from departments import selectors
from departments.forms import CatalogueFilterForm, RosterFilterForm, RosterImportForm
from departments.models import Provenance
from departments.roster import (
    HEADER_IN_CHINESE,
    ROSTER_COLUMNS,
    roster_template_csv,
    roster_template_xlsx,
)
from departments.services import employee_import
from hrperf.lib.bilingual import current_suffix
from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from hrperf.lib.tables import ImportRejected, RowError
from hrperf.lib.uploads import (
    UploadLimit,
    errors_download,
    keep_errors,
    limit_uploads,
    max_upload_mb,
)
from kpis.views import kpi_row
from reviews.policies import warning_threshold

ROSTER_PAGE_SIZE = 50

# -- Catalogue ----------------------------------------------------------------------------

PROVENANCE_LEGEND: tuple[tuple[str, Promise], ...] = (
    (
        Provenance.SEED,
        _("Taken from the company's source document."),
    ),
    (
        Provenance.SEED_PARTIAL,
        _("The source document breaks off here; the rest was completed in the same style."),
    ),
    (
        Provenance.DRAFTED,
        _("Not in the source document: drafted in the same structure. Please review it."),
    ),
)


@require_safe
@allowed("sees_catalogue")
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET)
    form.is_valid()  # invalid filters are shown with their error and not applied
    query: str = form.cleaned_data.get("q") or ""
    source: str = form.cleaned_data.get("source") or ""
    departments = list(selectors.department_list(query=query, source=source))
    return render(
        request,
        "departments/catalogue.html",
        {
            "form": form,
            "departments": departments,
            "total": selectors.department_count(),
            "filtered": bool(query or source),
            "legend": [(Provenance(value), text) for value, text in PROVENANCE_LEGEND],
        },
    )


@require_safe
@allowed("sees_catalogue")
def department(request: HttpRequest, code: str) -> HttpResponse:
    detail = selectors.department_detail(code=code, warning_threshold=warning_threshold())
    if detail is None:
        raise Http404
    return render(
        request,
        "departments/department.html",
        {
            "detail": detail,
            "department": detail.department,
            "kpi_rows": [kpi_row(kpi) for kpi in detail.kpis],
            "weight_total": sum(kpi.default_weight for kpi in detail.kpis),
            "separator": "、" if current_suffix() == "zh" else ", ",
        },
    )


# -- Roster -------------------------------------------------------------------------------


@require_safe
@allowed("sees_roster")
def roster(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    sees_all = roles.is_hr or roles.is_director
    form = RosterFilterForm(
        request.GET, departments=selectors.roster_departments(viewer_roles=roles)
    )
    form.is_valid()  # invalid filters are shown with their error and not applied
    chosen = form.cleaned_data.get("department")
    employees = selectors.employee_list(
        viewer_roles=roles,
        query=form.cleaned_data.get("q") or "",
        department_id=chosen.pk if chosen is not None else None,
        active=form.active_value(),
    )
    page = Paginator(employees, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "departments/roster.html",
        {
            "form": form,
            "page": page,
            "sees_all": sees_all,
            "own_department": None
            if sees_all or roles.employee is None
            else roles.employee.department,
            "filtered": any(request.GET.get(name) for name in ("q", "department", "active")),
        },
    )


# The problems of the last roster file refused, for their download.
IMPORT_ERRORS_KEY = "roster-import-errors"


@dataclass(frozen=True)
class ColumnHelp:
    name: str
    chinese: str
    required: bool
    description: Promise | str


COLUMN_HELP: dict[str, tuple[bool, Promise]] = {
    "employee_no": (
        True,
        _("The company's employee number. Employees are matched on it, ignoring case."),
    ),
    "name": (True, _("The employee's full name.")),
    "department_code": (
        True,
        _(
            "The department's code in the catalogue (for example SALES), or its Chinese or "
            "English name as the catalogue writes it."
        ),
    ),
    "position": (False, _("The employee's position.")),
    "hire_date": (False, _("A date such as 2024-03-01.")),
    "active": (False, _("true or false (also yes/no, 1/0, 是/否). Empty means true.")),
    "is_department_head": (
        False,
        _("true for the head of the department. Empty means false."),
    ),
}


def _column_help() -> list[ColumnHelp]:
    return [
        ColumnHelp(
            name=column,
            chinese=HEADER_IN_CHINESE.get(column, ""),
            required=required,
            description=description,
        )
        for column in ROSTER_COLUMNS
        for required, description in [COLUMN_HELP.get(column, (False, ""))]
    ]


@csrf_exempt  # the CSRF check runs in _roster_import, once the upload limit is in place
@require_http_methods(["GET", "POST"])
@allowed("manages_roster")
def roster_import(request: HttpRequest) -> HttpResponse:
    limit = limit_uploads(request) if request.method == "POST" else None
    return _roster_import(request, limit)


@csrf_protect
def _roster_import(request: HttpRequest, limit: UploadLimit | None) -> HttpResponse:
    errors: list[RowError] = []
    if request.method == "POST":
        form = RosterImportForm(
            request.POST, request.FILES, upload_too_large=limit is not None and limit.exceeded
        )
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = employee_import(
                    file=upload, filename=upload.name or "", actor=request.user
                )
            except ImportRejected as rejected:
                errors = rejected.errors
                keep_errors(request, IMPORT_ERRORS_KEY, errors)
            else:
                keep_errors(request, IMPORT_ERRORS_KEY, [])
                messages.success(
                    request,
                    gettext(
                        "Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged."
                    )
                    % {
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                )
                return redirect("departments:roster")
    else:
        form = RosterImportForm()
    return render(
        request,
        "departments/roster_import.html",
        {
            "form": form,
            "errors": errors,
            "columns": _column_help(),
            "max_mb": max_upload_mb(),
        },
    )


@require_safe
@allowed("manages_roster")
def roster_import_errors(request: HttpRequest) -> HttpResponse:
    """The problems of the last roster file refused, as a CSV file (row, column, value,
    problem)."""
    return errors_download(request, IMPORT_ERRORS_KEY, "roster-import-errors.csv")


TEMPLATE_FORMATS: dict[str, tuple[Callable[[], bytes], str]] = {
    "csv": (roster_template_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        roster_template_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@require_safe
@allowed("manages_roster")
def roster_template(request: HttpRequest) -> HttpResponse:
    file_format = request.GET.get("format", "csv")
    if file_format not in TEMPLATE_FORMATS:
        raise Http404
    build, content_type = TEMPLATE_FORMATS[file_format]
    response = HttpResponse(build(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="roster-template.{file_format}"'
    return response
