"""Two people on the same review at once: the first to save wins; the second is told plainly
that someone else changed the review, loses nothing they typed, and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from reviews.models import ReviewKpiLine
from tests.helpers.browser import post
from tests.helpers.pages import PageQuarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the page tells of a stale form, and what it says (the browser asks for Chinese).
CONFLICT = "[data-testid='review-conflict']"
SOMEONE_ELSE = "其他人修改了它"


def test_the_second_of_two_people_saving_a_review_is_told_and_keeps_what_they_typed(
    page_as: Callable[[str], Page], page_quarter: PageQuarter, screenshots: Path
) -> None:
    review = page_quarter.reviews["E00002"]
    line = review.kpi_lines.get(code="SALES_PLAN_RATE")
    url = f"/reviews/{review.pk}/"

    # Two HR colleagues open the same review, each in their own browser.
    first, second = page_as("hr"), page_as("hr")
    first.goto(url)
    second.goto(url)
    first_form = first.get_by_test_id("figures-form")
    second_form = second.get_by_test_id("figures-form")
    expect(second_form).to_be_visible()

    # The first saves an actual figure.
    first_form.locator(f"input[name='actual-{line.pk}']").fill("92")
    post(first, first_form.get_by_test_id("figures-save"))
    assert ReviewKpiLine.objects.get(pk=line.pk).actual == Decimal("92")

    # The second, on the page drawn before that, types other figures and saves.
    second_form.locator(f"input[name='actual-{line.pk}']").fill("88.5")
    second_form.locator(f"input[name='target-{line.pk}']").fill("105")
    post(second, second_form.get_by_test_id("figures-save"), expected_status=409)

    # Told plainly that someone else changed the review.
    conflict = second.locator(CONFLICT)
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(SOMEONE_ELSE)
    # What they typed is still in the inputs, ready to save again.
    form = second.get_by_test_id("figures-form")
    expect(form.locator(f"input[name='actual-{line.pk}']")).to_have_value("88.5")
    expect(form.locator(f"input[name='target-{line.pk}']")).to_have_value("105")
    second.screenshot(path=screenshots / "quarter-review-conflict.png", full_page=True)

    # Nothing of the second's was saved: the first person's figures stand.
    line.refresh_from_db()
    assert line.actual == Decimal("92")
    assert line.target == Decimal("100")
