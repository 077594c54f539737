"""The catalogue page (/catalogue/): who may see it, what it lists, search and filter."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Department, Duty
from kpis.models import Kpi
from tests.helpers.todos import keep_todo_count

URL = reverse("departments:catalogue")
ClientFor = Callable[[str | None], Client]


def english(client: Client) -> Client:
    """Interface strings are checked in English, so the tests do not depend on translations."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def full_catalogue(personas) -> None:
    call_command("load_catalogue", stdout=io.StringIO())


def listed_codes(response) -> list[str]:
    return re.findall(r'<tr data-code="([A-Z0-9_]+)">', response.content.decode())


def main_names(response) -> list[str]:
    return re.findall(r'class="department-name"[^>]*>([^<]+)</a>', response.content.decode())


def test_it_redirects_anonymous_visitors_to_the_login_page(client_for: ClientFor) -> None:
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


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
def test_it_is_shown_to_hr_the_director_and_employees_only(
    client_for: ClientFor, persona: str, status: int
) -> None:
    assert client_for(persona).get(URL).status_code == status


def test_it_lists_the_thirty_departments_in_catalogue_order(
    client_for: ClientFor, full_catalogue: None
) -> None:
    response = english(client_for("hr")).get(URL)
    codes = listed_codes(response)
    assert len(codes) == 30
    assert codes == list(Department.objects.order_by("seq").values_list("code", flat=True))
    assert codes[:2] == ["MARKET", "SALES"]
    assert "30 of 30 departments" in response.content.decode()


def test_it_shows_each_department_with_its_counts_kpis_and_provenance(
    client_for: ClientFor, full_catalogue: None
) -> None:
    html = client_for("hr").get(URL).content.decode()
    sales = Department.objects.get(code="SALES")
    row = re.search(r'<tr data-code="SALES">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = row.group(1)
    assert sales.head_position_zh in cells
    assert f'<td class="num">{sales.duties.count()}</td>' in cells
    assert f'<td class="num">{sales.kpis.count()}</td>' in cells
    for kpi in sales.kpis.all():
        assert kpi.name_zh in cells
    assert '<span class="badge seed">' in cells
    drafted = Department.objects.filter(source="drafted").first()
    assert drafted is not None
    assert '<span class="badge drafted">' in html
    assert '<span class="badge seed-partial">' in html


def test_it_explains_the_three_provenance_badges(client_for: ClientFor) -> None:
    html = english(client_for("hr")).get(URL).content.decode()
    for source in ("seed", "seed-partial", "drafted"):
        assert f'class="badge {source}" href="?source={source}"' in html
    assert "Taken from the company&#x27;s source document." in html


def test_it_shows_names_in_chinese_by_default_without_the_english_name(
    client_for: ClientFor, full_catalogue: None
) -> None:
    response = client_for("hr").get(URL)
    assert main_names(response)[:2] == ["市场部", "销售部"]
    html = response.content.decode()
    assert "other-language" not in html and "Sales Department" not in html


def test_it_shows_names_in_english_when_english_is_chosen(
    client_for: ClientFor, full_catalogue: None
) -> None:
    response = english(client_for("hr")).get(URL)
    assert response.content.decode().startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in response.content.decode()
    assert main_names(response)[:2] == ["Marketing Department", "Sales Department"]
    assert "other-language" not in response.content.decode()
    assert "销售部" not in response.content.decode()
    assert "Sales plan completion rate" in response.content.decode()


def test_it_follows_the_accept_language_header(client_for: ClientFor, departments) -> None:
    response = client_for("hr").get(URL, headers={"accept-language": "en"})
    assert main_names(response) == ["Marketing Department", "Sales Department"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sales", ["SALES"]),  # code, ignoring case
        ("市场部", ["MARKET"]),  # Chinese name
        ("marketing DEPARTMENT", ["MARKET"]),  # English name, ignoring case
        ("销售部经理", ["SALES"]),  # head position
        ("Sales Manager", ["SALES"]),
        ("计划完成率", ["SALES"]),  # a KPI name
        ("completion rate", ["SALES"]),
        ("品牌", ["MARKET"]),  # a duty text
        ("brand promotion", ["MARKET"]),
    ],
)
def test_it_searches_codes_names_positions_duties_and_kpis(
    client_for: ClientFor, departments: dict[str, Department], query: str, expected: list[str]
) -> None:
    Duty.objects.create(
        department=departments["MARKET"],
        order=1,
        text_zh="具体负责企业品牌的推广",
        text_en="Take direct charge of brand promotion",
    )
    response = english(client_for("hr")).get(URL, {"q": query})
    assert listed_codes(response) == expected
    assert f"{len(expected)} of 2 departments" in response.content.decode()


def test_it_finds_departments_in_the_full_catalogue_by_a_kpi_name(
    client_for: ClientFor, full_catalogue: None
) -> None:
    response = client_for("hr").get(URL, {"q": "回款率"})
    codes = listed_codes(response)
    assert "SALES" in codes
    expected = set(
        Kpi.objects.filter(name_zh__contains="回款率").values_list("department__code", flat=True)
    )
    assert set(codes) >= expected
    assert len(codes) < 30


def test_it_says_so_when_nothing_matches(client_for: ClientFor, departments) -> None:
    response = english(client_for("hr")).get(URL, {"q": "no such department"})
    html = response.content.decode()
    assert listed_codes(response) == []
    assert "0 of 2 departments" in html
    assert "No department matches this search." in html


def test_it_filters_by_provenance(client_for: ClientFor, full_catalogue: None) -> None:
    response = client_for("hr").get(URL, {"source": "drafted"})
    codes = listed_codes(response)
    assert len(codes) == Department.objects.filter(source="drafted").count() > 0
    assert "SALES" not in codes
    partial = client_for("hr").get(URL, {"source": "seed-partial"})
    assert len(listed_codes(partial)) == 1


def test_it_combines_search_and_provenance(client_for: ClientFor, full_catalogue: None) -> None:
    response = client_for("hr").get(URL, {"q": "SALES", "source": "drafted"})
    assert "SALES" not in listed_codes(response)


def test_it_ignores_an_unknown_provenance_and_says_why(client_for: ClientFor, departments) -> None:
    response = client_for("hr").get(URL, {"source": "bogus"})
    assert response.status_code == 200
    assert listed_codes(response) == ["MARKET", "SALES"]
    assert 'role="alert"' in response.content.decode()


def test_it_leaves_out_kpis_removed_from_the_catalogue(
    client_for: ClientFor, departments: dict[str, Department]
) -> None:
    Kpi.objects.filter(code="SALES_PLAN_RATE").update(is_active=False)
    response = client_for("hr").get(URL)
    html = response.content.decode()
    assert "销售计划完成率" not in html
    assert listed_codes(client_for("hr").get(URL, {"q": "销售计划完成率"})) == []


def test_it_links_each_department_to_its_page(client_for: ClientFor, departments) -> None:
    html = client_for("hr").get(URL).content.decode()
    assert f'href="{reverse("departments:department", args=["SALES"])}"' in html


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_departments(
    client_for: ClientFor, personas, django_assert_max_num_queries
) -> None:
    client = client_for("hr")
    keep_todo_count(personas["hr"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, {"q": "部"}).status_code == 200
    call_command("load_catalogue", stdout=io.StringIO())
    client = client_for("hr")
    with CaptureQueriesContext(connection) as full:
        response = client.get(URL, {"q": "部"})
    assert len(listed_codes(response)) == 30
    assert len(full) == len(small)
    client = client_for("hr")
    with django_assert_max_num_queries(8):
        client.get(URL)
