"""HR's figures import on the quarter's page, on a phone-sized screen (375 px): the list of a
file's problems fits the screen, long codes and numbers included, without scrolling sideways.
Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from reviews.models import ReviewKpiLine
from tests.helpers.browser import PHONE, fits_the_screen, post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NUMBER = "E" + "0" * 38 + "1"  # an employee number as long as the message shows


def test_a_files_problems_fit_a_phone(
    page_as: Callable[[str], Page], fresh_quarter, screenshots: Path, tmp_path: Path
) -> None:
    upload = tmp_path / "figures.csv"
    upload.write_text(
        "period,employee_no,kpi_code,actual\n"
        f"{fresh_quarter.period},{LONG_NUMBER},MARKET_DEV_PLAN_RATE_OF_THE_WHOLE_YEAR,95\n"
        f"{fresh_quarter.period},{LONG_NUMBER},X,abc\n",
        encoding="utf-8",
    )
    lines = list(ReviewKpiLine.objects.values_list("pk", "actual"))
    page = page_as("hr")
    page.set_viewport_size(PHONE)
    page.goto(f"/quarters/{fresh_quarter.period}/")
    page.get_by_test_id("import-form").locator("input[type=file]").set_input_files(upload)
    post(
        page, page.get_by_test_id("import-form").locator("button[type=submit]"), expected_status=400
    )

    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text(LONG_NUMBER)
    wrap = errors.locator("xpath=..")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth"), "the problems scroll sideways"
    assert fits_the_screen(page)
    errors.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "quarter-import-errors-375.png"))
    assert list(ReviewKpiLine.objects.values_list("pk", "actual")) == lines
