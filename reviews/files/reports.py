"""The reports as an Excel workbook (.xlsx), headers in the active language, with the page's
filters (the range of quarters, the department): the quarter-on-quarter change of the last
quarter (each figure and its Δ from the quarter before), department averages by quarter with
their Δ, the grade distribution, the training and promotion lists, and every approved result
of the last quarter. Decimals stay numbers shown with 2 places (a Δ with its sign); text cells
stay text."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, pgettext

from hrperf.lib.spreadsheets import xlsx_text
from reviews.models import ApprovedResult
from reviews.selectors.aggregates import GRADES
from reviews.selectors.reports import Report, Series
from reviews.selectors.visibility import Part

TWO_PLACES = "0.00"
SIGNED_TWO = "+0.00;-0.00;0.00"
SIGNED_WHOLE = "+0;-0;0"


SHEET_TITLE_LIMIT = 31  # Excel's limit on a sheet's name


SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in one


def _sheet_title(title: str) -> str:
    """A translated title as Excel accepts it: no forbidden character, at most 31 long."""
    return SHEET_TITLE_FORBIDDEN.sub(" ", title).strip()[:SHEET_TITLE_LIMIT]


class _Sheet:
    """A worksheet filled row by row (openpyxl's `max_row` walks every cell: counting here keeps
    a workbook of thousands of rows linear)."""

    def __init__(self, workbook: Any, title: str, header: Sequence[str], widths: Sequence[int]):
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.sheet = workbook.create_sheet(title=_sheet_title(title))
        self.rows = 0
        for cell in self.append(header):
            cell.font = Font(bold=True)
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A2"

    def append(self, values: Iterable[Any]) -> list[Any]:
        """Write a row; decimals stay numbers and show 2 places; text cells stay text."""
        self.rows += 1
        cells = []
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.rows, column=column, value=value)
            if isinstance(value, Decimal):
                cell.number_format = TWO_PLACES
            elif isinstance(value, str):
                cell.number_format = "@"
                xlsx_text(cell)
            cells.append(cell)
        return cells


def _yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


def report_workbook(
    *, data: Report, results: Iterable[ApprovedResult], parts: frozenset[Part]
) -> bytes:
    """The reports as an .xlsx workbook, headers in the active language, with only the parts
    of the reviews the viewer sees (`parts`, from `selectors.visibility`)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    warning = Part.WARNING in parts
    _change_sheet(workbook, data, warning)
    _averages_sheet(workbook, data)
    _grades_sheet(workbook, data)
    _training_sheet(workbook, data, warning)
    _promotion_sheet(workbook, data)
    _results_sheet(workbook, data, results, warning)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _person_header() -> list[str]:
    return [gettext("Employee number"), gettext("Name"), gettext("Department")]


def _delta(label: str) -> str:
    return gettext("Δ %(figure)s") % {"figure": label}


def _signed(cells: list[Any], columns: Iterable[int], number_format: str) -> None:
    for column in columns:
        cells[column].number_format = number_format


def _change_sheet(workbook: Any, data: Report, warning: bool) -> None:
    """The last quarter's figures of each department (and of all shown), each with its change
    from the calendar quarter before."""
    grade_header = [item for grade in GRADES for item in (grade, _delta(grade))]
    header = [
        gettext("Department code"),
        gettext("Department"),
        gettext("Results"),
        _delta(gettext("Results")),
        gettext("Mean total"),
        _delta(gettext("Mean total")),
        *grade_header,
    ]
    if warning:
        header += [gettext("Verbal warnings"), _delta(gettext("Verbal warnings"))]
    sheet = _Sheet(
        workbook,
        gettext("%(period)s against %(previous)s")
        % {"period": data.period, "previous": data.previous_period or ""},
        header,
        [16, 28, 10, 10, 12, 12, *(7 for _ in grade_header), 14, 14],
    )
    rows: list[Series] = [*data.series, *([data.division] if len(data.series) > 1 else [])]
    for series in rows:
        change = series.last
        department = series.department
        grades = [
            item
            for count, delta in zip(change.now.grades, change.grade_deltas, strict=True)
            for item in (count, delta)
        ]
        values = [
            department.code if department else "",
            department.name if department else gettext("All departments shown"),
            change.now.count,
            change.count_delta,
            change.now.mean,
            change.mean_delta,
            *grades,
        ]
        if warning:
            values += [change.now.warnings, change.warnings_delta]
        cells = sheet.append(values)
        _signed(cells, [5], SIGNED_TWO)
        _signed(cells, [3, *range(7, 7 + 2 * len(GRADES), 2)], SIGNED_WHOLE)
        if warning:
            _signed(cells, [len(values) - 1], SIGNED_WHOLE)


def _averages_sheet(workbook: Any, data: Report) -> None:
    periods = [item for period in data.periods for item in (period, _delta(period))]
    sheet = _Sheet(
        workbook,
        gettext("Department averages"),
        [gettext("Department code"), gettext("Department"), *periods],
        [16, 28, *(12 for _ in periods)],
    )
    for series in data.series:
        assert series.department is not None
        values = [
            item for change in series.changes for item in (change.now.mean, change.mean_delta)
        ]
        cells = sheet.append([series.department.code, series.department.name, *values])
        _signed(cells, range(3, len(cells), 2), SIGNED_TWO)


def _grades_sheet(workbook: Any, data: Report) -> None:
    sheet = _Sheet(
        workbook,
        gettext("Grade distribution"),
        [gettext("Quarter"), *GRADES, pgettext("count", "Total")],
        [12, *(8 for _ in GRADES), 10],
    )
    for grades in data.grades:
        sheet.append([grades.period, *grades.counts, grades.total])


def _training_sheet(workbook: Any, data: Report, warning: bool) -> None:
    header = [
        *_person_header(),
        gettext("Total score"),
        gettext("Grade"),
        gettext("Pay coefficient"),
    ]
    sheet = _Sheet(
        workbook,
        gettext("Training list"),
        [*header, *([gettext("Verbal warning")] if warning else [])],
        [14, 12, 28, 12, 8, 14, 12],
    )
    for row in data.training:
        result = row.result
        cells = [*_person(result), result.total_score, result.grade, result.pay_coefficient]
        sheet.append([*cells, *([_yes_no(result.verbal_warning)] if warning else [])])


def _promotion_sheet(workbook: Any, data: Report) -> None:
    sheet = _Sheet(
        workbook,
        gettext("Promotion list"),
        [
            *_person_header(),
            gettext("Total score, %(period)s") % {"period": data.previous_period or ""},
            gettext("Total score, %(period)s") % {"period": data.period},
        ],
        [14, 12, 28, 18, 18],
    )
    for row in data.promotion:
        sheet.append([*_person(row.result), row.previous_total, row.result.total_score])


def _results_sheet(
    workbook: Any, data: Report, results: Iterable[ApprovedResult], warning: bool
) -> None:
    sheet = _Sheet(
        workbook,
        gettext("Approved results %(period)s") % {"period": data.period},
        [
            *_person_header(),
            gettext("KPI score"),
            gettext("Competency score"),
            gettext("Total score"),
            gettext("Grade"),
            gettext("Pay coefficient"),
            *([gettext("Verbal warning")] if warning else []),
            gettext("Version"),
            gettext("Approved at"),
        ],
        [14, 12, 28, 12, 14, 12, 8, 14, *([12] if warning else []), 8, 20],
    )
    for result in results:
        figures = [result.kpi_score, result.competency_score, result.total_score, result.grade]
        cells = sheet.append(
            [
                *_person(result),
                *figures,
                result.pay_coefficient,
                *([_yes_no(result.verbal_warning)] if warning else []),
                result.version,
                timezone.localtime(result.approved_at).replace(tzinfo=None),
            ],
        )
        cells[-1].number_format = "yyyy-mm-dd hh:mm"


def _person(result: ApprovedResult) -> list[str]:
    review = result.review
    return [review.employee.employee_no, review.employee.name, review.department.tr("name")]
