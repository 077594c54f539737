"""The pages of the calendar (HR: the listed days of a year, adding, pasting, uploading and
removing them) and of a quarter's deadlines (read by whoever sees the quarter, set by HR)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from calendars import selectors, services
from calendars.files import read_day_file, read_day_lines
from calendars.forms import CalendarDayForm, DaysFileForm, DeadlinesForm, PasteDaysForm
from calendars.models import CalendarDay
from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from hrperf.lib.tables import ImportRejected, RowError
from hrperf.lib.uploads import UploadLimit, limit_uploads, max_upload_mb
from reviews import workflow
from reviews.pages.common import cycle_or_404
from reviews.pages.wording import Names, history_rows
from reviews.workflow import Action

# -- the calendar --------------------------------------------------------------------------------


def _year(raw: str | None) -> int:
    """The year `?year=` asks for (a 404 for one that is not a year of the product), else this
    year."""
    if raw is None or raw == "":
        return timezone.localdate().year
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise Http404
    year = int(raw)
    if not services.FIRST_YEAR <= year <= services.LAST_YEAR:
        raise Http404
    return year


def _calendar_page(
    request: HttpRequest,
    *,
    year: int | None = None,
    add_form: CalendarDayForm | None = None,
    paste_form: PasteDaysForm | None = None,
    file_form: DaysFileForm | None = None,
    errors: list[RowError] | None = None,
    status: int = 200,
) -> HttpResponse:
    year = year or _year(request.GET.get("year"))
    years = sorted({*selectors.calendar_years(), year})
    return render(
        request,
        "calendars/calendar.html",
        {
            "year": year,
            "years": years,
            "previous_year": year - 1 if year > services.FIRST_YEAR else None,
            "next_year": year + 1 if year < services.LAST_YEAR else None,
            "days": selectors.calendar_days(year=year),
            "add_form": add_form or CalendarDayForm(),
            "paste_form": paste_form or PasteDaysForm(),
            "file_form": file_form or DaysFileForm(),
            "errors": errors,
            "max_mb": max_upload_mb(),
        },
        status=status,
    )


def _back_to(year: int) -> HttpResponse:
    return redirect(f"{reverse('calendars:calendar')}?year={year}")


def _row_errors(failed: ValidationFailed) -> list[RowError]:
    return [
        RowError(row=error.row, field=error.field, message=str(error.message))
        for error in failed.errors
    ]


def _saved(request: HttpRequest, days: list[CalendarDay]) -> HttpResponse:
    messages.success(
        request,
        ngettext("%(count)s day saved.", "%(count)s days saved.", len(days)) % {"count": len(days)},
    )
    return _back_to(days[0].day.year)


@require_safe
@allowed("is_hr")
def calendar(request: HttpRequest) -> HttpResponse:
    return _calendar_page(request)


@require_POST
@allowed("is_hr")
def calendar_add(request: HttpRequest) -> HttpResponse:
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        try:
            days = services.calendar_days_set(
                user=request.user, roles=roles_of(request.user), rows=[form.row()]
            )
        except ValidationFailed as failed:
            for error in failed.errors:
                form.add_error(
                    error.field if error.field in form.fields else None, str(error.message)
                )
        else:
            return _saved(request, days)
    return _calendar_page(request, add_form=form, status=400)


@require_POST
@allowed("is_hr")
def calendar_paste(request: HttpRequest) -> HttpResponse:
    form = PasteDaysForm(request.POST)
    if not form.is_valid():
        return _calendar_page(request, paste_form=form, status=400)
    return _set_rows(request, read_day_lines(form.cleaned_data["lines"]), paste_form=form)


def _set_rows(request: HttpRequest, rows: list[dict[str, Any]], **forms: Any) -> HttpResponse:
    try:
        days = services.calendar_days_set(
            user=request.user, roles=roles_of(request.user), rows=rows
        )
    except ValidationFailed as failed:
        return _calendar_page(request, errors=_row_errors(failed), status=400, **forms)
    return _saved(request, days)


@csrf_exempt  # the CSRF check runs in _upload, once the upload limit is in place
@require_POST
@allowed("is_hr")
def calendar_upload(request: HttpRequest) -> HttpResponse:
    return _upload(request, limit_uploads(request))


@csrf_protect
def _upload(request: HttpRequest, limit: UploadLimit) -> HttpResponse:
    form = DaysFileForm(request.POST, request.FILES, upload_too_large=limit.exceeded)
    if not form.is_valid():
        return _calendar_page(request, file_form=form, status=400)
    try:
        rows = read_day_file(form.cleaned_data["file"])
    except ImportRejected as rejected:
        return _calendar_page(request, file_form=form, errors=rejected.errors, status=400)
    return _set_rows(request, rows, file_form=form)


@require_POST
@allowed("is_hr")
def calendar_remove(request: HttpRequest, day: str) -> HttpResponse:
    try:
        when = services.read_date(day)
    except ValueError:
        raise Http404 from None
    if not services.calendar_day_remove(user=request.user, roles=roles_of(request.user), day=when):
        raise Http404
    messages.success(request, gettext("%(day)s taken off the calendar.") % {"day": when})
    return _back_to(when.year)


# -- a quarter's deadlines -----------------------------------------------------------------------


def _initial(deadlines: selectors.Deadlines) -> dict[str, str]:
    values = {name: getattr(deadlines, name) for name in selectors.DEADLINE_FIELDS}
    return {
        name: value.isoformat() if isinstance(value, date) else str(value)
        for name, value in values.items()
        if value is not None
    }


@require_http_methods(["GET", "POST"])
@allowed("sees_quarters")
def deadlines(request: HttpRequest, period: str) -> HttpResponse:
    cycle = cycle_or_404(period)
    roles = roles_of(request.user)
    may_set = workflow.holds(Action.SET_DEADLINES, roles)
    is_open = workflow.allows_in_quarter(Action.SET_DEADLINES, cycle.status)
    form = DeadlinesForm(initial=_initial(selectors.deadlines_of(cycle))) if may_set else None
    status, message = 200, ""
    if request.method == "POST":
        form = DeadlinesForm(request.POST)
        form.is_valid()
        try:
            services.deadlines_set(
                user=request.user,
                roles=roles,
                cycle=cycle,
                values={name: request.POST.get(name, "") for name in selectors.DEADLINE_FIELDS},
            )
        except ValidationFailed as failed:
            form.put_errors(failed)
            status = 400
        except Conflict as conflict:
            status, message = 409, str(conflict.message)
        else:
            messages.success(
                request,
                gettext("The deadlines of quarter %(period)s are saved.")
                % {"period": cycle.period},
            )
            return redirect("calendars:deadlines", period=cycle.period)
    return render(
        request,
        "calendars/deadlines.html",
        {
            "cycle": cycle,
            "form": form if may_set and is_open else None,
            "closed": not is_open,
            "message": message,
            "history": history_rows(selectors.deadlines_history(cycle), Names({}, {})),
        },
        status=status,
    )
