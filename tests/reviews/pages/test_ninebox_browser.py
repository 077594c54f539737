"""The calibration pages in headless Chromium: the 9-box drill-down works by clicking a box,
on a desktop window and on a 375 px phone (where the boxes stack), and the leniency page fits
a phone. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.helpers.browser import fits_the_screen
from tests.helpers.insight import calibration_quarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 812}


def test_clicking_a_box_lists_its_reviews(departments, fresh_quarter, page_as, screenshots):
    reviews = calibration_quarter(departments, fresh_quarter)
    hr = page_as("hr")
    hr.goto(reverse("reviews:calibration_ninebox", args=["2026Q3"]))
    assert hr.get_by_test_id("box-reviews").count() == 0
    star = hr.get_by_test_id("box-high-high")
    assert "2" in star.inner_text()
    hr.screenshot(path=str(screenshots / "ninebox-desktop.png"), full_page=True)

    star.click()
    hr.wait_for_load_state()
    listed = hr.get_by_test_id("box-reviews")
    assert listed.is_visible()
    rows = listed.locator("tbody tr")
    assert rows.count() == 2
    assert "孙丽" in rows.nth(0).inner_text() and "刘洋" in rows.nth(1).inner_text()
    # each boxed grid cell sits in three columns on a desktop
    boxes = [hr.get_by_test_id(f"box-{code}").bounding_box() for code in ("low-high", "high-high")]
    assert (
        boxes[0] and boxes[1] and boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]
    )
    hr.screenshot(path=str(screenshots / "ninebox-drill-down-desktop.png"), full_page=True)

    # the review's link leads to the review
    rows.nth(0).get_by_role("link").click()
    hr.wait_for_load_state()
    assert hr.url.endswith(reverse("reviews:review", args=[reviews["E00010"].pk]))


def test_on_a_phone_the_boxes_stack_and_the_drill_down_works(
    departments, fresh_quarter, page_as, screenshots
):
    calibration_quarter(departments, fresh_quarter)
    director = page_as("director")
    director.set_viewport_size(PHONE)
    director.goto(reverse("reviews:calibration_ninebox", args=["2026Q3"]))
    assert fits_the_screen(director)
    top = [
        director.get_by_test_id(f"box-{code}").bounding_box()
        for code in ("low-high", "middle-high")
    ]
    assert top[0] and top[1] and top[1]["y"] > top[0]["y"]  # stacked, one under the other
    assert all(box and box["x"] + box["width"] <= PHONE["width"] for box in top)
    director.screenshot(path=str(screenshots / "ninebox-375.png"), full_page=True)

    director.get_by_test_id("box-middle-low").click()
    director.wait_for_load_state()
    listed = director.get_by_test_id("box-reviews")
    assert listed.locator("tbody tr").count() == 1
    assert "李娜" in listed.inner_text()
    assert fits_the_screen(director)
    director.screenshot(path=str(screenshots / "ninebox-drill-down-375.png"), full_page=True)


def test_the_leniency_page_reads_on_a_desktop_and_a_phone(
    departments, fresh_quarter, page_as, screenshots
):
    calibration_quarter(departments, fresh_quarter)
    hr = page_as("hr")
    hr.goto(reverse("reviews:calibration_leniency", args=["2026Q3"]))
    assert hr.get_by_test_id("assessor-marketing_director").is_visible()
    hr.screenshot(path=str(screenshots / "leniency-desktop.png"), full_page=True)
    hr.set_viewport_size(PHONE)
    hr.reload()
    assert fits_the_screen(hr)
    hr.screenshot(path=str(screenshots / "leniency-375.png"), full_page=True)
