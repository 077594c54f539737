"""The fast reader of a workbook's first sheet (`hrperf.lib.workbooks.sheet_values`) gives the
rows openpyxl's read-only mode gives (values only, formulas' last values): shared and inline
strings, numbers, dates, yes/no, missing cells and rows, either markup path."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from hrperf.lib.spreadsheets import BOLD, xlsx_stream
from hrperf.lib.workbooks import sheet_values
from tests.helpers.workbooks import rezip


def _edited(data: bytes, part: str, edit: Callable[[bytes], bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read(part)
    return rezip(data, replace={part: edit(content)})


def _openpyxl(data: bytes) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _trimmed(rows: list[list[object]]) -> list[list[object]]:
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    return out


def _saved() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["employee_no", "name", "target", "when", "ok"])
    sheet.append(["E1", "周杰 & <co>", 12.5, dt.datetime(2026, 7, 1, 9, 30), True])  # noqa: DTZ001 (a cell: naive)
    sheet.append(["E2", "  spaced  ", 7, None, False])
    sheet["B6"] = "=not a formula"
    sheet["B6"].data_type = "s"
    sheet["H6"] = 3
    sheet["C7"] = "=1+2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_what_openpyxl_reads_from_a_saved_workbook() -> None:
    data = _saved()
    assert _trimmed(list(sheet_values(data))) == _trimmed(_openpyxl(data))


def test_it_reads_a_streamed_workbook_as_openpyxl_does() -> None:
    rows: list[list[Any]] = [["E1", "=x", None, Decimal("1.50")], ["E2", "a\tb", "c", Decimal("0")]]
    data = b"".join(
        xlsx_stream(sheet_name="2026Q3", widths=[9, 9, 9, 9], header=[("h", BOLD)], rows=rows)
    )
    assert _trimmed(list(sheet_values(data))) == _trimmed(_openpyxl(data))
    assert list(sheet_values(data))[1] == ["E1", "=x", None, 1.5]


@pytest.mark.parametrize("comment", [False, True])
def test_either_markup_path_gives_the_same_rows(comment: bool) -> None:
    data = _saved()
    if comment:
        data = _edited(
            data,
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(b"<sheetData>", b"<!-- a note --><sheetData>"),
        )
    assert _trimmed(list(sheet_values(data))) == _trimmed(_openpyxl(_saved()))


def test_a_document_type_is_refused() -> None:
    data = _edited(
        _saved(),
        "xl/workbook.xml",
        lambda xml: xml.replace(b"<workbook", b'<!DOCTYPE x [<!ENTITY a "b">]><workbook', 1),
    )
    with pytest.raises(Exception, match="document type"):
        list(sheet_values(data))
