"""The reports in the browser: the filters (a range of quarters, a department), a figure's
link to the reviews behind it, the trend's 30 panels, the final mark once HR closed the quarter
(`close_quarter`, the step the end-to-end tests share); at a desktop width and at 375 px, with
screenshots in test-artifacts/screenshots (and HRPERF_SHOTS, if set)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.closing import close_quarter
from tests.helpers.reports import approved, department

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page: Page, folder: Path, name: str) -> None:
    for width, suffix in ((1366, "desktop"), (375, "375")):
        page.set_viewport_size({"width": width, "height": 900})
        path = folder / f"reports-{name}-{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        extra = os.environ.get("HRPERF_SHOTS")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(extra) / path.name), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('body *')).filter(e => "
            "!e.closest('.table-wrap') && e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".slice(0, 8).map(e => "
            "e.tagName + '.' + e.className + '#' + (e.dataset.testid || '') + ' ' + "
            "Math.round(e.getBoundingClientRect().right))"
        )
        assert not overflow, f"{name} overflows at {width}: {wide}"
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture
def thirty(personas, departments) -> None:
    """30 departments with an approved result in 2026Q1–Q3, SALES with two in Q2 and Q3."""
    people = {"hr": personas["hr"], "director": personas["director"]}
    for index in range(30):
        extra = department(f"D{index:02d}", 10 + index, name_en=f"Branch {index:02d}")
        for period in ("2026Q1", "2026Q2", "2026Q3"):
            total = f"{60 + (index * 7 + int(period[-1]) * 5) % 35}.25"
            approved(**people, period=period, department=extra, rows=[(total, "B", index == 3)])
    approved(
        **people,
        period="2026Q2",
        department=departments["SALES"],
        rows=[("80.00", "B", False), ("70.00", "C", True)],
    )
    approved(
        **people,
        period="2026Q3",
        department=departments["SALES"],
        rows=[("90.50", "A", False), ("81.20", "B", False)],
    )


def test_filters_and_drill_down(page_as: Any, thirty: None, screenshots: Path) -> None:
    director = page_as("director")
    director.goto("/reports/?from=2026Q1&to=2026Q3")
    expect(director.get_by_test_id("trend-panel")).to_have_count(31)
    shoot(director, screenshots, "thirty")
    # one department, one quarter
    director.select_option("#report-from", "2026Q3")
    director.select_option("#report-department", "SALES")
    director.get_by_test_id("report-filter-submit").click()
    expect(director.get_by_test_id("trend-panel")).to_have_count(1)
    row = director.get_by_test_id("change-SALES")
    expect(row.locator('[data-figure="mean"]')).to_contain_text("85.85")
    expect(row.locator('[data-figure="mean"]')).to_contain_text("+10.85")
    shoot(director, screenshots, "sales")
    # the grade A figure lists the review behind it
    row.locator('[data-figure="grade-A"] a').click()
    expect(director).to_have_url(re.compile(r"/quarters/2026Q3/reviews/\?department=\d+&grade=A$"))
    expect(director.locator("tbody tr")).to_have_count(1)


def test_the_reports_are_final_once_hr_closes_the_quarter(
    page_as: Any, closable_quarter: Any, screenshots: Path
) -> None:
    hr = page_as("hr")
    hr.goto("/reports/")
    expect(hr.get_by_test_id("report-status")).to_have_attribute("data-final", "no")
    hr.goto(f"/quarters/{closable_quarter.period}/")
    shoot(hr, screenshots, "quarter-open")
    close_quarter(hr, closable_quarter.period)
    shoot(hr, screenshots, "quarter-closed")
    hr.goto("/reports/")
    expect(hr.get_by_test_id("report-status")).to_have_attribute("data-final", "yes")
    shoot(hr, screenshots, "final")
    director = page_as("director")
    director.goto(f"/quarters/{closable_quarter.period}/")
    director.get_by_test_id("reopen-reason").fill("补录一项申诉")
    director.get_by_test_id("reopen-quarter").click()
    expect(director.get_by_test_id("quarter-status")).to_have_attribute("data-status", "open")
    expect(director.get_by_test_id("quarter-history")).to_contain_text("补录一项申诉")
    shoot(director, screenshots, "quarter-reopened")
