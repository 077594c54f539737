"""The reports' reads (reviews.selectors.reports): the quarters of the trend."""

from __future__ import annotations

from types import SimpleNamespace

from reviews.selectors import reports


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
