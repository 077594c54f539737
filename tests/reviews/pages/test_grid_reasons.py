"""Why ratings of scored reviews change on the rating grid: one reason code and note for the
save, required for a changed row of a scored review (the form without JavaScript)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reviews.models import AuditEvent, CompetencyRating, Review
from tests.helpers.browser import PHONE, fits_the_screen
from tests.helpers.examples import COMPETENCY_CODES
from tests.helpers.grid_pages import grid_open, grid_rate_by_keyboard, grid_save_by_keyboard
from tests.helpers.pages import PERIOD

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def grid_url() -> str:
    return reverse("reviews:grid", args=[PERIOD])


def form_of(reviews: dict[str, Review], values: dict[str, str], **extra: str) -> dict[str, object]:
    """The grid's form with the rows `values` gives ({employee no.: one level for all})."""
    data: dict[str, object] = {"row": [str(reviews[number].pk) for number in values], **extra}
    for number, level in values.items():
        review = Review.objects.get(pk=reviews[number].pk)
        data[f"revision-{review.pk}"] = str(review.revision)
        for code in COMPETENCY_CODES:
            data[f"rating-{review.pk}-{code}"] = level
    return data


def levels(review: Review) -> set[int]:
    return set(
        CompetencyRating.objects.filter(review=review, assessor_role="hr").values_list(
            "value", flat=True
        )
    )


@pytest.fixture
def scored_row(page_quarter) -> Review:
    """E00002's review, as scored (only its state matters to the reason rule)."""
    review = page_quarter.reviews["E00002"]
    Review.objects.filter(pk=review.pk).update(state=Review.State.SCORED)
    return review


def test_the_grid_offers_the_reason_codes(page_quarter, client_for):
    html = client_for("hr").get(grid_url(), **EN).content.decode()
    assert 'data-testid="grid-reason-code"' in html
    assert "Reason for changes to scored reviews" in html
    for code in ("calibration", "new_evidence", "correction", "other"):
        assert f'<option value="{code}">' in html
    assert 'name="reason_note"' in html


def test_a_scored_row_without_a_reason_is_refused_alone(page_quarter, scored_row, client_for):
    data = form_of(page_quarter.reviews, {"E00002": "4", "E00003": "3"})
    response = client_for("hr").post(grid_url(), data, **EN)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="reason-required-E00002"' in html
    assert "rows[0].reason_code" in html
    assert "This review is scored: say why its inputs change" in html
    assert levels(scored_row) == set()
    assert levels(page_quarter.reviews["E00003"]) == {3}


def test_a_reason_saves_the_scored_row_and_is_kept(page_quarter, scored_row, client_for):
    data = form_of(
        page_quarter.reviews, {"E00002": "4"}, reason_code="correction", reason_note="录入错误"
    )
    response = client_for("hr").post(grid_url(), data, **EN)
    assert response.status_code == 302
    assert levels(scored_row) == {4}
    events = AuditEvent.objects.filter(review=scored_row, action="rating")
    assert {(e.params or {}).get("reason_code") for e in events} == {"correction"}
    assert {e.reason for e in events} == {"录入错误"}


def test_a_refused_save_keeps_the_reason_chosen(page_quarter, scored_row, client_for):
    data = form_of(page_quarter.reviews, {"E00002": "9"}, reason_code="other", reason_note="说明")
    html = client_for("hr").post(grid_url(), data, **EN).content.decode()
    assert '<option value="other" selected>' in html
    assert 'value="说明"' in html


def test_an_unknown_reason_code_is_named_and_nothing_saved(page_quarter, client_for):
    data = form_of(page_quarter.reviews, {"E00003": "3"}, reason_code="whim")
    response = client_for("hr").post(grid_url(), data, **EN)
    assert response.status_code == 400
    assert "Choose one of: calibration, new_evidence, correction, other." in (
        response.content.decode()
    )
    assert levels(page_quarter.reviews["E00003"]) == set()


@pytest.mark.django_db(transaction=True)
def test_the_reason_is_chosen_below_the_grid_in_the_browser(page_quarter, page_as, screenshots):
    review = page_quarter.reviews["E00002"]
    Review.objects.filter(pk=review.pk).update(state=Review.State.SCORED)
    page = page_as("hr")
    grid_open(page, PERIOD)
    grid_rate_by_keyboard(page, {"E00002": (4, 4, 4, 4)})
    assert grid_save_by_keyboard(page).status == 409
    expect(page.get_by_test_id("reason-required-E00002")).to_be_visible()
    page.screenshot(path=screenshots / "grid-desktop-reason-required.png", full_page=True)
    page.get_by_test_id("grid-reason-code").select_option("calibration")
    page.get_by_test_id("grid-reason-note").fill("校准会议")
    page.get_by_test_id("cell-E00002-1").focus()
    assert grid_save_by_keyboard(page).status == 302
    assert levels(review) == {4}
    page.set_viewport_size(PHONE)
    grid_open(page, PERIOD)
    expect(page.get_by_test_id("grid-reason")).to_be_visible()
    assert fits_the_screen(page)
    page.get_by_test_id("grid-reason").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "grid-phone-reason.png")
