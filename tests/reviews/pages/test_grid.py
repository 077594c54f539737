"""The rating grid in the browser: an assessor rates several rows by keyboard only, saves them in
one request and sees them saved; a row someone else changed meanwhile is refused alone and shown
with both values. Screenshots (desktop and a 375 px phone) go to test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reviews import services
from reviews.models import CompetencyRating, Review
from tests.helpers.browser import PHONE, fits_the_screen
from tests.helpers.examples import COMPETENCY_CODES
from tests.helpers.grid_pages import grid_open, grid_rate_by_keyboard, grid_save_by_keyboard
from tests.helpers.pages import PERIOD

pytestmark = pytest.mark.django_db(transaction=True)


def own(review: Review, role: str) -> tuple[int | None, ...]:
    found = dict(
        CompetencyRating.objects.filter(review=review, assessor_role=role).values_list(
            "competency__code", "value"
        )
    )
    return tuple(found.get(code) for code in COMPETENCY_CODES)


def test_rating_rows_by_keyboard_and_a_stale_row(page_quarter, personas, page_as, screenshots):
    reviews = page_quarter.reviews
    page = page_as("director")
    grid_open(page, PERIOD)
    wanted = {"E00003": (4, 3, 5, 2), "E00001": (4, 4, 4, 4), "E00002": (1, 2, 3, 4)}
    grid_rate_by_keyboard(page, {"E00003": wanted["E00003"], "E00001": wanted["E00001"]})
    grid_rate_by_keyboard(page, {"E00002": wanted["E00002"]}, tab=True)
    expect(page.get_by_test_id("grid-changed")).to_contain_text("3")
    at_hand = page.get_by_test_id("grid-at-hand")
    expect(at_hand).to_be_visible()
    expect(at_hand.locator("li.current")).to_have_count(1)
    page.screenshot(path=screenshots / "grid-desktop-typed.png", full_page=True)
    answer = grid_save_by_keyboard(page)
    assert answer.status == 302, answer.status
    for number, levels in wanted.items():
        assert own(reviews[number], "marketing_director") == levels, number
        for column, level in enumerate(levels, start=1):
            cell = page.get_by_test_id(f"cell-{number}-{column}")
            expect(cell).to_have_value(str(level))
            expect(cell).to_have_attribute("data-saved", str(level))
    expect(page.get_by_test_id("grid-row-E00003")).not_to_have_class("changed")
    assert own(reviews["E00004"], "marketing_director") == (None,) * 4
    page.screenshot(path=screenshots / "grid-desktop-saved.png", full_page=True)

    # Someone else changes E00004 while the director types: that row alone is refused.
    grid_rate_by_keyboard(page, {"E00004": (5, 5, 5, 5), "E00005": (2, 2, 2, 2)})
    services.review_rate(
        actor=personas["director"],
        review=reviews["E00004"],
        assessor_role="marketing_director",
        ratings=dict.fromkeys(COMPETENCY_CODES, 1),
    )
    answer = grid_save_by_keyboard(page)
    assert answer.status == 409, answer.status
    expect(page.get_by_test_id("grid-refused")).to_be_visible()
    expect(page.get_by_test_id("theirs-E00004-1")).to_be_visible()
    expect(page.get_by_test_id("cell-E00004-1")).to_have_value("5")  # yours, kept to save again
    assert own(reviews["E00004"], "marketing_director") == (1, 1, 1, 1)
    assert own(reviews["E00005"], "marketing_director") == (2, 2, 2, 2)
    page.screenshot(path=screenshots / "grid-desktop-stale.png", full_page=True)
    # Saving again keeps the director's values, knowingly.
    page.get_by_test_id("cell-E00004-1").focus()
    assert grid_save_by_keyboard(page).status == 302
    assert own(reviews["E00004"], "marketing_director") == (5, 5, 5, 5)

    page.set_viewport_size(PHONE)
    grid_open(page, PERIOD)
    assert fits_the_screen(page)
    page.screenshot(path=screenshots / "grid-phone.png", full_page=True)


def test_the_self_assessment_opens_in_a_dialog(page_quarter, personas, page_as, screenshots):
    from selfassessments.models import SelfAssessment

    SelfAssessment.objects.create(
        review=page_quarter.reviews["E00002"],
        summary="本季度完成了重点客户拓展",
        state=SelfAssessment.State.SUBMITTED,
    )
    page = page_as("director")
    grid_open(page, PERIOD)
    link = page.get_by_test_id("self-E00002")
    link.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_test_id("grid-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("本季度完成了重点客户拓展")
    page.screenshot(path=screenshots / "grid-desktop-self-assessment.png")
    page.keyboard.press("Escape")
    expect(dialog).not_to_be_visible()


def test_the_levels_page_for_hr(page_quarter, page_as, screenshots):
    page = page_as("hr")
    page.goto(f"/catalogue/competencies/{COMPETENCY_CODES[0]}/levels/")
    expect(page.get_by_test_id("levels-form")).to_be_visible()
    page.screenshot(path=screenshots / "levels-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    assert fits_the_screen(page)
    page.screenshot(path=screenshots / "levels-phone.png", full_page=True)
