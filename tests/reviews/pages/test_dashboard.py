"""The dashboard: progress, grades, department averages, reviews below the threshold and what
waits for the viewer (HR, director, a head for their department), an employee's own approved
reviews, and the empty states."""

from __future__ import annotations

import json
import re
from html import unescape as html_unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Employee
from reviews import services
from reviews.models import Review
from reviews.selectors.todos import REVIEW_WORK
from tests.helpers.pages import (
    EXAMPLES,
    PERIOD,
    approve,
    complete_example,
    figures,
    generate_now,
    has,
    section,
    submit_and_score,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def dashboard_url(period: str | None = None) -> str:
    url = reverse("reviews:dashboard")
    return f"{url}?period={period}" if period else url


@pytest.fixture
def scored_quarter(page_quarter, personas):
    """E00002 (A) and E00004 (C) approved, E00003 (D, below the threshold) scored, E00001 and
    E00005 drafts."""
    approve(personas, page_quarter.reviews["E00002"])
    approve(personas, page_quarter.reviews["E00004"])
    submit_and_score(personas, page_quarter.reviews["E00003"])
    page_quarter.refresh()
    return page_quarter


# -- who may open it -------------------------------------------------------------------------


def test_home_redirects_to_the_dashboard(client_for):
    response = client_for("hr").get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:dashboard")


def test_anonymous_goes_to_login(page_quarter):
    response = Client().get(dashboard_url())
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "overview", "mine"),
    [
        ("hr", True, False),
        ("director", True, False),
        ("head", True, True),
        ("employee", False, True),
        ("other_employee", False, True),
        ("outsider", False, False),
    ],
)
def test_every_persona_gets_their_own_dashboard(
    scored_quarter, client_for, persona, overview, mine
):
    response = client_for(persona).get(dashboard_url(), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    for testid in ["completion", "grade-distribution", "department-averages", "below-threshold"]:
        assert has(html, testid) == overview, testid
    assert has(html, "my-reviews") == mine
    assert has(html, "no-role") == (persona == "outsider")


def test_outsider_sees_no_figures(scored_quarter, client_for):
    html = client_for("outsider").get(dashboard_url(), **EN).content.decode()
    assert "has no role" in html
    for text in ["E00002", "E00003", "92.04", "chart.umd.min.js"]:
        assert text not in html


# -- HR and the director ---------------------------------------------------------------------


def test_progress_counts_the_quarters_reviews(scored_quarter, client_for):
    html = client_for("hr").get(dashboard_url(), **EN).content.decode()
    completion = section(html, "completion")
    assert 'data-approved="2"' in completion
    assert 'data-total="5"' in completion
    assert "2 of 5 reviews approved (40%)" in completion
    states = section(html, "reviews-by-state")
    assert '<td class="num" data-state="draft">2</td>' in states
    assert '<td class="num" data-state="scored">1</td>' in states
    assert '<td class="num" data-state="approved">2</td>' in states


def test_grades_and_department_averages_are_the_scored_figures(scored_quarter, client_for):
    html = client_for("director").get(dashboard_url(), **EN).content.decode()
    grades = figures(section(html, "grade-distribution"), "grade")
    expected = dict.fromkeys("SABCD", 0)
    for number in ("E00002", "E00004", "E00003"):
        expected[EXAMPLES[number].grade] += 1
    assert {grade: int(cells[1]) for grade, cells in grades.items()} == expected
    averages = figures(section(html, "department-averages"), "department")
    # One scored or approved review in each of these departments: the average is its total.
    assert averages == {
        "MARKET": ["Marketing Department", "1", str(EXAMPLES["E00003"].total_score)],
        "SALES": ["Sales Department", "1", str(EXAMPLES["E00002"].total_score)],
        "KEYACCT": ["Key Account Department", "1", str(EXAMPLES["E00004"].total_score)],
    }
    assert 'id="chart-grades" type="application/json"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_below_threshold_lists_the_warned_review_with_a_link(scored_quarter, client_for):
    html = client_for("hr").get(dashboard_url(), **EN).content.decode()
    below = section(html, "below-threshold")
    warned = scored_quarter.reviews["E00003"]
    assert has(below, "below-E00003")
    assert reverse("reviews:review", args=[warned.pk]) in below
    assert str(EXAMPLES["E00003"].total_score) in below
    for number in ("E00002", "E00004"):
        assert not has(below, f"below-{number}")


def test_director_has_scored_reviews_to_do_with_a_link_to_the_queue(scored_quarter, client_for):
    html = client_for("director").get(dashboard_url(), **EN).content.decode()
    waiting = section(html, "todos")
    assert f'href="{reverse("reviews:queue")}"' in waiting
    assert re.search(r'data-kind="to_approve">.*?<span class="count">1</span>', waiting, re.S)
    assert 'data-kind="ready"' not in waiting


def test_hr_has_drafts_to_do(scored_quarter, client_for):
    html = client_for("hr").get(dashboard_url(), **EN).content.decode()
    waiting = section(html, "todos")
    counts = dict(
        re.findall(r'data-kind="(\w+)">.*?<span class="count">(\d+)</span>', waiting, re.S)
    )
    # E00001 has no figures nor ratings; E00005 is a draft not yet filled in either. Kinds of
    # work with nothing waiting are left out; the other parts' to-dos are tested with them.
    review_work = {kind: count for kind, count in counts.items() if kind in REVIEW_WORK}
    assert review_work == {"incomplete": "2", "hr_ratings": "2"}
    assert "to_approve" not in counts
    # Each line links to the review list filtered to exactly the reviews it counts.
    client = client_for("hr")
    links = dict(re.findall(r'data-kind="(\w+)"><a href="([^"]+)"', waiting))
    links = {kind: url for kind, url in links.items() if kind in REVIEW_WORK}
    assert set(links) == set(review_work), links
    for kind, url in links.items():
        listed = client.get(html_unescape(url), **EN).content.decode()
        assert listed.count('data-testid="review-row-') == int(review_work[kind]), (kind, url)


def test_a_complete_draft_is_ready_to_submit(page_quarter, personas, client_for):
    complete_example(personas, page_quarter.reviews["E00005"])
    html = client_for("hr").get(dashboard_url(), **EN).content.decode()
    waiting = section(html, "todos")
    assert re.search(r'data-kind="ready">.*?<span class="count">1</span>', waiting, re.S)
    assert re.search(r'data-kind="incomplete">.*?<span class="count">4</span>', waiting, re.S)


# -- a department head -----------------------------------------------------------------------


def test_head_sees_only_their_department(scored_quarter, client_for):
    html = client_for("head").get(dashboard_url(), **EN).content.decode()
    completion = section(html, "completion")
    assert 'data-approved="1"' in completion  # E00002
    # E00002 only: their own review (E00001, a draft) is not theirs to see before approval.
    assert 'data-total="1"' in completion
    averages = figures(section(html, "department-averages"), "department")
    assert list(averages) == ["SALES"]
    grades = figures(section(html, "grade-distribution"), "grade")
    assert {grade: int(cells[1]) for grade, cells in grades.items()} == {
        "S": 0,
        "A": 1,
        "B": 0,
        "C": 0,
        "D": 0,
    }
    assert "E00003" not in html and "E00004" not in html
    assert "Marketing Department" not in html and "Key Account Department" not in html
    assert not has(html, "waiting")


# -- an employee -----------------------------------------------------------------------------


def test_employee_sees_only_their_approved_reviews(scored_quarter, client_for):
    html = client_for("employee").get(dashboard_url(), **EN).content.decode()
    mine = section(html, "my-reviews")
    row = section(mine, f"my-review-{PERIOD}")
    review = scored_quarter.reviews["E00002"]
    assert f'href="{reverse("reviews:review", args=[review.pk])}"' in row
    assert str(EXAMPLES["E00002"].total_score) in row
    assert f"<td>{EXAMPLES['E00002'].grade}</td>" in row
    for other in ("E00003", "E00004", "72.80", "50.00"):
        assert other not in html


def test_employee_does_not_see_a_review_before_approval(page_quarter, client_for, personas):
    submit_and_score(personas, page_quarter.reviews["E00003"])  # other_employee's, scored
    html = client_for("other_employee").get(dashboard_url(), **EN).content.decode()
    mine = section(html, "my-reviews")
    assert not has(mine, f"my-review-{PERIOD}")
    assert "None of your reviews has been approved yet." in mine
    assert str(EXAMPLES["E00003"].total_score) not in html


def test_a_reopened_review_keeps_its_approved_result_without_a_link(
    page_quarter, personas, client_for
):
    review = approve(personas, page_quarter.reviews["E00002"])
    services.review_reopen(actor=personas["director"], review=review, reason="更正销售额")
    html = client_for("employee").get(dashboard_url(), **EN).content.decode()
    row = section(section(html, "my-reviews"), f"my-review-{PERIOD}")
    assert str(EXAMPLES["E00002"].total_score) in row  # what payroll still pays on
    assert reverse("reviews:review", args=[review.pk]) not in row
    assert has(row, "my-review-reopened")


def test_employee_sees_each_approved_quarter(page_quarter, personas, client_for):
    approve(personas, page_quarter.reviews["E00002"])
    earlier = services.cycle_open(actor=personas["hr"], period="2026Q2")
    generate_now(earlier)
    approve(personas, Review.objects.get(cycle=earlier, employee__employee_no="E00002"))
    html = client_for("employee").get(dashboard_url(), **EN).content.decode()
    mine = section(html, "my-reviews")
    assert mine.index("my-review-2026Q3") < mine.index("my-review-2026Q2")


# -- quarters and empty states ---------------------------------------------------------------


def test_no_quarter_yet_hr_gets_a_link_to_open_one(personas, client_for):
    html = client_for("hr").get(dashboard_url(), **EN).content.decode()
    empty = section(html, "no-quarter")
    assert reverse("reviews:quarters") in empty
    assert not has(html, "completion")


def test_no_quarter_yet_director_gets_no_link(personas, client_for):
    html = client_for("director").get(dashboard_url(), **EN).content.decode()
    assert has(html, "no-quarter")
    assert not has(html, "open-quarter")


def test_a_quarter_with_nothing_scored_shows_empty_charts(page_quarter, client_for):
    html = client_for("hr").get(dashboard_url(), **EN).content.decode()
    assert "No review has been scored yet." in section(html, "department-averages")
    assert "No review is below the threshold." in section(html, "below-threshold")
    assert 'data-approved="0"' in html


def test_period_chooses_the_quarter(page_quarter, personas, client_for):
    approve(personas, page_quarter.reviews["E00002"])
    earlier = services.cycle_open(actor=personas["hr"], period="2026Q2")
    html = client_for("hr").get(dashboard_url("2026Q2"), **EN).content.decode()
    assert "Quarter 2026Q2" in html
    assert 'data-total="0"' in html
    assert earlier.period in section(html, "period-switcher")
    html = client_for("hr").get(dashboard_url(), **EN).content.decode()
    # The newest open quarter by default.
    assert "Quarter 2026Q3" in html
    assert 'data-approved="1"' in html


@pytest.mark.parametrize("period", ["2031Q1", "nonsense", "2026Q9"])
def test_an_unknown_period_is_a_404(page_quarter, client_for, period):
    assert client_for("hr").get(dashboard_url(period)).status_code == 404


def test_it_speaks_chinese_by_default(scored_quarter, client_for):
    html = client_for("hr").get(dashboard_url()).content.decode()
    assert '<html lang="zh-hans">' in html


@pytest.mark.parametrize("persona", ["hr", "director", "head", "employee"])
def test_queries_do_not_grow_with_the_reviews(page_quarter, personas, client_for, persona):
    # 2026Q2 with two reviews (the other employees inactive when it is generated)...
    Employee.objects.exclude(employee_no__in=["E00001", "E00002"]).update(is_active=False)
    small = services.cycle_open(actor=personas["hr"], period="2026Q2")
    generate_now(small)
    Employee.objects.update(is_active=True)
    assert Review.objects.filter(cycle=small).count() == 2
    approve(personas, Review.objects.get(cycle=small, employee__employee_no="E00002"))
    # ... and 2026Q3 with five, three of them scored or approved, one below the threshold.
    for number in ("E00002", "E00004"):
        approve(personas, page_quarter.reviews[number])
    submit_and_score(personas, page_quarter.reviews["E00003"])

    counts = []
    for period in ("2026Q2", PERIOD):
        client = client_for(persona)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(dashboard_url(period))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_each_chart_has_the_figures_of_its_table(scored_quarter, client_for):
    html = client_for("hr").get(dashboard_url(), **EN).content.decode()
    charts = {
        name: json.loads(body)
        for name, body in re.findall(
            r'<script id="(chart-[\w-]+)" type="application/json">(.*?)</script>', html, re.S
        )
    }
    assert set(charts) == {"chart-grades", "chart-departments"}
    grades = figures(section(html, "grade-distribution"), "grade")
    assert charts["chart-grades"]["labels"] == list(grades)
    assert charts["chart-grades"]["datasets"][0]["data"] == [int(c[1]) for c in grades.values()]
    averages = figures(section(html, "department-averages"), "department")
    assert charts["chart-departments"]["labels"] == [cells[0] for cells in averages.values()]
    assert charts["chart-departments"]["datasets"][0]["data"] == [
        cells[2] for cells in averages.values()
    ]
