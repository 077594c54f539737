"""The quarter's figures file: the template HR downloads (one row per review × KPI line, the
targets and actuals already set filled in) and reading it back once filled in.

Columns, with an English or a Chinese header (either is accepted on upload):

    period 期间     employee_no 员工编号 name 姓名     department 部门     kpi_code 指标代码
    kpi_name 指标名称     unit 单位     target 目标值     actual 实际值

employee_no and kpi_code are required, and target or actual; the name, department, KPI name
and unit columns are there for people and ignored on upload, as are columns of one's own. The
file is read as any uploaded table (`hrperf.lib.tables`: CSV in UTF-8, UTF-8 with BOM or
GB18030, and Excel .xlsx); the checking of each row is the service's (`services.cycle_set_figures`).
A target or actual is digits with at most one "." (`hrperf.lib.decimals`: no "," or other
separators, no exponent), or an Excel number cell, taken exactly; it must lie within the KPI's
own limits (`kpis.values.Limits`).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from hrperf.lib.bilingual import current_suffix
from hrperf.lib.numbers import plain
from hrperf.lib.spreadsheets import BOLD, BOLD_FILLED, csv_text, xlsx_stream
from hrperf.lib.tables import (
    ImportRejected,
    RowError,
    TableLimits,
    file_error,
    is_blank,
    not_a_table_file,
    read_header,
    table_rows,
)
from kpis.models import Unit

__all__ = [
    "COLUMNS",
    "ImportRejected",
    "RowError",
    "figures_limits",
    "figures_template_csv",
    "figures_template_xlsx",
    "headers",
    "open_figures",
    "read_figures",
]

COLUMNS: tuple[str, ...] = (
    "period",
    "employee_no",
    "name",
    "department",
    "kpi_code",
    "kpi_name",
    "unit",
    "target",
    "actual",
)
CHINESE: Mapping[str, str] = {
    "period": "期间",
    "employee_no": "员工编号",
    "name": "姓名",
    "department": "部门",
    "kpi_code": "指标代码",
    "kpi_name": "指标名称",
    "unit": "单位",
    "target": "目标值",
    "actual": "实际值",
}
# Files written before the header said 员工编号 (the product's one term) said 工号.
FROM_CHINESE: Mapping[str, str] = {
    **{zh: column for column, zh in CHINESE.items()},
    "工号": "employee_no",
}
# The columns the import reads; the others are for people.
READ_COLUMNS: tuple[str, ...] = ("period", "employee_no", "kpi_code", "target", "actual")
REQUIRED_COLUMNS: tuple[str, ...] = ("employee_no", "kpi_code")
FIGURE_COLUMNS: tuple[str, ...] = ("target", "actual")
ALLOWED_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx")
CSV_ROWS_PER_CHUNK = 2000


def headers(language_suffix: str | None = None) -> list[str]:
    """The header row in the active language (Chinese unless English is active)."""
    suffix = language_suffix or current_suffix()
    return list(COLUMNS) if suffix == "en" else [CHINESE[column] for column in COLUMNS]


# Column widths of the Excel template, as people read it.
WIDTHS: tuple[float, ...] = (9, 12, 12, 18, 22, 30, 8, 14, 14)
FigureRow = Sequence[Any]  # the cells of `selectors.FIGURE_ROW_FIELDS`


def _cells(period: str, row: FigureRow, units: Mapping[str, str], zh: bool) -> list[Any]:
    """One line's row of the template: the descriptive texts in the active language (the other
    one when empty), the figures as they stand."""
    number, name, department_zh, department_en, code, kpi_zh, kpi_en, unit, target, actual = row
    return [
        period,
        number,
        name,
        (department_zh or department_en) if zh else (department_en or department_zh),
        code,
        (kpi_zh or kpi_en) if zh else (kpi_en or kpi_zh),
        units.get(unit, unit),
        target,
        actual,
    ]


def _lines(period: str, rows: Iterable[FigureRow]) -> Iterator[list[Any]]:
    units = {value: str(label) for value, label in Unit.choices}
    zh = current_suffix() != "en"
    for row in rows:
        yield _cells(period, row, units, zh)


def figures_template_csv(period: str, rows: Iterable[FigureRow]) -> Iterator[bytes]:
    """The template as CSV, UTF-8 with BOM so that Excel shows Chinese correctly, a chunk of
    rows at a time."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers())
    yield codecs.BOM_UTF8 + _take(buffer)
    guarded = [column not in READ_COLUMNS for column in COLUMNS]
    for count, cells in enumerate(_lines(period, rows), start=1):
        cells[-2:] = [plain(cells[-2]), plain(cells[-1])]
        # The columns read back keep their text; the descriptive ones are guarded.
        writer.writerow(
            [csv_text(cell) if guard else cell for guard, cell in zip(guarded, cells, strict=True)]
        )
        if count % CSV_ROWS_PER_CHUNK == 0:
            yield _take(buffer)
    yield _take(buffer)


def _take(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def figures_template_xlsx(period: str, rows: Iterable[FigureRow]) -> Iterator[bytes]:
    """The template as an Excel workbook, a chunk at a time (`hrperf.lib.spreadsheets.
    xlsx_stream`): numbers as numbers (exact), codes and names as text, the header bold and
    frozen, the columns to fill in marked."""
    header = [
        (text, BOLD_FILLED if column in FIGURE_COLUMNS else BOLD)
        for column, text in zip(COLUMNS, headers(), strict=True)
    ]
    return xlsx_stream(sheet_name=period, widths=WIDTHS, header=header, rows=_lines(period, rows))


# -- reading an uploaded file ----------------------------------------------------------------


@dataclass(frozen=True)
class FiguresTable:
    """The rows of a figures file, each {"row": number, column: cell as read}, and the header
    of each column as written in the file (to name it in error messages). `rows` is read as it
    is iterated (`open_figures`) or a list (`read_figures`); reading it may raise
    ImportRejected (a limit passed, no rows at all)."""

    rows: Iterable[dict[str, Any]]
    header_of: Mapping[str, str]


def figures_limits() -> TableLimits:
    """The figures file's own limits (FIGURES_MAX_* settings): a whole quarter of a large
    company; the other limits are every import's."""
    limits = TableLimits.default()
    return replace(
        limits,
        upload_bytes=settings.FIGURES_MAX_UPLOAD_BYTES,
        rows=settings.FIGURES_MAX_ROWS + 1,  # and the header
        cells=settings.FIGURES_MAX_CELLS,
        seconds=settings.FIGURES_MAX_SECONDS,
        fast_xlsx=True,
        workbook=replace(
            limits.workbook,
            sheet_bytes=settings.FIGURES_XLSX_MAX_SHEET_BYTES,
            unpacked_bytes=settings.FIGURES_XLSX_MAX_UNPACKED_BYTES,
        ),
    )


@contextmanager
def open_figures(file: IO[bytes] | UploadedFile, *, filename: str = "") -> Iterator[FiguresTable]:
    """The figures file (CSV or .xlsx, at most FIGURES_MAX_UPLOAD_BYTES), its header read and
    its rows read as they are iterated (`with open_figures(upload) as table: …`); a file
    refused raises ImportRejected, on opening or while its rows are read."""
    name = filename.lower()
    if name and not name.endswith(ALLOWED_SUFFIXES):
        raise not_a_table_file()
    with table_rows(file, filename=filename, limits=figures_limits()) as rows:
        positions, header_of = _header(rows)
        yield FiguresTable(rows=_records(rows, positions), header_of=header_of)


def read_figures(file: IO[bytes] | UploadedFile, *, filename: str = "") -> FiguresTable:
    """The rows of a figures file as a list (`open_figures`), or ImportRejected."""
    with open_figures(file, filename=filename) as table:
        return FiguresTable(rows=list(table.rows), header_of=table.header_of)


def _column_for(written: str) -> str | None:
    """The column a header names: English or Chinese, or both as in "员工编号 / employee_no"."""
    for part in re.split(r"\s*[/|]\s*|\s*\n\s*", written.strip()):
        if part in FROM_CHINESE:
            return FROM_CHINESE[part]
        normalised = re.sub(r"[\s-]+", "_", part.lower())
        if normalised in COLUMNS:
            return normalised
    return None


def _figure_cell(value: Any) -> Any:
    """A target or actual cell as the service reads it (`kpis.values.parse_figure`): a number
    cell as it is, taken exactly (a float by its shortest repr) and checked like text; a yes/no
    cell as it is, to be refused; text stripped."""
    if isinstance(value, str):
        return value.strip()
    return value


def _cell(value: Any) -> Any:
    """A cell of a column of text (an employee number, a code) as the service expects it: text,
    a number written out as Excel shows it. Excel keeps 15 significant digits: a float such as
    1001.0000000000001 is the 1001 the user sees."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        return f"{Decimal(format(value, '.15g')).normalize():f}"
    if isinstance(value, int | Decimal):
        return str(value)
    return str(value).strip()


def _header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[dict[str, int], dict[str, str]]:
    """The positions and spellings of the columns the first row that is not blank names."""
    for number, cells in rows:
        if not all(is_blank(cell) for cell in cells):
            return _columns(number, cells)
    raise file_error(_("The file is empty."))


def _records(
    rows: Iterator[tuple[int, list[Any]]], positions: Mapping[str, int]
) -> Iterator[dict[str, Any]]:
    count = 0
    for number, cells in rows:
        if all(is_blank(cell) for cell in cells):
            continue
        row: dict[str, Any] = {"row": number}
        for column, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            row[column] = _figure_cell(cell) if column in FIGURE_COLUMNS else _cell(cell)
        count += 1
        yield row
    if not count:
        raise file_error(_("The file has a header row but no rows of figures."))


def _columns(row: int, cells: list[Any]) -> tuple[dict[str, int], dict[str, str]]:
    """The positions and spellings of the columns read; other columns are ignored (a
    template filled in may carry columns of one's own)."""
    header = read_header(
        row,
        cells,
        column_for=_column_for,
        is_chinese=lambda written: any(zh in written for zh in FROM_CHINESE),
    )
    header.require(row, REQUIRED_COLUMNS, CHINESE)
    errors, in_chinese = header.errors, header.in_chinese
    read = {column: at for column, at in header.columns.items() if column in READ_COLUMNS}
    positions = {column: index for column, (index, _written) in read.items()}
    header_of = {column: written for column, (_index, written) in read.items()}
    if "target" not in positions and "actual" not in positions:
        expected = f"{CHINESE['target']} / {CHINESE['actual']}" if in_chinese else "target / actual"
        errors.append(
            RowError(
                row=row,
                field=expected,
                message=_("The file needs a target or an actual column (or both)."),
            )
        )
    if errors:
        raise ImportRejected(errors)
    return positions, header_of
