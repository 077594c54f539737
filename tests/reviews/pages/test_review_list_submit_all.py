"""HR's submit-all on the reviews list (reviews.pages.review_list.review_submit_all): the count
on the list, the confirmation with the incomplete reviews named, all or none, refused with the
new count when the set changed; only HR."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from reviews.models import Review
from tests.helpers.pages import PERIOD, complete_example, section

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NOT_HR = ["director", "head", "employee", "other_employee", "outsider"]


def list_url() -> str:
    return reverse("reviews:review_list", args=[PERIOD])


def submit_url() -> str:
    return reverse("reviews:review_submit_all", args=[PERIOD])


def confirm_data(html: str) -> dict[str, str]:
    found = re.findall(
        r'name="(query|expected|fingerprint)" value="([^"]*)"', section(html, "bulk-form")
    )
    return {name: unescape(value) for name, value in found}


@pytest.fixture
def two_ready(page_quarter, personas) -> list[Review]:
    return [
        complete_example(personas, page_quarter.reviews[number]) for number in ("E00002", "E00004")
    ]


def test_urls_are_the_ones_the_browser_test_uses():
    assert submit_url() == f"/quarters/{PERIOD}/reviews/submit-all/"


def test_the_list_offers_hr_the_count_and_counts_the_incomplete(two_ready, client_for):
    html = client_for("hr").get(list_url(), **EN).content.decode()
    assert 'data-testid="submit-all" data-count="2"' in html
    assert "Submit every complete review matching this filter (2)" in html
    assert "3 incomplete reviews are left out." in html


@pytest.mark.parametrize("name", ["director", "head", "employee"])
def test_the_list_offers_submit_all_to_hr_only(two_ready, client_for, name):
    assert 'data-testid="submit-all"' not in client_for(name).get(list_url()).content.decode()


def test_confirm_then_submit_the_complete_ones(two_ready, client_for):
    client = client_for("hr")
    html = client.get(submit_url(), **EN).content.decode()
    assert 'data-testid="bulk-count" data-count="2"' in html
    left_out = section(html, "bulk-left-out")
    assert "E00001" in left_out and "E00003" in left_out and "E00002" not in left_out
    response = client.post(submit_url(), confirm_data(html))
    assert response.status_code == 302 and response["Location"] == list_url()
    assert set(
        Review.objects.filter(state="submitted").values_list("employee__employee_no", flat=True)
    ) == {"E00002", "E00004"}
    assert Review.objects.filter(state="draft").count() == 3


def test_the_filter_is_kept(two_ready, client_for, departments):
    client = client_for("hr")
    query = {"department": str(departments["SALES"].pk)}
    html = client.get(submit_url(), query, **EN).content.decode()
    assert 'data-count="1"' in html
    response = client.post(submit_url(), confirm_data(html))
    assert response["Location"] == f"{list_url()}?department={departments['SALES'].pk}"
    assert list(
        Review.objects.filter(state="submitted").values_list("employee__employee_no", flat=True)
    ) == ["E00002"]


def test_a_changed_set_submits_nothing_and_shows_the_new_count(
    two_ready, client_for, personas, page_quarter
):
    client = client_for("hr")
    data = confirm_data(client.get(submit_url(), **EN).content.decode())
    complete_example(personas, page_quarter.reviews["E00005"])
    response = client.post(submit_url(), data, **EN)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="bulk-message"' in html and 'data-count="3"' in html
    assert not Review.objects.filter(state="submitted").exists()


def test_a_confirmation_without_its_count_is_refused(two_ready, client_for):
    response = client_for("hr").post(submit_url(), {"query": ""})
    assert response.status_code == 400
    assert not Review.objects.filter(state="submitted").exists()


@pytest.mark.parametrize("name", NOT_HR)
def test_only_hr_submits_all(two_ready, client_for, name):
    client = client_for(name)
    assert client.get(submit_url()).status_code == 403
    assert client.post(submit_url(), {"expected": "2", "fingerprint": "x"}).status_code == 403
    assert not Review.objects.filter(state="submitted").exists()


def test_an_unknown_quarter_is_not_found(two_ready, client_for):
    url = reverse("reviews:review_submit_all", args=["2031Q1"])
    assert client_for("hr").get(url).status_code == 404
