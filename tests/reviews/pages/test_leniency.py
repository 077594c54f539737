"""The leniency page of a quarter's calibration: who may open it, the figures of the hand-built
quarter (tests/helpers/insight.py), the department filter, the gap shown, a fixed number of
queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers.insight import add_employees, calibration_quarter, cells, rate_by_hand
from tests.helpers.pages import has, section

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def url(period: str = "2026Q3", query: str = "") -> str:
    return reverse("reviews:calibration_leniency", args=[period]) + query


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
    response = client_for(persona).get(url(), **EN)
    assert response.status_code == status
    if status == 403:
        assert "4.67" not in response.content.decode(errors="replace")


def test_anonymous_visitors_go_to_the_login_page(fresh_quarter, client_for) -> None:
    response = client_for(None).get(url())
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_a_quarter_never_opened_or_an_unknown_department_is_not_found(
    fresh_quarter, client_for
) -> None:
    client = client_for("hr")
    assert client.get(url("2026Q1")).status_code == 404
    assert client.get(url(query="?department=NOPE")).status_code == 404


def test_it_shows_each_assessors_figures_and_flags(departments, fresh_quarter, client_for):
    calibration_quarter(departments, fresh_quarter)
    html = client_for("director").get(url(), **EN).content.decode()
    assert 'data-gap="0.50"' in html
    assert "more than 0.50 rating points" in html
    director = section(html, "assessor-marketing_director")
    assert cells(director, "leniency-marketing_director-SALES") == [
        "Sales Department More lenient",
        "4.67",
        "+0.67",
        "0.47",
        "12",
    ]
    assert cells(director, "leniency-marketing_director-MARKET") == [
        "Marketing Department Stricter",
        "3.33",
        "-0.67",
        "0.47",
        "12",
    ]
    assert "2 departments flagged" in director
    assert cells(director, "leniency-marketing_director-division") == ["4.00", "", "0.82", "24"]
    assert cells(html, "leniency-hr-SALES") == ["Sales Department", "4.00", "+0.50", "0.00", "12"]
    # the self-assessment apart, after an "Advisory" heading
    assert html.index("Advisory") < html.index('data-testid="assessor-self"')
    assert cells(html, "leniency-self-SALES") == ["Sales Department", "3.50", "0.00", "1.12", "4"]


def test_the_gap_shown_is_the_one_used(departments, fresh_quarter, client_for, settings):
    calibration_quarter(departments, fresh_quarter)
    settings.CALIBRATION_LENIENCY_GAP = Decimal("0.40")
    html = client_for("hr").get(url(), **EN).content.decode()
    assert 'data-gap="0.40"' in html
    assert 'data-testid="assessor-hr" data-flagged="2"' in html


def test_one_department(departments, fresh_quarter, client_for):
    calibration_quarter(departments, fresh_quarter)
    html = client_for("hr").get(url(query="?department=market"), **EN).content.decode()
    assert has(html, "leniency-marketing_director-MARKET")
    assert not has(html, "leniency-marketing_director-SALES")
    assert '<option value="MARKET" selected>' in html
    # the division stays the whole division
    assert cells(html, "leniency-marketing_director-division")[0] == "4.00"
    # no self-assessment in MARKET: its card says so
    assert "No rating by this assessor in this department." in section(html, "assessor-self")


def test_no_rating_yet(fresh_quarter, client_for):
    html = client_for("hr").get(url(), **EN).content.decode()
    assert has(html, "no-ratings")
    assert not has(html, "assessor-self")


def test_it_reads_in_chinese(departments, fresh_quarter, client_for):
    calibration_quarter(departments, fresh_quarter)
    html = client_for("hr").get(url(), **ZH).content.decode()
    assert "销售部" in html


def test_the_quarter_page_links_it_for_hr_and_the_director_only(fresh_quarter, client_for):
    quarter = reverse("reviews:quarter", args=["2026Q3"])
    assert url() in client_for("director").get(quarter).content.decode()
    assert url() not in client_for("head").get(quarter).content.decode()


def test_the_queries_do_not_grow_with_the_quarter(departments, fresh_quarter, client_for):
    client = client_for("hr")
    client.get(url())
    add_employees(departments, fresh_quarter)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url()).status_code == 200
    rate_by_hand(fresh_quarter)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(query="?department=SALES")).status_code == 200
    assert len(many) == len(few)
