"""The shared fixtures the page tests build on: the page quarter moves through the states with
the helpers of tests/helpers/pages.py."""

from reviews.models import Review
from tests.helpers.pages import approve, submit_and_score


def test_the_page_quarter_moves_through_the_states(page_quarter, personas):
    scored = submit_and_score(personas, page_quarter.reviews["E00003"])
    approved = approve(personas, page_quarter.reviews["E00002"])
    assert scored.total_score is not None
    assert approved.state == Review.State.APPROVED
    assert page_quarter.reviews["E00005"].state == Review.State.DRAFT
