"""The self-assessment pages in a browser: the employee writes, attaches, saves and submits on a
phone-sized screen too; HR then sees it on the review page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from selfassessments.models import SelfAssessment
from tests.helpers.browser import PHONE, fits_the_screen, post
from tests.helpers.evidence import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page: Page, screenshots: Path, name: str) -> None:
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)


def test_the_employee_self_assesses_and_hr_sees_it(
    page_as: Callable[[str], Page], self_quarter, screenshots: Path, tmp_path: Path
) -> None:
    review = self_quarter.reviews["employee"]
    page = page_as("employee")
    page.goto("/self-assessment/")
    shoot(page, screenshots, "self-assessment-list")
    page.get_by_test_id(f"self-assessment-row-{review.pk}").get_by_role("link").click()
    expect(page.get_by_test_id("self-assessment-due")).to_contain_text("2099-12-31")
    line = review.kpi_lines.get()
    page.fill(f"#line-{line.pk}", "本季度销售计划完成率 95%，新开拓客户 3 家。")
    page.fill("#summary", "整体完成了季度目标，客户回款及时。")
    for fieldset in page.locator("fieldset.sa-rating").all():
        fieldset.locator("input[type=radio][value='4']").check()
    post(page, page.get_by_test_id("self-assessment-save"))
    evidence = tmp_path / "销售明细.pdf"
    evidence.write_bytes(pdf_bytes())
    page.set_input_files("#evidence-file", str(evidence))
    post(page, page.get_by_test_id("evidence-upload-button"))
    expect(page.get_by_test_id("self-assessment-evidence")).to_contain_text("销售明细.pdf")
    shoot(page, screenshots, "self-assessment-edit")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    shoot(page, screenshots, "self-assessment-edit-375")
    post(page, page.get_by_test_id("self-assessment-submit"))
    expect(page.get_by_test_id("self-assessment-confirm")).to_be_visible()
    shoot(page, screenshots, "self-assessment-confirm-375")
    post(page, page.get_by_test_id("self-assessment-confirm-submit"))
    expect(page.get_by_test_id("self-assessment-closed")).to_be_visible()
    assert fits_the_screen(page)
    shoot(page, screenshots, "self-assessment-submitted-375")
    page.goto("/self-assessment/")
    assert fits_the_screen(page)
    shoot(page, screenshots, "self-assessment-list-375")
    assert SelfAssessment.objects.get(review=review).state == "submitted"

    hr = page_as("hr")
    hr.goto(f"/reviews/{review.pk}/")
    panel = hr.get_by_test_id("review-self-assessment")
    expect(panel).to_contain_text("整体完成了季度目标")
    expect(panel).to_contain_text("销售明细.pdf")
    shoot(hr, screenshots, "review-self-assessment-panel")
    hr.set_viewport_size(PHONE)
    shoot(hr, screenshots, "review-self-assessment-panel-375")
