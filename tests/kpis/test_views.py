"""The KPI library page: who may open it, what it lists, its filters, and its queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from departments.models import Department
from kpis.models import Kpi
from tests.helpers.todos import keep_todo_count

URL = reverse("kpis:library")
EN = {"Accept-Language": "en"}
ClientFor = Callable[[str | None], Client]


@pytest.fixture
def library(departments: dict[str, Department]) -> dict[str, Kpi]:
    """Beside the catalogue fixture's SALES_PLAN_RATE: a lower-is-better KPI with no default
    target, and one removed from the catalogue."""
    market = departments["MARKET"]
    return {
        "churn": Kpi.objects.create(
            department=market,
            code="MARKET_COST_RATIO",
            order=1,
            name_zh="市场费用率",
            name_en="Marketing cost ratio",
            direction="lower",
            unit="percent",
            default_target=None,
            default_weight=100,
            definition_en="Marketing costs over revenue",
            definition_zh="市场费用占收入的比例",
        ),
        "gone": Kpi.objects.create(
            department=market,
            code="MARKET_OLD",
            order=2,
            name_zh="旧指标",
            name_en="Retired indicator",
            direction="higher",
            unit="count",
            default_target=Decimal(1234567),
            default_weight=0,
            is_active=False,
        ),
    }


def codes(html: str) -> list[str]:
    """The KPIs of the page's rows, in their order."""
    return re.findall(r'<tr data-kpi="([A-Z_]+)"', html)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 200),
        ("employee", 200),
        ("other_employee", 200),
        ("outsider", 403),
    ],
)
def test_everyone_with_a_role_reads_the_library(
    client_for: ClientFor, library: dict[str, Kpi], persona: str, status: int
) -> None:
    assert client_for(persona).get(URL).status_code == status


def test_an_anonymous_visitor_is_sent_to_log_in(client_for: ClientFor) -> None:
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_the_catalogue_kpis_in_catalogue_order(
    client_for: ClientFor, library: dict[str, Kpi]
) -> None:
    html = client_for("hr").get(URL, headers=EN).content.decode()
    # MARKET comes first in the catalogue (seq 1); a retired KPI is not listed.
    assert codes(html) == ["MARKET_COST_RATIO", "SALES_PLAN_RATE"]
    assert "2 of 2 KPIs" in html
    assert "Set each cycle" in html  # no default target
    assert ">100<" in html  # SALES_PLAN_RATE's default target
    # The viewer's language only: no Chinese name beside the English one.
    assert "Marketing costs over revenue" in html and "市场费用率" not in html
    assert "at most 4 decimal places" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "cost"}, ["MARKET_COST_RATIO"]),
        ({"q": "销售"}, ["SALES_PLAN_RATE"]),
        ({"q": "sales_plan"}, ["SALES_PLAN_RATE"]),
        ({"q": "revenue"}, ["MARKET_COST_RATIO"]),  # in how it is measured
        ({"direction": "lower"}, ["MARKET_COST_RATIO"]),
        ({"unit": "percent"}, ["MARKET_COST_RATIO", "SALES_PLAN_RATE"]),
        ({"q": "retired"}, []),
    ],
)
def test_it_searches_and_filters(
    client_for: ClientFor, library: dict[str, Kpi], query: dict[str, str], expected: list[str]
) -> None:
    assert codes(client_for("hr").get(URL, query, headers=EN).content.decode()) == expected


def test_it_filters_by_department(
    client_for: ClientFor, library: dict[str, Kpi], departments: dict[str, Department]
) -> None:
    html = client_for("hr").get(URL, {"department": departments["SALES"].pk}).content.decode()
    assert codes(html) == ["SALES_PLAN_RATE"]


def test_a_filter_that_makes_no_sense_is_named_and_not_applied(
    client_for: ClientFor, library: dict[str, Kpi]
) -> None:
    response = client_for("hr").get(URL, {"direction": "sideways", "department": "x"}, headers=EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert codes(html) == ["MARKET_COST_RATIO", "SALES_PLAN_RATE"]
    assert "Select a valid choice" in html


def test_it_reads_in_chinese_by_default(client_for: ClientFor, library: dict[str, Kpi]) -> None:
    html = client_for("hr").get(URL).content.decode()
    assert "指标库" in html and "每期设定" in html


def test_the_catalogue_links_to_it(client_for: ClientFor, library: dict[str, Kpi]) -> None:
    html = client_for("employee").get(reverse("departments:catalogue")).content.decode()
    assert f'href="{URL}"' in html


def test_its_queries_do_not_grow_with_the_kpis(
    client_for: ClientFor,
    library: dict[str, Kpi],
    departments: dict[str, Department],
    django_assert_max_num_queries: Any,
) -> None:
    for order in range(3, 40):
        Kpi.objects.create(
            department=departments["MARKET"],
            code=f"MARKET_EXTRA_{order}",
            order=order,
            name_zh="额外",
            name_en="Extra",
            direction="higher",
            unit="count",
            default_weight=0,
        )
    client = client_for("hr")
    keep_todo_count(User.objects.get(username="hr"))
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_it_shows_the_figures_each_kpi_allows(
    client_for: ClientFor, library: dict[str, Kpi]
) -> None:
    Kpi.objects.filter(code="SALES_PLAN_RATE").update(maximum=Decimal(100))
    Kpi.objects.filter(code="MARKET_OLD").update(is_active=True)
    html = client_for("hr").get(URL, headers=EN).content.decode()
    limits = dict(
        re.findall(r'<tr data-kpi="([A-Z_]+)">.*?data-testid="limits">([^<]*)</td>', html, re.S)
    )
    assert limits == {
        "MARKET_COST_RATIO": "at least 0",
        "MARKET_OLD": "at least 0, whole numbers",
        "SALES_PLAN_RATE": "0 to 100",
    }
    assert 'at most one "."' in html.replace("&quot;", '"')
