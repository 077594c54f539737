"""The 9-box page of a quarter's calibration: who may open it, the boxes of the hand-built
quarter (tests/helpers/insight.py), the drill-down into one box, page by page, the department
filter and a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers.insight import add_stars, calibration_quarter, cells
from tests.helpers.pages import has, section

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def url(period: str = "2026Q3", query: str = "") -> str:
    return reverse("reviews:calibration_ninebox", args=[period]) + query


def count_of(html: str, code: str) -> int:
    match = re.search(rf'data-testid="box-{code}" data-count="(\d+)"', html)
    assert match is not None, code
    return int(match.group(1))


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
def test_only_hr_and_the_director_open_it(
    departments, fresh_quarter, client_for, persona, status
) -> None:
    calibration_quarter(departments, fresh_quarter)
    response = client_for(persona).get(url(query="?box=high-high"), **EN)
    assert response.status_code == status
    if status == 403:
        assert "孙丽" not in response.content.decode(errors="replace")


def test_anonymous_visitors_go_to_the_login_page(fresh_quarter, client_for) -> None:
    response = client_for(None).get(url())
    assert response.status_code == 302


def test_an_unknown_quarter_box_or_department_is_not_found(fresh_quarter, client_for) -> None:
    client = client_for("hr")
    assert client.get(url("2026Q1")).status_code == 404
    assert client.get(url(query="?box=top-top")).status_code == 404
    assert client.get(url(query="?department=NOPE")).status_code == 404


def test_each_box_shows_its_count_share_and_name(departments, fresh_quarter, client_for):
    calibration_quarter(departments, fresh_quarter)
    html = client_for("hr").get(url(), **EN).content.decode()
    counts = section(html, "ninebox-counts")
    assert 'data-scored="5" data-not-scored="1"' in counts
    assert "1 review has no score yet" in counts
    assert "below 70 low, 70 to below 85 middle, 85 and above high" in html
    assert count_of(html, "high-high") == 2
    assert count_of(html, "low-middle") == 1
    assert count_of(html, "low-low") == 0
    star = section(html, "box-high-high")
    assert "Star" in star and "40%" in star and "K high · C high" in star
    assert "Needs improvement" in section(html, "box-low-low")
    assert not has(html, "box-reviews")


def test_it_reads_in_chinese(departments, fresh_quarter, client_for):
    reviews = calibration_quarter(departments, fresh_quarter)
    html = client_for("hr").get(url(query="?box=high-high"), **ZH).content.decode()
    assert cells(html, f"box-review-{reviews['E00010'].pk}")[1] == "市场部"


def test_a_box_lists_its_reviews(departments, fresh_quarter, client_for):
    reviews = calibration_quarter(departments, fresh_quarter)
    html = client_for("director").get(url(query="?box=high-high"), **EN).content.decode()
    listed = section(html, "box-reviews")
    assert 'data-box="high-high"' in listed
    ids = [int(pk) for pk in re.findall(r'data-testid="box-review-(\d+)"', listed)]
    # MARKET (seq 1) first
    assert ids == [reviews["E00010"].pk, reviews["E00012"].pk]
    row = cells(listed, f"box-review-{reviews['E00010'].pk}")
    assert row == ["孙丽 E00010", "Marketing Department", "100.00", "90.00", "96.00", "B", "Scored"]
    assert reverse("reviews:review", args=[reviews["E00010"].pk]) in listed
    assert 'aria-current="true"' in section(html, "box-high-high")


def test_a_box_in_one_department(departments, fresh_quarter, client_for):
    reviews = calibration_quarter(departments, fresh_quarter)
    html = client_for("hr").get(url(query="?department=SALES&box=high-high"), **EN).content.decode()
    assert 'data-scored="3" data-not-scored="0"' in html
    listed = section(html, "box-reviews")
    assert re.findall(r'data-testid="box-review-(\d+)"', listed) == [str(reviews["E00012"].pk)]
    # the boxes keep the department when clicked
    assert 'href="?department=SALES&amp;box=low-low#box-reviews"' in html


def test_an_empty_box_says_so(departments, fresh_quarter, client_for):
    calibration_quarter(departments, fresh_quarter)
    html = client_for("hr").get(url(query="?box=low-low"), **EN).content.decode()
    assert "Nobody in this box." in section(html, "box-reviews")


def test_a_full_box_is_paged(departments, fresh_quarter, client_for):
    reviews = calibration_quarter(departments, fresh_quarter)
    add_stars(departments, fresh_quarter, 60)  # 62 in the box, 50 a page
    client = client_for("hr")
    first = client.get(url(query="?box=high-high"), **EN).content.decode()
    assert len(re.findall(r'data-testid="box-review-', first)) == 50
    assert has(first, "next-page")
    second = client.get(url(query="?box=high-high&page=2"), **EN).content.decode()
    assert len(re.findall(r'data-testid="box-review-', second)) == 12
    assert f'data-testid="box-review-{reviews["E00012"].pk}"' in first + second


def test_the_quarter_page_links_it_for_hr_and_the_director_only(fresh_quarter, client_for):
    quarter = reverse("reviews:quarter", args=["2026Q3"])
    assert url() in client_for("hr").get(quarter).content.decode()
    assert url() not in client_for("head").get(quarter).content.decode()


def test_the_queries_do_not_grow_with_the_quarter(departments, fresh_quarter, client_for):
    calibration_quarter(departments, fresh_quarter)
    client = client_for("hr")
    client.get(url(query="?box=high-high"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(query="?box=high-high")).status_code == 200
    add_stars(departments, fresh_quarter, 60)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(query="?box=high-high&department=SALES")).status_code == 200
    assert len(many) == len(few)
