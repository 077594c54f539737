"""The employee confirms or appeals in the browser and HR answers, at a desktop width and at
375 px; screenshots of every page go to test-artifacts/ (and HRPERF_SHOTS, if set)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from appeals.models import Appeal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page: Page, folder: Path, name: str) -> None:
    for width, suffix in ((1366, "desktop"), (375, "375")):
        page.set_viewport_size({"width": width, "height": 900})
        path = folder / f"appeals-{name}-{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        extra = os.environ.get("HRPERF_SHOTS")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(extra) / path.name), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow or width > 375 or name in {"print"}, f"{name} overflows at {width}"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_employee_appeals_and_hr_answers(
    page_as: Any, api_quarter: Any, screenshots: Path
) -> None:
    own = api_quarter.own
    employee = page_as("employee")
    employee.goto(f"/reviews/{own.pk}/")
    expect(employee.get_by_test_id("result-confirmation")).to_be_visible()
    shoot(employee, screenshots, "review-panel")
    employee.get_by_test_id("appeal-result").click()
    expect(employee.get_by_test_id("appeal-form")).to_be_visible()
    shoot(employee, screenshots, "form")
    employee.locator("input[name=items][value=whole]").check()
    employee.get_by_test_id("grounds").fill("销售回款数据有误，CRM 显示 95%。")
    employee.get_by_test_id("file-appeal").click()
    expect(employee.get_by_test_id("appeal-status")).to_be_visible()
    shoot(employee, screenshots, "appeal-employee")
    appeal = Appeal.objects.get()

    hr = page_as("hr")
    hr.goto("/appeals/")
    expect(hr.get_by_test_id(f"appeal-row-{appeal.pk}")).to_be_visible()
    shoot(hr, screenshots, "list")
    hr.goto(f"/appeals/{appeal.pk}/")
    shoot(hr, screenshots, "appeal-hr")
    hr.get_by_test_id("answer-reason").fill("已核对 CRM，数据无误。")
    hr.get_by_test_id("reject-appeal").click()
    expect(hr.get_by_test_id("appeal-answer")).to_contain_text("已核对")

    employee.goto(f"/reviews/{own.pk}/")
    employee.get_by_test_id("confirm-result").click()
    expect(employee.get_by_test_id("result-confirmation")).to_have_attribute(
        "data-status", "confirmed"
    )
    shoot(employee, screenshots, "review-confirmed")
    hr.goto(f"/reviews/{own.pk}/print/")
    shoot(hr, screenshots, "print")
