"""The director's approve-all across the queue's pages in Chromium, with the count confirmed
first and refused (with the new count) when the set changed meanwhile; the return dialog; HR's
submit-all on the reviews list; desktop and 375 px screenshots in
test-artifacts/screenshots/bulk-*.png."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db.models import F
from playwright.sync_api import Page, expect

from reviews.models import ApprovedResult, AuditEvent, Review
from tests.helpers.browser import PHONE, fits_the_screen, post
from tests.helpers.bulk_pages import approve_all, bulk_submit, many_scored, return_in_dialog
from tests.helpers.pages import PERIOD, complete_example, submit_and_score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"bulk-{name}.png", full_page=True)


def test_approve_all_across_pages_with_the_count_confirmed(
    page_quarter, personas, departments, page_as: Callable[[str], Page], screenshots: Path
):
    submit_and_score(personas, page_quarter.reviews["E00002"])
    many_scored(page_quarter.cycle, departments["SALES"], 60)
    director = page_as("director")
    director.goto("/queue/")
    expect(director.get_by_test_id("approve-all")).to_have_attribute("data-count", "61")
    assert director.locator("[data-testid^='queue-row-']").count() == 50
    shoot(director, screenshots, "queue-desktop")

    # Return one through the dialog: one text box for the page, opened from the row.
    assert director.locator("textarea").count() == 1
    director.get_by_test_id("return-E00002").click()
    expect(director.get_by_test_id("row-dialog")).to_be_visible()
    shoot(director, screenshots, "queue-return-dialog-desktop")
    director.get_by_test_id("row-dialog-cancel").click()
    expect(director.get_by_test_id("row-dialog")).to_be_hidden()
    return_in_dialog(director, "E00002", "请核对销售额")
    assert Review.objects.get(employee__employee_no="E00002").state == "returned"
    event = AuditEvent.objects.get(review__employee__employee_no="E00002", to_value="returned")
    assert event.reason == "请核对销售额"

    # The count is confirmed; a review changing meanwhile refuses all, with the new count.
    director.get_by_test_id("approve-all").click()
    director.wait_for_url("**/queue/approve-all/**")
    expect(director.get_by_test_id("bulk-count")).to_have_attribute("data-count", "60")
    shoot(director, screenshots, "approve-all-confirm-desktop")
    changed = Review.objects.filter(employee__employee_no="E00100")
    changed.update(revision=F("revision") + 1, scored_revision=F("scored_revision") + 1)
    post(director, director.get_by_test_id("bulk-confirm-button"), expected_status=409)
    expect(director.get_by_test_id("bulk-message")).to_be_visible()
    assert not Review.objects.filter(state="approved").exists()
    shoot(director, screenshots, "approve-all-changed-desktop")

    # Confirmed again: every page of them, at once.
    director.get_by_test_id("bulk-reason").fill("按季度批量审批")
    post(director, director.get_by_test_id("bulk-confirm-button"))
    assert Review.objects.filter(state="approved").count() == 60
    assert ApprovedResult.objects.count() == 60
    expect(director.get_by_test_id("queue-empty")).to_be_visible()


def test_the_bulk_pages_fit_a_phone(
    page_quarter, personas, departments, page_as: Callable[[str], Page], screenshots: Path
):
    submit_and_score(personas, page_quarter.reviews["E00002"])
    many_scored(page_quarter.cycle, departments["SALES"], 3)
    director = page_as("director")
    director.set_viewport_size(PHONE)
    director.goto("/queue/")
    assert fits_the_screen(director)
    shoot(director, screenshots, "queue-phone")
    director.get_by_test_id("return-E00002").click()
    expect(director.get_by_test_id("row-dialog")).to_be_visible()
    box = director.get_by_test_id("row-dialog").bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    shoot(director, screenshots, "queue-return-dialog-phone")
    director.get_by_test_id("row-dialog-cancel").click()
    director.get_by_test_id("approve-all").click()
    director.wait_for_url("**/queue/approve-all/**")
    assert fits_the_screen(director)
    shoot(director, screenshots, "approve-all-confirm-phone")
    assert approve_all(director, expected=4, reason="手机端审批") == 4
    assert Review.objects.filter(state="approved").count() == 4


def test_hr_submits_every_complete_review_of_the_filter(
    page_quarter, personas, page_as: Callable[[str], Page], screenshots: Path
):
    for number in ("E00002", "E00004"):
        complete_example(personas, page_quarter.reviews[number])
    hr = page_as("hr")
    hr.goto(f"/quarters/{PERIOD}/reviews/")
    expect(hr.get_by_test_id("submit-all")).to_have_attribute("data-count", "2")
    expect(hr.get_by_test_id("submit-all-incomplete")).to_be_visible()
    shoot(hr, screenshots, "review-list-desktop")
    hr.get_by_test_id("submit-all").click()
    hr.wait_for_url("**/submit-all/**")
    expect(hr.get_by_test_id("bulk-left-out")).to_contain_text("E00001")
    shoot(hr, screenshots, "submit-all-confirm-desktop")
    hr.set_viewport_size(PHONE)
    assert fits_the_screen(hr)
    shoot(hr, screenshots, "submit-all-confirm-phone")
    assert bulk_submit(hr, PERIOD) == 2
    submitted = Review.objects.filter(state="submitted")
    assert set(submitted.values_list("employee__employee_no", flat=True)) == {"E00002", "E00004"}
