"""The calibration page in Chromium, on a desktop and a 375 px phone screen: the director reads
the distributions, opens a group's lock dialog, gives the reason and locks it. Screenshots go to
test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from reviews.models import CalibrationLock, ScoringPolicy
from tests.helpers.browser import PHONE, fits_the_screen, post
from tests.helpers.quarters import scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_locks_a_department_on_a_phone(
    fresh_quarter, personas, departments, page_as, screenshots: Path
):
    ScoringPolicy.objects.filter(cycle=fresh_quarter).update(
        grading="relative", relative_min_group=1, max_share_c=40
    )
    scored(personas, actual="90", director=5, hr=5, name="head")
    scored(personas, actual="70", director=3, hr=3)
    page = page_as("director")
    page.goto("/quarters/2026Q3/calibration/")
    expect(page.get_by_test_id("distribution").first).to_be_visible()
    page.screenshot(path=screenshots / "calibration-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    page.screenshot(path=screenshots / "calibration-375.png", full_page=True)
    dialog = page.get_by_test_id("lock-dialog")
    dialog.locator("summary").click()
    dialog.locator("textarea").fill("校准会议：销售部分布合理")
    page.screenshot(path=screenshots / "calibration-lock-dialog-375.png", full_page=True)
    post(page, dialog.get_by_test_id("lock-group"))
    expect(page.get_by_test_id("lock-info")).to_contain_text("校准会议")
    assert fits_the_screen(page)
    page.screenshot(path=screenshots / "calibration-locked-375.png", full_page=True)
    assert CalibrationLock.objects.get().group == f"department:{departments['SALES'].pk}"
