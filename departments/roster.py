"""Reading and checking an employee roster file (CSV or Excel .xlsx) before it is imported.

The file has one header row and one row per employee. Columns (English or Chinese header):

    employee_no 员工编号 (required)     name 姓名 (required)     department_code 部门编码 (required)
    position 岗位     hire_date 入职日期     active 在职     is_department_head 部门负责人

The department column (also headed `department` or 部门) takes a department's code, in any
case, or its Chinese or English name exactly as the catalogue writes it (spaces around it
trimmed); a name that more than one department bears is refused, naming the row and the value.

Every problem in the file is collected as a `RowError` (row numbers as the user sees them in a
spreadsheet: the header is row 1); if there is any, `ImportRejected` carries all of them. A
column that is left out of the file leaves that field of existing employees untouched; an
empty cell in a column that is present means "blank" (or the default, for yes/no columns).

Nothing here writes to the database: `departments.services.employee_import` does, after
`read_roster` and `check_roster` have accepted the whole file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext as _

from departments.models import Department, Employee
from hrperf.lib.tables import (
    ImportRejected,
    RowError,
    file_error,
    is_blank,
    read_header,
    table_rows,
)

ROSTER_COLUMNS: tuple[str, ...] = (
    "employee_no",
    "name",
    "department_code",
    "position",
    "hire_date",
    "active",
    "is_department_head",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("employee_no", "name", "department_code")
CHINESE_HEADERS: Mapping[str, str] = {
    "员工编号": "employee_no",
    "姓名": "name",
    "部门编码": "department_code",
    "部门": "department_code",
    "岗位": "position",
    "入职日期": "hire_date",
    "在职": "active",
    "部门负责人": "is_department_head",
}
HEADER_IN_CHINESE: Mapping[str, str] = {column: zh for zh, column in CHINESE_HEADERS.items()}

MAX_ROWS = 20_000

EMPLOYEE_NO_RE = re.compile(r"^[A-Za-z0-9_-]+\Z")
_DATE_RE = re.compile(
    r"^(?P<year>\d{4})(?P<sep>[-/])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$",
    re.ASCII,  # \d is 0-9 only: "２０２４-03-01" is not a date
)
_TRUE_WORDS = frozenset({"true", "yes", "1", "是"})
_FALSE_WORDS = frozenset({"false", "no", "0", "否"})


def _max_length(field_name: str) -> int:
    field = Employee._meta.get_field(field_name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


_EMPLOYEE_NO_MAX = _max_length("employee_no")
_NAME_MAX = _max_length("name")
_POSITION_MAX = _max_length("position")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class RosterTable:
    """The raw cells of a roster file: which column is where, and the non-empty data rows."""

    columns: Mapping[str, tuple[int, str]]  # column -> (position, header as written)
    rows: list[tuple[int, list[Any]]]  # (row number, cells)
    width: int  # number of header cells

    def header(self, column: str) -> str:
        return self.columns[column][1]


@dataclass(frozen=True)
class RosterRow:
    """One checked employee row; fields whose column is not in the file keep their defaults."""

    row: int
    employee_no: str
    name: str
    department: Department
    position: str = ""
    hire_date: date | None = None
    is_active: bool = True
    is_department_head: bool = False


@dataclass(frozen=True)
class Roster:
    rows: list[RosterRow]
    fields: frozenset[str]  # the Employee fields that the file's columns give


# Employee field set by each column.
COLUMN_FIELDS: Mapping[str, str] = {
    "employee_no": "employee_no",
    "name": "name",
    "department_code": "department",
    "position": "position",
    "hire_date": "hire_date",
    "active": "is_active",
    "is_department_head": "is_department_head",
}


# -- Reading ------------------------------------------------------------------------------


def read_roster(file: IO[bytes] | UploadedFile, *, filename: str = "") -> RosterTable:
    """The header and rows of a CSV or .xlsx roster file, or ImportRejected with the problems."""
    with table_rows(file, filename=filename) as rows:
        return _table(rows)


def _table(rows: Iterator[tuple[int, list[Any]]]) -> RosterTable:
    header: tuple[int, list[Any]] | None = None
    data_rows: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if all(is_blank(cell) for cell in cells):
            continue
        if header is None:
            header = (number, cells)
            continue
        if len(data_rows) >= MAX_ROWS:
            raise file_error(
                _("The file has more than %(max)s employee rows. Split it into smaller files.")
                % {"max": f"{MAX_ROWS:,}"}
            )
        data_rows.append((number, cells))
    if header is None:
        raise file_error(_("The file is empty."))
    columns = _columns(*header)
    if not data_rows:
        raise file_error(_("The file has a header row but no employee rows."))
    return RosterTable(columns=columns, rows=data_rows, width=len(header[1]))


def _columns(row: int, cells: list[Any]) -> dict[str, tuple[int, str]]:
    header = read_header(
        row, cells, column_for=_column_for, is_chinese=lambda written: written in CHINESE_HEADERS
    )
    if header.unknown:
        allowed = ", ".join(
            HEADER_IN_CHINESE[column] if header.in_chinese else column for column in ROSTER_COLUMNS
        )
        header.errors.extend(
            RowError(
                row=row,
                field=written,
                message=_("Unknown column “%(column)s”. The columns are: %(columns)s.")
                % {"column": written, "columns": allowed},
            )
            for written in header.unknown
        )
    header.require(row, REQUIRED_COLUMNS, HEADER_IN_CHINESE)
    if header.errors:
        raise ImportRejected(header.errors)
    return header.columns


def _column_for(written: str) -> str | None:
    if written in CHINESE_HEADERS:
        return CHINESE_HEADERS[written]
    normalised = re.sub(r"[\s-]+", "_", written.lower())
    if normalised == "department":
        return "department_code"
    return normalised if normalised in ROSTER_COLUMNS else None


# -- Checking -----------------------------------------------------------------------------


def departments_by_name(departments: Iterable[Department]) -> dict[str, list[Department]]:
    """Each Chinese and English department name (trimmed) → the departments bearing it: more
    than one makes the name ambiguous."""
    names: dict[str, list[Department]] = {}
    for department in departments:
        for name in {department.name_zh.strip(), department.name_en.strip()} - {""}:
            names.setdefault(name, []).append(department)
    return names


def check_roster(table: RosterTable, *, departments: Mapping[str, Department]) -> Roster:
    """Every row checked and converted; `departments` maps upper-cased codes to departments.

    Raises ImportRejected with every problem in the file.
    """
    errors: list[RowError] = []
    rows: list[RosterRow] = []
    first_row_of: dict[str, int] = {}
    names = departments_by_name(departments.values())
    for number, cells in table.rows:
        row = _RowChecker(table, number, cells, departments, names)
        checked = row.check()
        if row.employee_no_ok:
            key = row.employee_no.upper()
            if key in first_row_of:
                row.error(
                    "employee_no",
                    _("Employee number “%(value)s” also appears in row %(row)s.")
                    % {"value": row.employee_no, "row": first_row_of[key]},
                )
                checked = None
            else:
                first_row_of[key] = number
        errors.extend(row.errors)
        if checked is not None and not row.errors:
            rows.append(checked)
    if errors:
        raise ImportRejected(errors)
    return Roster(rows=rows, fields=frozenset(COLUMN_FIELDS[column] for column in table.columns))


class _RowChecker:
    def __init__(
        self,
        table: RosterTable,
        number: int,
        cells: list[Any],
        departments: Mapping[str, Department],
        names: Mapping[str, list[Department]],
    ) -> None:
        self.table = table
        self.number = number
        self.cells = cells
        self.departments = departments
        self.names = names
        self.errors: list[RowError] = []
        self.employee_no = ""
        self.employee_no_ok = False

    def error(self, column: str | None, message: str) -> None:
        field = self.table.header(column) if column is not None else None
        value = _as_text(self.raw(column)) if column is not None else ""
        self.errors.append(RowError(row=self.number, field=field, message=message, value=value))

    def raw(self, column: str) -> Any:
        if column not in self.table.columns:
            return None
        index = self.table.columns[column][0]
        return self.cells[index] if index < len(self.cells) else None

    def text(self, column: str) -> str:
        return _as_text(self.raw(column))

    def check(self) -> RosterRow | None:
        employee_no = self._employee_no()
        name = self._name()
        department = self._department()
        position = self._position()
        hire_date = self._hire_date()
        is_active = self._yes_no("active", default=True)
        is_head = self._yes_no("is_department_head", default=False)
        self._stray_cells()
        if self.errors or department is None:
            return None
        return RosterRow(
            row=self.number,
            employee_no=employee_no,
            name=name,
            department=department,
            position=position,
            hire_date=hire_date,
            is_active=is_active,
            is_department_head=is_head,
        )

    def _employee_no(self) -> str:
        value = self.text("employee_no")
        self.employee_no = value
        if not value:
            self.error("employee_no", _("Employee number is required."))
        elif len(value) > _EMPLOYEE_NO_MAX:
            self.error(
                "employee_no",
                _("Employee number “%(value)s” is too long: at most %(max)s characters.")
                % {"value": _shorten(value), "max": _EMPLOYEE_NO_MAX},
            )
        elif not EMPLOYEE_NO_RE.match(value):
            self.error(
                "employee_no",
                _("Employee number “%(value)s” may only contain letters, digits, “-” and “_”.")
                % {"value": _shorten(value)},
            )
        else:
            self.employee_no_ok = True
        return value

    def _name(self) -> str:
        value = self.text("name")
        if not value:
            self.error("name", _("Name is required."))
        elif len(value) > _NAME_MAX:
            self.error(
                "name",
                _("Name “%(value)s” is too long: at most %(max)s characters.")
                % {"value": _shorten(value), "max": _NAME_MAX},
            )
        return value

    def _department(self) -> Department | None:
        value = self.text("department_code")
        if not value:
            self.error("department_code", _("Department code is required."))
            return None
        department = self.departments.get(value.upper())
        if department is not None:
            return department
        named = self.names.get(value, [])
        if len(named) == 1:
            return named[0]
        if named:
            self.error(
                "department_code",
                _(
                    "The department name “%(value)s” is ambiguous: %(codes)s bear it. "
                    "Give the department's code."
                )
                % {
                    "value": _shorten(value),
                    "codes": ", ".join(sorted(department.code for department in named)),
                },
            )
        else:
            self.error(
                "department_code",
                _(
                    "Unknown department “%(value)s”: give a department's code, or its "
                    "Chinese or English name as the catalogue writes it."
                )
                % {"value": _shorten(value)},
            )
        return None

    def _position(self) -> str:
        value = self.text("position")
        if len(value) > _POSITION_MAX:
            self.error(
                "position",
                _("Position “%(value)s” is too long: at most %(max)s characters.")
                % {"value": _shorten(value), "max": _POSITION_MAX},
            )
        return value

    def _hire_date(self) -> date | None:
        raw = self.raw("hire_date")
        if is_blank(raw):
            return None
        parsed = _as_date(raw)
        if parsed is None:
            self.error(
                "hire_date",
                _(
                    "Hire date “%(value)s” is not a valid date. "
                    "Use YYYY-MM-DD, for example 2024-03-01."
                )
                % {"value": _shorten(_as_text(raw))},
            )
        return parsed

    def _yes_no(self, column: str, *, default: bool) -> bool:
        raw = self.raw(column)
        if is_blank(raw):
            return default
        parsed = _as_bool(raw)
        if parsed is None:
            value = {"value": _shorten(_as_text(raw))}
            if column == "active":
                message = _(
                    "Active “%(value)s” must be yes or no: use true/false, yes/no, 1/0 or 是/否."
                )
            else:
                message = _(
                    "Department head “%(value)s” must be yes or no: "
                    "use true/false, yes/no, 1/0 or 是/否."
                )
            self.error(column, message % value)
            return default
        return parsed

    def _stray_cells(self) -> None:
        named = {index for index, _header in self.table.columns.values()}
        for index, cell in enumerate(self.cells):
            if index not in named and not is_blank(cell):
                self.error(
                    None,
                    _("Value “%(value)s” is in a column without a header.")
                    % {"value": _shorten(_as_text(cell))},
                )


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _DATE_RE.match(value.strip())
    if match is None:
        return None
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = _as_text(value).lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


# -- Templates ----------------------------------------------------------------------------

# An employee number no real employee has, so an example row left in the file is easy to spot
# and never overwrites anyone.
_EXAMPLE_ROW: tuple[str, ...] = (
    "EXAMPLE01",
    "张三",
    "SALES",
    "销售代表",
    "2024-03-01",
    "true",
    "false",
)


def roster_template_csv() -> bytes:
    """An empty roster to fill in: the header and one example row, UTF-8 with BOM for Excel."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ROSTER_COLUMNS)
    writer.writerow(_EXAMPLE_ROW)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def roster_template_xlsx() -> bytes:
    """The same template as an Excel workbook; employee numbers are text, the date a date."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "roster"
    sheet.append(list(ROSTER_COLUMNS))
    example: list[Any] = list(_EXAMPLE_ROW)
    example[ROSTER_COLUMNS.index("hire_date")] = date.fromisoformat(_EXAMPLE_ROW[4])
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet["A2"].number_format = "@"
    sheet["E2"].number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFG", (14, 12, 18, 16, 14, 10, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
