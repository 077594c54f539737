"""The pure parts of the reports' aggregates: quarters, averages, the trend's quarters."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest

from hrperf.lib.periods import period_of, shift_period
from reviews.files import reports as report_file
from reviews.selectors import aggregates, reports
from reviews.selectors import dashboard as at_a_glance


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        ("2026Q3", "2026Q2"),
        ("2026Q2", "2026Q1"),
        ("2026Q1", "2025Q4"),
        ("2000Q1", "1999Q4"),
        ("2026Q5", None),
        ("2026q3", None),
        ("", None),
        ("nonsense", None),
    ],
)
def test_previous_period_is_the_calendar_quarter_before(period, previous):
    assert shift_period(period, -1) == previous


@pytest.mark.parametrize(
    ("period", "quarters", "shifted"),
    [
        ("2026Q4", 1, "2027Q1"),
        ("2026Q3", 1, "2026Q4"),
        ("2026Q1", -8, "2024Q1"),
        ("2026Q2", 0, "2026Q2"),
    ],
)
def test_a_period_shifts_across_years(period, quarters, shifted):
    assert shift_period(period, quarters) == shifted


def test_the_quarter_of_a_date():
    assert [period_of(dt.date(2026, month, 15)) for month in (1, 3, 4, 9, 10, 12)] == [
        "2026Q1", "2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026Q4"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        (Decimal("152.05"), 2, Decimal("76.03")),  # 76.025 rounds half up
        (Decimal("100"), 3, Decimal("33.33")),
        (Decimal("200"), 3, Decimal("66.67")),
        (Decimal("92.04"), 1, Decimal("92.04")),
        (Decimal(0), 0, None),
        (None, 0, None),
        (None, 2, None),
    ],
)
def test_average_is_exact_and_rounds_half_up(total, count, expected):
    assert aggregates.average(total, count) == expected


def _cycles(*periods: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(period=period) for period in periods]


def test_report_periods_are_the_quarters_up_to_the_chosen_one_oldest_first():
    cycles = _cycles("2026Q4", "2026Q3", "2026Q1", "2025Q4")
    assert reports.report_periods(cycles=cycles, period="2026Q3") == [  # type: ignore[arg-type]
        "2025Q4",
        "2026Q1",
        "2026Q3",
    ]


def test_report_periods_keep_the_last_eight():
    periods = [f"{year}Q{q}" for year in (2024, 2025, 2026) for q in (1, 2, 3, 4)]
    chosen = reports.report_periods(cycles=_cycles(*periods), period="2026Q2")  # type: ignore[arg-type]
    assert len(chosen) == reports.TREND_QUARTERS
    assert chosen[0] == "2024Q3" and chosen[-1] == "2026Q2"


def test_completion_is_a_percentage_of_approved_reviews():
    def overview(approved: int, total: int) -> at_a_glance.Overview:
        return at_a_glance.Overview(
            cycle=None,  # type: ignore[arg-type]
            by_state={},
            total=total,
            approved=approved,
            grades={},
            graded=0,
            department_averages=[],
            below_threshold=[],
            below_threshold_count=0,
        )

    assert overview(2, 5).completion_percent == Decimal("40.00")
    assert overview(1, 3).completion_percent == Decimal("33.33")
    assert overview(0, 0).completion_percent == Decimal(0)


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
