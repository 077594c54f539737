"""Reading an uploaded table: the limits of every file (rows, columns, cells, time) and of an
Excel workbook (checked before openpyxl opens it), each refusal naming its limit."""

from __future__ import annotations

import io
import itertools
from typing import Any

import openpyxl
import pytest
from django.test import override_settings
from openpyxl import Workbook

from hrperf.lib import tables
from hrperf.lib.tables import ImportRejected, RowError, table_rows
from tests.helpers.workbooks import SHARED_STRINGS, bomb, xlsx_bytes

ROWS = [["employee_no", "name"], ["E10001", "周杰"], ["E10002", "Ana"]]


pytestmark = pytest.mark.usefixtures("in_english")


def read(data: bytes, filename: str = "table.csv") -> list[tuple[int, list[Any]]]:
    with table_rows(io.BytesIO(data), filename=filename) as rows:
        return list(rows)


def refused(data: bytes, filename: str = "table.csv") -> list[RowError]:
    with pytest.raises(ImportRejected) as info:
        read(data, filename)
    return info.value.errors


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "".join(",".join(row) + "\r\n" for row in rows).encode()


def table_bytes(rows: list[list[str]], file_format: str) -> bytes:
    return csv_bytes(rows) if file_format == "csv" else xlsx_bytes(rows)


def test_it_reads_a_csv_file_and_a_workbook_within_the_limits() -> None:
    assert read(csv_bytes(ROWS)) == list(enumerate(ROWS, start=1))
    assert read(xlsx_bytes(ROWS), "table.xlsx") == list(enumerate(ROWS, start=1))


def test_a_workbook_bomb_is_refused_before_openpyxl_opens_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def load_workbook(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl opened the workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)

    [error] = refused(bomb(ROWS, unpacked=90 * 1024 * 1024), "table.xlsx")

    assert (error.row, error.field) == (None, None)
    assert SHARED_STRINGS in error.message and "8 MB" in error.message


@override_settings(IMPORT_MAX_ROWS=3)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_file_of_more_rows_than_the_limit_is_refused(file_format: str) -> None:
    rows = [*ROWS, ["E10003", "Li"], ["E10004", "Wu"]]
    data = table_bytes(rows, file_format)

    assert refused(data, f"table.{file_format}") == [
        RowError(None, None, "The file has more than 3 rows. Split it into smaller files.")
    ]


def test_a_workbook_with_a_cell_in_its_last_row_is_refused_by_the_row_limit() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["employee_no", "name"])
    sheet.cell(row=1_048_576, column=1, value="E10001")
    buffer = io.BytesIO()
    workbook.save(buffer)

    [error] = refused(buffer.getvalue(), "table.xlsx")

    assert "250,000 rows" in error.message


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_row_of_more_columns_than_the_limit_is_refused_naming_the_row(file_format: str) -> None:
    rows = [ROWS[0], ["E10001", *["x"] * 250]]
    data = table_bytes(rows, file_format)

    assert refused(data, f"table.{file_format}") == [
        RowError(2, None, "The row has more than 200 columns.")
    ]


@override_settings(IMPORT_MAX_CELLS=5)
def test_a_file_of_more_cells_than_the_limit_is_refused() -> None:
    assert refused(csv_bytes(ROWS)) == [
        RowError(None, None, "The file has more than 5 cells. Split it into smaller files.")
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_reading_that_takes_longer_than_the_limit_is_stopped(
    monkeypatch: pytest.MonkeyPatch, file_format: str
) -> None:
    clock = itertools.count(start=0, step=15)  # each look at the clock: 15 s later
    monkeypatch.setattr(tables, "monotonic", lambda: float(next(clock)))
    rows = [*ROWS, ["E10003", "Li"], ["E10004", "Wu"]]
    data = table_bytes(rows, file_format)

    assert refused(data, f"table.{file_format}") == [
        RowError(
            None, None, "Reading the file took longer than 20 seconds. Split it into smaller files."
        )
    ]
