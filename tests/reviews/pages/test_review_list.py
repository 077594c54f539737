"""The quarter's review list: who sees which reviews, filters, and a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Employee
from reviews.models import Review
from tests.helpers.pages import PERIOD, approve, generate_now, submit_and_score

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def list_url() -> str:
    return reverse("reviews:review_list", args=[PERIOD])


@pytest.mark.parametrize(
    ("persona", "status", "rows"),
    [
        ("hr", 200, {"E00001", "E00002", "E00003", "E00004", "E00005"}),
        ("director", 200, {"E00001", "E00002", "E00003", "E00004", "E00005"}),
        ("head", 200, {"E00002"}),  # not their own review before it is approved
        ("employee", 200, set()),
        ("outsider", 403, set()),
    ],
)
def test_list_shows_what_the_viewer_may_see(page_quarter, client_for, persona, status, rows):
    response = client_for(persona).get(list_url())
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        for number in ["E00001", "E00002", "E00003", "E00004", "E00005"]:
            assert (f'data-testid="review-row-{number}"' in html) == (number in rows), number


def test_list_anonymous_goes_to_login(page_quarter):
    response = Client().get(list_url())
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_employee_sees_own_approved_review_only(page_quarter, personas, client_for):
    approve(personas, page_quarter.reviews["E00002"])
    html = client_for("employee").get(list_url()).content.decode()
    assert 'data-testid="review-row-E00002"' in html
    assert 'data-testid="review-row-E00003"' not in html


def test_list_filters(page_quarter, personas, departments, client_for):
    submit_and_score(personas, page_quarter.reviews["E00002"])
    client = client_for("hr")
    html = client.get(list_url(), {"state": "scored"}).content.decode()
    assert "review-row-E00002" in html and "review-row-E00003" not in html
    html = client.get(list_url(), {"department": departments["MARKET"].pk}).content.decode()
    assert "review-row-E00003" in html and "review-row-E00002" not in html
    html = client.get(list_url(), {"q": "张伟"}).content.decode()
    assert "review-row-E00002" in html and "review-row-E00004" not in html
    html = client.get(list_url(), {"q": "E00004"}).content.decode()
    assert "review-row-E00004" in html and "review-row-E00002" not in html


@pytest.mark.parametrize(
    ("param", "value", "label"),
    [("grade", "Z", "Grade"), ("state", "lost", "State"), ("needs", "x", "Still missing")],
)
def test_a_filter_that_makes_no_sense_is_named(page_quarter, client_for, param, value, label):
    response = client_for("hr").get(list_url(), {param: value}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'<div class="errors" role="alert"><p>{label}: Select a valid choice', html)
    assert html.count('data-testid="review-row-') == 5  # the list, unfiltered


LIST_QUERIES = 9  # whatever the number of reviews (for HR, one counts what submit-all takes)


def test_list_runs_a_fixed_number_of_queries(
    page_quarter, departments, client_for, django_assert_num_queries
):
    client = client_for("hr")
    client.get(list_url())  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(list_url()).status_code == 200
    for number in range(100, 160):
        Employee.objects.create(
            employee_no=f"E{number:05d}", name=f"员工{number}", department=departments["SALES"]
        )
    generate_now(page_quarter.cycle)
    assert Review.objects.filter(cycle=page_quarter.cycle).count() == 65
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(list_url())
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="review-row-') == 50
    assert len(few) == LIST_QUERIES
    assert client.get(list_url(), {"page": 2}).content.decode().count("review-row-") == 15


def test_list_filter_names_departments_and_a_head_gets_only_their_own(
    page_quarter, departments, client_for
):
    html = client_for("hr").get(list_url(), **EN).content.decode()
    sales = departments["SALES"].pk
    assert f'<option value="{sales}">Sales Department</option>' in html
    assert "SALES Sales Department" not in html and "---------" not in html
    html = client_for("head").get(list_url(), **EN).content.decode()
    assert f'<option value="{sales}">Sales Department</option>' in html
    assert "Marketing Department</option>" not in html
