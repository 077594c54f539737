"""The reports' workbook (reviews.files.reports): sheet titles Excel accepts, text never a
formula."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from reviews.files import reports as report_file


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Department averages", "Department averages"),
        ("Results: 2026Q3 [draft]", "Results  2026Q3  draft"),
        ("a/b\\c*d?e", "a b c d e"),
        ("x" * 40, "x" * 31),
    ],
)
def test_sheet_titles_are_ones_excel_accepts(title, expected):
    assert report_file._sheet_title(title) == expected


def test_a_text_cell_of_the_workbook_is_never_a_formula() -> None:
    from openpyxl import Workbook, load_workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = report_file._Sheet(workbook, "Names", ["Name", "Score"], [20, 10])
    sheet.append(['=HYPERLINK("http://x","y")', Decimal("91.50")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    name, score = load_workbook(io.BytesIO(buffer.getvalue()))["Names"][2]
    assert (name.value, name.data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert (Decimal(str(score.value)), score.number_format) == (Decimal("91.50"), "0.00")
