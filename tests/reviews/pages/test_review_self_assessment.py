"""The review page with the employee's own ratings (self-assessment): shown beside the
assessors', advisory unless the quarter weighs them, and never rated by staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from departments.models import Competency
from reviews import services
from reviews.models import CompetencyRating, Review
from tests.helpers.pages import approve, complete_example

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def review_url(review: Review) -> str:
    return reverse("reviews:review", args=[review.pk])


def self_rated(personas, review: Review, value: int = 5) -> Review:
    """The employee's own ratings, as their self-assessment writes them."""
    CompetencyRating.objects.bulk_create(
        CompetencyRating(
            review=review,
            competency=competency,
            assessor_role="self",
            rated_by=personas["employee"],
            value=value,
        )
        for competency in Competency.objects.all()
    )
    return review


def block(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</table>", start)]


def test_the_self_ratings_are_shown_as_advisory(page_quarter, personas, client_for):
    review = self_rated(personas, complete_example(personas, page_quarter.reviews["E00002"]))
    html = client_for("director").get(review_url(review), **EN).content.decode()
    own = block(html, "assessor-self")
    assert "Self-assessment" in own
    assert 'data-testid="advisory-self"' in own and "advisory, not counted" in own
    assert own.count('<td class="num">5</td>') == 4
    assert "weight 0%" not in html
    steps = html[html.index('data-testid="review-steps"') :]
    assert "Self-assessment" not in steps


def test_no_self_block_without_self_ratings_while_advisory(page_quarter, personas, client_for):
    review = complete_example(personas, page_quarter.reviews["E00002"])
    html = client_for("hr").get(review_url(review), **EN).content.decode()
    assert 'data-testid="assessor-self"' not in html


def test_a_weighted_self_assessment_shows_its_weight_and_term(page_quarter, personas, client_for):
    review = page_quarter.reviews["E00002"]
    services.cycle_policy_update(
        actor=personas["hr"], cycle=page_quarter.cycle, values={"self_weight": "20"}
    )
    # Before the employee rated: their ratings are what the review lacks.
    review = complete_example(personas, review)
    html = client_for("hr").get(review_url(review), **EN).content.decode()
    assert "The employee has not rated themself on" in html
    self_rated(personas, review)
    html = client_for("hr").get(review_url(review), **EN).content.decode()
    own = block(html, "assessor-self")
    assert "weight 20%" in own and "advisory" not in own
    steps = html[html.index('data-testid="review-steps"') :]
    assert "(60×80 + 40×75 + 20×100)/120" in steps


def test_the_employee_sees_their_own_self_ratings_once_approved(page_quarter, personas, client_for):
    review = self_rated(personas, page_quarter.reviews["E00002"])
    review = approve(personas, review)
    html = client_for("employee").get(review_url(review), **EN).content.decode()
    assert 'data-testid="assessor-self"' in html
    assert (
        'data-testid="assessor-self"'
        not in client_for("other_employee").get(review_url(review), **EN).content.decode()
    )


def test_the_self_ratings_do_not_make_an_assessor_gap(page_quarter, personas, client_for):
    review = complete_example(personas, page_quarter.reviews["E00002"])  # 80 and 75
    self_rated(personas, review, value=1)  # 20: 60 points below the director
    html = client_for("hr").get(review_url(review)).content.decode()
    assert 'data-testid="assessor-gap"' not in html


@pytest.mark.parametrize("persona", ["hr", "director"])
def test_staff_may_not_rate_as_the_employee_on_the_page(
    page_quarter, personas, client_for, persona
):
    review = complete_example(personas, page_quarter.reviews["E00002"])
    html = client_for(persona).get(review_url(review)).content.decode()
    assert 'data-testid="rate-form-self"' not in html
    data = {"action": "rate-self", "revision": review.revision, "rating-culture": "5"}
    assert client_for(persona).post(review_url(review), data).status_code == 403
    assert not CompetencyRating.objects.filter(review=review, assessor_role="self").exists()
