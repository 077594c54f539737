"""Reading the tables people upload: a CSV file (UTF-8, with or without a byte order mark, or
GB18030 that reads as Chinese: `hrperf.lib.decoding`) or an Excel workbook (.xlsx), at most
`settings.MAX_UPLOAD_BYTES`, as numbered rows of cells; finding the columns a header row names;
and the problems of a file, each with its row and column as the user sees them in a spreadsheet
(the header is row 1). The roster import and the figures import read their files with these.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from time import monotonic
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from hrperf.lib import decoding
from hrperf.lib.decoding import TextRefused, wide_encoding
from hrperf.lib.spreadsheets import csv_text
from hrperf.lib.workbooks import Limits as WorkbookLimits
from hrperf.lib.workbooks import WorkbookRefused, check_workbook, sheet_values

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
    # The cell as written, when the problem is about one (for the downloadable error list).
    value: str = dataclass_field(default="", compare=False)


class ImportRejected(Exception):
    """The file was not imported; `errors` lists every problem found, sorted by row."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors: list[RowError] = sort_errors(errors)
        super().__init__("; ".join(_describe(error) for error in self.errors))


def sort_errors(errors: Iterable[RowError]) -> list[RowError]:
    """File-level problems first, then by row; problems within a row keep their column order."""
    return sorted(errors, key=lambda error: -1 if error.row is None else error.row)


def _describe(error: RowError) -> str:
    where = "file" if error.row is None else f"row {error.row}"
    if error.field:
        where += f" [{error.field}]"
    return f"{where}: {error.message}"


def errors_csv(errors: Iterable[RowError]) -> bytes:
    """The problems of a file as a CSV file to open in Excel (UTF-8 with a byte order mark):
    row, column, value as written, problem; the header in the active language. Text that
    Excel would run as a formula stays text (`hrperf.lib.spreadsheets`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Problem")])
    for error in errors:
        writer.writerow(
            [
                "" if error.row is None else error.row,
                csv_text(error.field or ""),
                csv_text(error.value),
                csv_text(error.message),
            ]
        )
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def file_error(message: str) -> ImportRejected:
    return ImportRejected([RowError(row=None, field=None, message=message)])


def too_large_message(limit: int | None = None) -> str:
    limit = settings.MAX_UPLOAD_BYTES if limit is None else limit
    return _("The file is too large: at most %(max)s MB.") % {"max": limit // (1024 * 1024)}


def old_excel_file() -> ImportRejected:
    return file_error(
        _(
            "Old Excel (.xls) files and password-protected workbooks cannot be read. "
            "Save the file as an Excel workbook (.xlsx) or as CSV and try again."
        )
    )


Rows = Iterator[tuple[int, list[Any]]]


@dataclass(frozen=True)
class TableLimits:
    """What reading one file may take: its size, rows, columns, cells and seconds, and its
    workbook's limits (`hrperf.lib.workbooks`). Every import reads with `default()` (the
    IMPORT_MAX_* and XLSX_MAX_* settings) unless it has limits of its own."""

    upload_bytes: int
    rows: int
    columns: int
    cells: int
    seconds: int
    workbook: WorkbookLimits
    # A workbook read by `hrperf.lib.workbooks.sheet_values` (a few times faster) rather than
    # openpyxl: for the files of hundreds of thousands of rows.
    fast_xlsx: bool = False

    @classmethod
    def default(cls) -> TableLimits:
        return cls(
            upload_bytes=settings.MAX_UPLOAD_BYTES,
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cells=settings.IMPORT_MAX_CELLS,
            seconds=settings.IMPORT_MAX_SECONDS,
            workbook=WorkbookLimits.from_settings(),
        )


@contextmanager
def table_rows(
    file: IO[bytes] | UploadedFile, *, filename: str = "", limits: TableLimits | None = None
) -> Iterator[Rows]:
    """The numbered rows of an uploaded table (`with table_rows(upload) as rows: …`): an Excel
    workbook's first sheet, or a CSV file's lines. Raises ImportRejected for a file too large,
    empty, an old (.xls) or protected workbook, anything that is not a table (a file named
    .xlsx must be a workbook), and when reading passes a limit (`limits`, by default those of
    `settings`: IMPORT_MAX_ROWS, IMPORT_MAX_COLUMNS, IMPORT_MAX_CELLS, IMPORT_MAX_SECONDS; a
    workbook's in `hrperf.lib.workbooks`)."""
    started = monotonic()
    limits = limits or TableLimits.default()
    name = filename.lower()
    data = read_limited(file, limits.upload_bytes)
    if not data.strip():
        raise file_error(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        with closing(xlsx_rows(data, limits.workbook, fast=limits.fast_xlsx)) as rows:
            yield _bounded(rows, started, limits)
        return
    if data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise old_excel_file()
    if data.startswith(BINARY_MAGICS) or name.endswith(".xlsx"):
        raise not_a_table_file()
    text = decode_text(data)
    del data
    yield _bounded(csv_rows(text), started, limits)


def _bounded(rows: Rows, started: float, limits: TableLimits) -> Rows:
    """`rows`, refused as soon as they pass a limit on rows, columns, cells or time."""
    max_rows, max_columns = limits.rows, limits.columns
    max_cells, max_seconds = limits.cells, limits.seconds
    cells_read = 0
    for number, cells in rows:
        if monotonic() - started > max_seconds:
            raise file_error(
                _("Reading the file took longer than %(max)s seconds. Split it into smaller files.")
                % {"max": max_seconds}
            )
        if number > max_rows:
            raise file_error(
                _("The file has more than %(max)s rows. Split it into smaller files.")
                % {"max": f"{max_rows:,}"}
            )
        while cells and is_blank(cells[-1]):
            cells.pop()
        if len(cells) > max_columns:
            raise ImportRejected(
                [
                    RowError(
                        row=number,
                        field=None,
                        message=_("The row has more than %(max)s columns.") % {"max": max_columns},
                    )
                ]
            )
        cells_read += len(cells)
        if cells_read > max_cells:
            raise file_error(
                _("The file has more than %(max)s cells. Split it into smaller files.")
                % {"max": f"{max_cells:,}"}
            )
        yield number, cells


def not_a_table_file() -> ImportRejected:
    return file_error(_("The file is not a CSV or Excel (.xlsx) file."))


def read_limited(file: IO[bytes] | UploadedFile, limit: int | None = None) -> bytes:
    limit = settings.MAX_UPLOAD_BYTES if limit is None else limit
    too_large = file_error(too_large_message(limit))
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
    """A CSV file's text (`hrperf.lib.decoding`); ImportRejected naming the accepted encodings
    and the line for any other, and for a file that is not text at all."""
    if wide_encoding(data) is None and _looks_binary(data):
        raise not_a_table_file()
    try:
        return decoding.decode_text(data)
    except TextRefused as exc:
        raise file_error(str(exc)) from exc


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f\v")
    return b"\x00" in data or (controls > 2 and controls * 100 > len(sample))


def csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=lambda char: (first_line.count(char), char == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, list(cells)
    except csv.Error as exc:
        raise not_a_table_file() from exc


def xlsx_rows(
    data: bytes, limits: WorkbookLimits | None = None, *, fast: bool = False
) -> Generator[tuple[int, list[Any]], None, None]:
    try:
        check_workbook(data, limits)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except WorkbookRefused as exc:
        raise file_error(str(exc)) from exc
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise not_a_table_file() from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_a_table_file()
    if fast:
        yield from _fast_rows(data)
    else:
        yield from _openpyxl_rows(data)


def _fast_rows(data: bytes) -> Generator[tuple[int, list[Any]], None, None]:
    try:
        yield from enumerate(sheet_values(data), start=1)
    except ImportRejected:
        raise
    except Exception as exc:  # a broken part: zip, XML, a shared string that is not there
        raise not_a_table_file() from exc


def _openpyxl_rows(data: bytes) -> Generator[tuple[int, list[Any]], None, None]:
    from openpyxl import load_workbook

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
