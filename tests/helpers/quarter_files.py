"""The figures import template, as HR fills it in Excel: find the columns by their headers and
write the targets and actuals of the worked examples into the rows the application prepared;
and the figures as stored, to show that a refused import changed nothing."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from reviews.models import ReviewKpiLine
from tests.helpers.examples import WorkedExample

# The headers are bilingual ("工号 / employee_no"); a column is found by its key anywhere in the
# header cell, case-insensitively. The first key that matches wins.
COLUMNS = {
    "employee_no": ("employee_no", "employee no", "员工编号", "工号"),
    "kpi_code": ("kpi_code", "kpi code", "指标代码"),
    "target": ("target", "目标值"),
    "actual": ("actual", "实际值"),
}
HEADER_SEARCH_ROWS = 5


class TemplateError(AssertionError):
    """The downloaded template is not one HR could fill in."""


def _header_row(sheet: Worksheet) -> tuple[int, dict[str, int]]:
    for row_number, row in enumerate(
        sheet.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True), start=1
    ):
        headers = [str(value or "").strip().lower() for value in row]
        found: dict[str, int] = {}
        for name, keys in COLUMNS.items():
            for column, header in enumerate(headers, start=1):
                # "kpi_code" also contains "code" of other columns: match whole keys only once.
                if column not in found.values() and any(key in header for key in keys):
                    found[name] = column
                    break
        if len(found) == len(COLUMNS):
            return row_number, found
    raise TemplateError(
        f"No header row with the columns {sorted(COLUMNS)} in the first {HEADER_SEARCH_ROWS} "
        f"rows of the sheet {sheet.title!r}"
    )


def template_rows(path: Path) -> list[dict[str, object]]:
    """The template's data rows, as {column name: cell value} (only the columns we use)."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    header, columns = _header_row(sheet)
    rows = []
    for row in sheet.iter_rows(min_row=header + 1):
        values = {name: row[column - 1].value for name, column in columns.items()}
        if values["employee_no"] not in (None, ""):
            rows.append(values)
    return rows


def fill_template(path: Path, examples: Iterable[WorkedExample]) -> bytes:
    """The template with each example's target and actual written into its rows; other rows
    (employees without an example) are left as the application prepared them."""
    figures: Mapping[tuple[str, str], Mapping[str, str]] = {
        (example.employee_no, code): values
        for example in examples
        for code, values in example.lines.items()
    }
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    header, columns = _header_row(sheet)
    written: set[tuple[str, str]] = set()
    for row in sheet.iter_rows(min_row=header + 1):
        key = (
            str(row[columns["employee_no"] - 1].value or "").strip(),
            str(row[columns["kpi_code"] - 1].value or "").strip(),
        )
        if key in figures:
            # Numbers as numbers, as Excel keeps them (exact: openpyxl writes Decimal as is).
            row[columns["target"] - 1].value = Decimal(figures[key]["target"])
            row[columns["actual"] - 1].value = Decimal(figures[key]["actual"])
            written.add(key)
    missing = sorted(set(figures) - written)
    if missing:
        raise TemplateError(f"The template has no row for {missing}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stored_figures() -> list[tuple[object, ...]]:
    """Every KPI line's target and actual, with its review's revision, in a fixed order."""
    return list(
        ReviewKpiLine.objects.order_by("pk").values_list(
            "pk", "target", "actual", "review__revision"
        )
    )
