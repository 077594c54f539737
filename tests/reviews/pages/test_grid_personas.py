"""The rating grid's page with a test client: who may open it, what its rows are, saving many
rows in one post (the form without JavaScript), refusals, the self-assessment dialog and a fixed
number of queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Employee
from hrperf.lib import roles
from reviews import services
from reviews.models import CompetencyRating, Review
from selfassessments.models import SelfAssessment
from tests.helpers.examples import COMPETENCY_CODES
from tests.helpers.pages import PERIOD, approve, generate_now

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ALL = {"E00001", "E00002", "E00003", "E00004", "E00005"}


def grid_url(**query: str) -> str:
    url = reverse("reviews:grid", args=[PERIOD])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rows_of(html: str) -> set[str]:
    return {number for number in ALL if f'data-testid="grid-row-{number}"' in html}


def form_of(reviews: dict[str, Review], values: dict[str, tuple[str, ...]]) -> dict[str, object]:
    """The grid's form as a browser without JavaScript posts it: every row shown."""
    data: dict[str, object] = {"row": [str(r.pk) for r in reviews.values()]}
    for number, review in reviews.items():
        data[f"revision-{review.pk}"] = str(review.revision)
        for code, value in zip(COMPETENCY_CODES, values.get(number, ("",) * 4), strict=True):
            data[f"rating-{review.pk}-{code}"] = value
    return data


def own(review: Review, role: str) -> tuple[int | None, ...]:
    found = dict(
        CompetencyRating.objects.filter(review=review, assessor_role=role).values_list(
            "competency__code", "value"
        )
    )
    return tuple(found.get(code) for code in COMPETENCY_CODES)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 403),
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
    ],
)
def test_only_an_assessor_opens_the_grid(page_quarter, client_for, persona, status):
    response = client_for(persona).get(grid_url(), **EN)
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert rows_of(html) == ALL
        assessor = "Human resources" if persona == "hr" else "Marketing director"
        assert f"You rate as {assessor}." in html
    # and nobody else may post to it
    if status == 403:
        review = page_quarter.reviews["E00002"]
        data = form_of({"E00002": review}, {"E00002": ("4", "4", "4", "4")})
        assert client_for(persona).post(grid_url(), data).status_code == 403
        assert own(review, "hr") == (None,) * 4


def test_anonymous_goes_to_login(page_quarter):
    response = Client().get(grid_url())
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_unknown_quarter_is_a_404(page_quarter, client_for):
    assert client_for("hr").get(reverse("reviews:grid", args=["2031Q1"])).status_code == 404


def test_the_current_grid_is_the_open_quarters(page_quarter, client_for):
    response = client_for("director").get(reverse("reviews:grid_current"))
    assert response.status_code == 302 and response["Location"] == grid_url()
    assert client_for("head").get(reverse("reviews:grid_current")).status_code == 403


def test_someone_with_both_roles_switches_assessor(page_quarter, personas, client_for):
    personas["hr"].groups.add(Group.objects.get_or_create(name=roles.DIRECTOR)[0])
    client = client_for("hr")
    html = client.get(grid_url(), **EN).content.decode()
    assert 'name="assessor"' in html and "You rate as Marketing director." in html
    review = page_quarter.reviews["E00003"]
    data = form_of({"E00003": review}, {"E00003": ("2", "3", "4", "5")})
    assert client.post(grid_url(assessor="hr"), data).status_code == 302
    assert own(review, "hr") == (2, 3, 4, 5)
    assert own(review, "marketing_director") == (None,) * 4


def test_one_post_saves_many_rows_and_leaves_the_rest(page_quarter, client_for):
    reviews = page_quarter.reviews
    data = form_of(reviews, {"E00002": ("4", "4", "3", "5"), "E00003": ("1", "2", "3", "4")})
    client = client_for("director")
    response = client.post(grid_url(department="SALES"), data, follow=True, **EN)
    assert response.redirect_chain[0][0] == grid_url(department="SALES")
    assert "Saved: 2. Unchanged: 3. Refused: 0." in response.content.decode()
    assert own(reviews["E00002"], "marketing_director") == (4, 4, 3, 5)
    assert own(reviews["E00003"], "marketing_director") == (1, 2, 3, 4)
    assert own(reviews["E00004"], "marketing_director") == (None,) * 4
    html = client.get(grid_url(), **EN).content.decode()
    assert f'name="rating-{reviews["E00002"].pk}-{COMPETENCY_CODES[3]}"' in html
    assert 'value="5" data-saved="5"' in html


def test_a_stale_row_is_shown_with_theirs_and_yours(page_quarter, personas, client_for):
    reviews = page_quarter.reviews
    data = form_of(reviews, {"E00002": ("4", "4", "4", "4"), "E00003": ("5", "5", "5", "5")})
    services.review_rate(
        actor=personas["hr"],
        review=reviews["E00002"],
        assessor_role="hr",
        ratings=dict.fromkeys(COMPETENCY_CODES, 2),
    )
    response = client_for("hr").post(grid_url(), data, **EN)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Saved: 1. Unchanged: 3. Refused: 1." in html
    assert 'data-testid="grid-refused"' in html
    assert 'data-testid="theirs-E00002-1"' in html and "theirs now 2" in html
    assert "yours 4" in html
    assert own(reviews["E00002"], "hr") == (2, 2, 2, 2)
    assert own(reviews["E00003"], "hr") == (5, 5, 5, 5)
    # The row now carries the revision theirs was saved at: posting it again keeps yours.
    current = Review.objects.get(pk=reviews["E00002"].pk).revision
    assert f'name="revision-{reviews["E00002"].pk}" value="{current}"' in html


def test_an_invalid_value_is_named_and_its_row_not_saved(page_quarter, client_for):
    reviews = page_quarter.reviews
    data = form_of(reviews, {"E00002": ("4", "9", "4", "4"), "E00003": ("3", "3", "3", "3")})
    response = client_for("hr").post(grid_url(), data, **EN)
    assert response.status_code == 409
    html = response.content.decode()
    assert "A rating is a whole number from 1 to 5." in html
    assert f"rows[1].ratings.{COMPETENCY_CODES[1]}" in html  # the row, as posted, and field
    assert own(reviews["E00002"], "hr") == (None,) * 4
    assert own(reviews["E00003"], "hr") == (3, 3, 3, 3)


def test_filters_and_approved_reviews_left_off(page_quarter, personas, client_for):
    approve(personas, page_quarter.reviews["E00005"])
    client = client_for("director")
    html = client.get(grid_url(), **EN).content.decode()
    assert rows_of(html) == ALL - {"E00005"}
    assert "1 approved review is not on the grid" in html
    assert rows_of(client.get(grid_url(department="SALES")).content.decode()) == {
        "E00001",
        "E00002",
    }
    services.review_rate(
        actor=personas["director"],
        review=page_quarter.reviews["E00001"],
        assessor_role="marketing_director",
        ratings=dict.fromkeys(COMPETENCY_CODES, 3),
    )
    unrated = rows_of(client.get(grid_url(unrated="on")).content.decode())
    assert unrated == ALL - {"E00005", "E00001"}
    # HR has rated none of them yet: all are unrated for HR.
    assert rows_of(client_for("hr").get(grid_url(unrated="on")).content.decode()) == ALL - {
        "E00005"
    }
    assert rows_of(client.get(grid_url(state="scored")).content.decode()) == set()


GRID_QUERIES = 12  # whatever the number of rows


def test_the_grid_runs_a_fixed_number_of_queries(
    page_quarter, personas, departments, client_for, django_assert_num_queries
):
    client = client_for("hr")
    client.get(grid_url())  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(grid_url(size="400")).status_code == 200
    for number in range(100, 160):
        Employee.objects.create(
            employee_no=f"E{number:05d}", name=f"员工{number}", department=departments["SALES"]
        )
    generate_now(page_quarter.cycle)
    sales = Review.objects.filter(cycle=page_quarter.cycle, department=departments["SALES"])
    for review in sales[:20]:  # rows with ratings and a self-assessment cost nothing more
        SelfAssessment.objects.create(review=review)
        services.review_rate(
            actor=personas["hr"],
            review=review,
            assessor_role="hr",
            ratings=dict.fromkeys(COMPETENCY_CODES, 3),
        )
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(grid_url(size="400"))
    assert response.content.decode().count('data-testid="grid-row-') == 65
    assert len(few) == GRID_QUERIES
    # Pages keep the filters.
    html = client.get(grid_url(size="50", department="SALES")).content.decode()
    assert html.count('data-testid="grid-row-') == 50
    assert "size=50&amp;department=SALES&amp;page=2" in html
    second = client.get(grid_url(size="50", department="SALES", page="2")).content.decode()
    assert second.count('data-testid="grid-row-') == 12


def test_the_self_assessment_opens_per_its_rules(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    draft = SelfAssessment.objects.create(review=review, summary="我的季度")
    url = reverse("reviews:grid_self_assessment", args=[PERIOD, review.pk])
    hr = client_for("hr").get(url, HTTP_HX_REQUEST="true")
    assert hr.status_code == 200 and "我的季度" in hr.content.decode()
    assert "<html" not in hr.content.decode()  # a fragment for the dialog
    assert "<html" in client_for("hr").get(url).content.decode()
    assert client_for("director").get(url).status_code == 404  # a draft
    assert (
        'data-testid="self-E00002"' not in client_for("director").get(grid_url()).content.decode()
    )
    draft.state = SelfAssessment.State.SUBMITTED
    draft.save()
    assert client_for("director").get(url).status_code == 200
    assert 'data-testid="self-E00002"' in client_for("director").get(grid_url()).content.decode()
    for persona in ("head", "employee", "outsider"):
        assert client_for(persona).get(url).status_code == 403
    other = reverse("reviews:grid_self_assessment", args=["2026Q4", review.pk])
    assert client_for("hr").get(other).status_code == 404


def test_a_whole_page_of_400_rows_is_one_post(page_quarter, client_for):
    data: dict[str, object] = {"row": [str(n) for n in range(900_001, 900_401)]}
    for n in range(900_001, 900_401):
        data[f"revision-{n}"] = "1"
        for code in COMPETENCY_CODES:
            data[f"rating-{n}-{code}"] = "3"
    response = client_for("hr").post(grid_url(), data, **EN)
    assert response.status_code == 409  # read whole: each row refused alone (no such review)
    assert "Saved: 0. Unchanged: 0. Refused: 400." in response.content.decode()
