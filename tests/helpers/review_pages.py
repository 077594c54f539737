"""Steps on the review page in the browser that journeys share: an assessor rates, and the page
is reloaded until the worker has moved the review on."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from reviews.models import CompetencyRating, Review
from tests.helpers.browser import post
from tests.helpers.examples import COMPETENCY_CODES


def rate(page: Page, review: Review, role: str, values: tuple[int, ...]) -> None:
    """One assessor rates the four competencies on the review's page and saves."""
    page.goto(f"/reviews/{review.pk}/")
    form = page.get_by_test_id(f"rate-form-{role}")
    expect(form).to_be_visible()
    for code, value in zip(COMPETENCY_CODES, values, strict=True):
        form.locator(f"select[name='rating-{code}']").select_option(str(value))
    post(page, form.get_by_test_id(f"rate-save-{role}"))
    ratings = CompetencyRating.objects.filter(review=review, assessor_role=role)
    assert dict(ratings.values_list("competency__code", "value")) == dict(
        zip(COMPETENCY_CODES, values, strict=True)
    ), (review.employee.employee_no, role)


def reload_until_state(page: Page, state: str, timeout: float = 60.0) -> None:
    """Reload the review page until its state badge shows `state` (the worker is asynchronous)."""
    badge = page.get_by_test_id("review-state")
    deadline = time.monotonic() + timeout
    while badge.get_attribute("data-state") != state:
        if time.monotonic() > deadline:
            pytest.fail(
                f"{page.url}: the review state stayed {badge.get_attribute('data-state')!r}, "
                f"expected {state!r} within {timeout:.0f} s",
                pytrace=False,
            )
        time.sleep(0.5)
        page.reload()
