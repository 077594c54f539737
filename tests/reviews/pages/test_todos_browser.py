"""The to-do page in Chromium on a phone (375 px): the overdue work first and marked in words,
the navigation's link with its count, the division's overdue table, all without scrolling
sideways; screenshots in test-artifacts/screenshots/todos-*.png."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.helpers.browser import PHONE, fits_the_screen
from tests.helpers.todos import set_deadlines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def late(api_quarter) -> None:
    today = timezone.localdate()
    set_deadlines(
        api_quarter.cycle,
        self_assessment_due=today + dt.timedelta(days=2),
        rating_due=today - dt.timedelta(days=1),
        approval_due=today + dt.timedelta(days=10),
    )


@pytest.mark.parametrize("name", ["director", "hr", "head"])
def test_the_to_do_page_fits_a_phone(
    late, page_as: Callable[[str], Page], screenshots: Path, name: str
) -> None:
    page = page_as(name)
    page.set_viewport_size(PHONE)
    page.goto("/todos/")
    items = page.locator("[data-testid=todos] li")
    if name != "head":  # the head's work is not overdue: their department's ratings are HR's
        expect(items.first).to_have_attribute("data-overdue", "yes")
        expect(items.first.locator(".overdue-mark")).to_be_visible()
    expect(page.get_by_test_id("nav-todos")).to_be_visible()
    expect(page.get_by_test_id("overdue-work")).to_be_visible()
    page.screenshot(path=screenshots / f"todos-{name}-phone.png", full_page=True)
    assert fits_the_screen(page)


def test_the_employees_page_fits_a_phone(
    late, page_as: Callable[[str], Page], screenshots: Path
) -> None:
    page = page_as("other_employee")
    page.set_viewport_size(PHONE)
    page.goto("/todos/")
    expect(page.locator("[data-testid=todos] li[data-kind=self_assess]")).to_be_visible()
    expect(page.get_by_test_id("overdue-work")).to_have_count(0)
    page.screenshot(path=screenshots / "todos-employee-phone.png", full_page=True)
    assert fits_the_screen(page)
