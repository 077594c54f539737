"""HR's calendar and a quarter's deadlines in the browser, on a desktop and a phone-sized
screen (375 px): pasting the National Day holidays, setting the deadlines, and the deadlines
on the quarter's page. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from calendars.models import CalendarDay, QuarterDeadlines
from tests.helpers.browser import PHONE, fits_the_screen, post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NATIONAL_DAY = "\n".join(
    [
        "2026-09-27 workday 国庆调休",
        *(f"2026-10-0{day} holiday 国庆节" for day in (1, 2, 5, 6, 7)),
        "2026-10-10 workday 国庆调休",
    ]
)


def test_hr_pastes_the_national_day_holidays(
    page_as: Callable[[str], Page], personas, screenshots: Path
) -> None:
    page = page_as("hr")
    page.get_by_role("link", name="日历", exact=True).click()
    expect(page).to_have_url(re.compile(r"/calendar/$"))
    page.fill("#id_lines", NATIONAL_DAY + "\n2026-10-08 workday 错误")
    post(page, page.get_by_test_id("paste-submit"), expected_status=400)
    expect(page.get_by_test_id("calendar-errors")).to_contain_text("周六或周日")
    assert not CalendarDay.objects.exists()

    page.fill("#id_lines", NATIONAL_DAY)
    post(page, page.get_by_test_id("paste-submit"))
    expect(page.get_by_test_id("day-2026-10-01")).to_contain_text("国庆节")
    assert CalendarDay.objects.count() == 7
    page.screenshot(path=str(screenshots / "calendar.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    page.screenshot(path=str(screenshots / "calendar-375.png"), full_page=True)


def test_hr_sets_the_deadlines_and_the_quarter_shows_them(
    page_as: Callable[[str], Page], fresh_quarter, screenshots: Path
) -> None:
    page = page_as("hr")
    page.goto(f"/quarters/{fresh_quarter.period}/")
    page.get_by_test_id("deadlines-link").click()
    expect(page).to_have_url(re.compile(r"/quarters/2026Q3/deadlines/$"))
    page.fill("#id_self_assessment_due", "2026-10-20")
    page.fill("#id_rating_due", "2026-10-16")
    post(page, page.get_by_test_id("deadlines-submit"), expected_status=400)
    expect(page.locator('[data-field="rating_due"]')).to_contain_text("不能早于")
    page.fill("#id_self_assessment_due", "2026-10-09")
    page.fill("#id_approval_due", "2026-10-23")
    page.fill("#id_appeal_working_days", "7")
    post(page, page.get_by_test_id("deadlines-submit"))
    expect(page.get_by_test_id("deadlines-history")).to_contain_text("评分截止日")
    assert QuarterDeadlines.objects.get().appeal_working_days == 7
    page.screenshot(path=str(screenshots / "deadlines.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    page.screenshot(path=str(screenshots / "deadlines-375.png"), full_page=True)

    page.goto(f"/quarters/{fresh_quarter.period}/")
    section = page.get_by_test_id("quarter-deadlines")
    expect(section).to_contain_text("2026-10-16")
    expect(section).to_contain_text("审批后 7 个工作日")
    assert fits_the_screen(page)
    section.screenshot(path=str(screenshots / "quarter-deadlines-375.png"))
