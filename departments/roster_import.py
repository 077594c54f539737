"""Reading and checking an employee roster file (CSV or Excel .xlsx) before it is imported.

The file has one header row and one row per employee. Columns (English or Chinese header):

    employee_no 员工编号 (required)     name 姓名 (required)     department_code 部门编码 (required)
    position 岗位     hire_date 入职日期     active 在职     is_department_head 部门负责人

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
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext as _

from departments.models import Department, Employee

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
    "岗位": "position",
    "入职日期": "hire_date",
    "在职": "active",
    "部门负责人": "is_department_head",
}
HEADER_IN_CHINESE: Mapping[str, str] = {column: zh for zh, column in CHINESE_HEADERS.items()}

MAX_ROWS = 20_000
# A 5 MB workbook unpacks to a few tens of MB at most; more than this is a zip bomb.
MAX_UNPACKED_XLSX_BYTES = 100 * 1024 * 1024

EMPLOYEE_NO_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_DATE_RE = re.compile(
    r"^(?P<year>\d{4})(?P<sep>[-/])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
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

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
BINARY_MAGICS = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"BM",
    b"RIFF",
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf",
    b"Rar!",
)


@dataclass(frozen=True)
class RowError:
    """One problem in an import file; `message` is already in the active language."""

    row: int | None  # line in the file as the user sees it (header = 1); None: the whole file
    field: str | None  # column header as written in the file; None: not about one column
    message: str


class ImportRejected(Exception):
    """The file was not imported; `errors` lists every problem found, sorted by row."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors: list[RowError] = sort_errors(errors)
        super().__init__("; ".join(_describe(error) for error in self.errors))


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


def sort_errors(errors: Iterable[RowError]) -> list[RowError]:
    """File-level problems first, then by row; problems within a row keep their column order."""
    return sorted(errors, key=lambda error: -1 if error.row is None else error.row)


def _describe(error: RowError) -> str:
    where = "file" if error.row is None else f"row {error.row}"
    if error.field:
        where += f" [{error.field}]"
    return f"{where}: {error.message}"


def file_error(message: str) -> ImportRejected:
    return ImportRejected([RowError(row=None, field=None, message=message)])


# -- Reading ------------------------------------------------------------------------------


def read_roster(file: IO[bytes] | UploadedFile, *, filename: str = "") -> RosterTable:
    """The header and rows of a CSV or .xlsx roster file, or ImportRejected with the problems."""
    data = read_limited(file)
    if not data.strip():
        raise file_error(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        with closing(xlsx_rows(data)) as rows:
            return _table(rows)
    if data.startswith(OLE_MAGIC) or filename.lower().endswith(".xls"):
        raise file_error(
            _(
                "Old Excel (.xls) files and password-protected workbooks cannot be read. "
                "Save the file as an Excel workbook (.xlsx) or as CSV and try again."
            )
        )
    if data.startswith(BINARY_MAGICS):
        raise not_a_table_file()
    return _table(csv_rows(decode_text(data)))


def not_a_table_file() -> ImportRejected:
    return file_error(_("The file is not a CSV or Excel (.xlsx) file."))


def read_limited(file: IO[bytes] | UploadedFile) -> bytes:
    limit: int = settings.MAX_UPLOAD_BYTES
    too_large = file_error(
        _("The file is too large: at most %(max)s MB.") % {"max": limit // (1024 * 1024)}
    )
    if isinstance(file, UploadedFile):
        if file.size is not None and file.size > limit:
            raise too_large
        chunks: list[bytes] = []
        total = 0
        for chunk in file.chunks():
            total += len(chunk)
            if total > limit:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


def decode_text(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)  # Excel's "Unicode text"
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise not_a_table_file()


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\n\r\f\v")
    return "\x00" in text or (controls > 2 and controls * 100 > len(sample))


def csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=lambda char: (first_line.count(char), char == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, list(cells)
    except csv.Error as exc:
        raise not_a_table_file() from exc


def xlsx_rows(data: bytes) -> Generator[tuple[int, list[Any]], None, None]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise not_a_table_file() from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_a_table_file()
    if unpacked > MAX_UNPACKED_XLSX_BYTES:
        raise file_error(
            _(
                "The Excel workbook is too large once unpacked. "
                "Remove unused sheets, or save it as CSV and try again."
            )
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on broken files
        raise not_a_table_file() from exc
    try:
        if not workbook.worksheets:
            raise not_a_table_file()
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # trust the cells, not the declared size
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(cells)
        except ImportRejected:
            raise
        except Exception as exc:
            raise not_a_table_file() from exc
    finally:
        workbook.close()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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


@dataclass
class Header:
    """A header row as read: each known column's position and spelling, the unknown ones,
    whether it is written in Chinese, and the problems found (a column given twice)."""

    columns: dict[str, tuple[int, str]]  # column → (index, header as written)
    unknown: list[str]
    in_chinese: bool
    errors: list[RowError]

    def require(self, row: int, required: Iterable[str], chinese: Mapping[str, str]) -> None:
        """Add an error for each required column missing, named in the header's language."""
        for column in required:
            if column not in self.columns:
                expected = chinese[column] if self.in_chinese else column
                self.errors.append(
                    RowError(
                        row=row,
                        field=expected,
                        message=_("Required column “%(column)s” is missing.")
                        % {"column": expected},
                    )
                )


def read_header(
    row: int,
    cells: Sequence[Any],
    *,
    column_for: Callable[[str], str | None],
    is_chinese: Callable[[str], bool],
) -> Header:
    """The columns a file's header row names (`column_for` tells the column a header names)."""
    header = Header(columns={}, unknown=[], in_chinese=False, errors=[])
    for index, cell in enumerate(cells):
        if is_blank(cell):
            continue
        written = str(cell).strip()
        column = column_for(written)
        if column is None:
            header.unknown.append(written)
            continue
        header.in_chinese = header.in_chinese or is_chinese(written)
        if column in header.columns:
            header.errors.append(
                RowError(
                    row=row,
                    field=written,
                    message=_("Column “%(column)s” appears more than once.") % {"column": written},
                )
            )
            continue
        header.columns[column] = (index, written)
    return header


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
    return normalised if normalised in ROSTER_COLUMNS else None


# -- Checking -----------------------------------------------------------------------------


def check_roster(table: RosterTable, *, departments: Mapping[str, Department]) -> Roster:
    """Every row checked and converted; `departments` maps upper-cased codes to departments.

    Raises ImportRejected with every problem in the file.
    """
    errors: list[RowError] = []
    rows: list[RosterRow] = []
    first_row_of: dict[str, int] = {}
    for number, cells in table.rows:
        row = _RowChecker(table, number, cells, departments)
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
    ) -> None:
        self.table = table
        self.number = number
        self.cells = cells
        self.departments = departments
        self.errors: list[RowError] = []
        self.employee_no = ""
        self.employee_no_ok = False

    def error(self, column: str | None, message: str) -> None:
        field = self.table.header(column) if column is not None else None
        self.errors.append(RowError(row=self.number, field=field, message=message))

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
        if department is None:
            self.error(
                "department_code",
                _("Unknown department code “%(value)s”.") % {"value": _shorten(value)},
            )
        return department

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
