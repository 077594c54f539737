"""Who sees which parts of a review (reviews.selectors.visibility): the page and the API show
every persona the same parts of the same review, and hide the same ones."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from clients.models import ApiToken
from reviews import services
from reviews.models import Review, VerbalWarning
from tests.helpers.api import SHORT_COMPETENCIES, create_short_competencies, review_of

pytestmark = pytest.mark.django_db

COMMENT = "Keeps customers informed"
RETURN_COMMENT = "Private: check the actual figure with finance"
SECTIONS = ("figures", "ratings", "comments", "history", "reasons", "warning")
EVERYTHING = frozenset(SECTIONS)
# Persona → the sections of the employee's approved review they see (page and API alike).
EXPECTED = {
    "hr": EVERYTHING,
    "director": EVERYTHING,
    "head": EVERYTHING,
    "employee": frozenset({"figures", "ratings", "comments", "warning"}),
    "payroll": frozenset(),
    "outsider": frozenset(),
}


@pytest.fixture
def reviewed(personas: dict[str, User]) -> Review:
    """The employee's review, rated with comments, returned by the director with a comment,
    submitted again, scored below the warning threshold and approved."""
    hr, director = personas["hr"], personas["director"]
    create_short_competencies()
    cycle = services.cycle_open(actor=hr, period="2026Q3")
    services.reviews_generate_chunk(cycle_id=cycle.pk)
    review = review_of(personas, "employee")
    line = review.kpi_lines.get()
    review = services.review_set_figures(
        actor=hr, review=review, figures={line.pk: {"actual": "40"}}
    )
    for actor, role in ((director, "marketing_director"), (hr, "hr")):
        review = services.review_rate(
            actor=actor,
            review=review,
            assessor_role=role,
            ratings=dict.fromkeys(SHORT_COMPETENCIES, 2),
            comments=dict.fromkeys(SHORT_COMPETENCIES, COMMENT),
        )
    for step in range(2):
        review = services.review_submit(actor=hr, review=review)
        assert services.review_score(review_id=review.pk, revision=review.revision)
        review.refresh_from_db()
        if step == 0:
            review = services.review_return(actor=director, review=review, comment=RETURN_COMMENT)
    review = services.review_approve(actor=director, review=review)
    assert VerbalWarning.objects.filter(review=review).exists()
    return review


def _page_client(persona: str, personas: dict[str, User], token_client: Any) -> Client:
    client = Client()
    if persona == "payroll":
        token_client("payroll")  # the payroll client and its service user
        client.force_login(ApiToken.objects.get(scope="payroll").client.user)
    else:
        client.force_login(personas[persona])
    return client


def _page_sections(response: Any) -> frozenset[str]:
    if response.status_code != 200:
        return frozenset()
    html = response.content.decode()
    warning = html.split('data-testid="review-warning">', 1)[1].split("</dd>", 1)[0]
    shown = {
        "figures": 'data-line="SALES_PLAN_RATE"' in html,
        "ratings": 'data-testid="assessor-hr"' in html and 'class="num">2</td>' in html,
        "comments": COMMENT in html,
        "history": 'data-testid="review-history"' in html,
        "reasons": RETURN_COMMENT in html,
        "warning": 'data-mark="verbal-warning"' in warning,
    }
    return frozenset(name for name, seen in shown.items() if seen)


def _api_sections(response: Any) -> frozenset[str]:
    if response.status_code != 200:
        return frozenset()
    body = response.json()
    ratings = [rating for assessor in body["ratings"] for rating in assessor["ratings"]]
    shown = {
        "figures": bool(body["lines"]) and body["calculation"] is not None,
        "ratings": any(rating["value"] is not None for rating in ratings),
        "comments": any(rating["comment"] == COMMENT for rating in ratings),
        "history": bool(body["history"]),
        "reasons": any(event["reason"] == RETURN_COMMENT for event in body["history"]),
        "warning": body["totals"]["verbal_warning"] is True,
    }
    return frozenset(name for name, seen in shown.items() if seen)


@pytest.mark.parametrize(("persona", "expected"), sorted(EXPECTED.items()))
def test_the_page_and_the_api_show_the_same_parts_of_a_review(
    reviewed, personas, call_as, token_client, persona, expected
) -> None:
    page = _page_client(persona, personas, token_client).get(
        reverse("reviews:review", args=[reviewed.pk]), headers={"accept-language": "en"}
    )
    api = call_as(
        "token:payroll" if persona == "payroll" else persona,
        "GET",
        f"/api/v1/reviews/{reviewed.pk}/",
    )

    assert _page_sections(page) == expected, page.status_code
    assert _api_sections(api) == expected, api.status_code
