"""The roster page (/roster/): who sees which employees, search, filters and pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Department, Employee
from tests.helpers.todos import keep_todo_count

URL = reverse("departments:roster")
ClientFor = Callable[[str | None], Client]


def english(client: Client) -> Client:
    """Interface strings are checked in English, so the tests do not depend on translations."""
    client.cookies["django_language"] = "en"
    return client


def listed(response) -> list[str]:
    return re.findall(r'<tr data-employee="([^"]+)"', response.content.decode())


def add_employees(department: Department, count: int, *, start: int = 100) -> None:
    Employee.objects.bulk_create(
        Employee(
            employee_no=f"E{number:05d}",
            name=f"员工{number}",
            department=department,
            position="专员",
        )
        for number in range(start, start + count)
    )


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
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
    ],
)
def test_it_is_shown_to_hr_the_director_and_department_heads_only(
    client_for: ClientFor, persona: str, status: int
) -> None:
    assert client_for(persona).get(URL).status_code == status


@pytest.mark.parametrize("persona", ["hr", "director"])
def test_hr_and_the_director_see_every_department(client_for: ClientFor, persona: str) -> None:
    assert listed(client_for(persona).get(URL)) == ["E00001", "E00002", "E00003"]


def test_a_head_sees_only_their_own_department(client_for: ClientFor) -> None:
    response = client_for("head").get(URL)
    assert listed(response) == ["E00001", "E00002"]
    assert "李娜" not in response.content.decode()


def test_a_head_cannot_see_another_department_by_asking_for_it(
    client_for: ClientFor, departments: dict[str, Department]
) -> None:
    response = client_for("head").get(URL, {"department": departments["MARKET"].pk})
    assert response.status_code == 200
    assert listed(response) == ["E00001", "E00002"]  # the filter is refused: SALES only
    assert "E00003" not in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_a_head_who_is_no_longer_active_gets_403(client_for: ClientFor) -> None:
    Employee.objects.filter(employee_no="E00001").update(is_active=False)
    assert client_for("head").get(URL).status_code == 403


def test_it_shows_each_employee_with_number_name_department_position_and_dates(
    client_for: ClientFor,
) -> None:
    Employee.objects.filter(employee_no="E00002").update(hire_date=date(2023, 7, 25))
    html = client_for("hr").get(URL).content.decode()
    row = re.search(r'<tr data-employee="E00002"[^>]*>(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[:5] == ["<code>E00002</code>", "张伟", "销售部", "销售代表", "2023-07-25"]
    head_row = re.search(r'<tr data-employee="E00001"[^>]*>(.*?)</tr>', html, re.S)
    assert head_row is not None
    assert 'class="flag yes"' in head_row.group(1).split("</td>")[-2]


def test_it_shows_department_names_in_english_when_english_is_chosen(
    client_for: ClientFor,
) -> None:
    html = english(client_for("hr")).get(URL).content.decode()
    assert "<td>Sales Department</td>" in html
    assert "<td>Marketing Department</td>" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("e00003", ["E00003"]),  # employee number, ignoring case
        ("张伟", ["E00002"]),  # name
        ("销售", ["E00001", "E00002"]),  # position
        ("nobody", []),
    ],
)
def test_it_searches_number_name_and_position(
    client_for: ClientFor, query: str, expected: list[str]
) -> None:
    assert listed(client_for("hr").get(URL, {"q": query})) == expected


def test_it_filters_by_department(
    client_for: ClientFor, departments: dict[str, Department]
) -> None:
    response = client_for("director").get(URL, {"department": departments["MARKET"].pk})
    assert listed(response) == ["E00003"]


def test_it_filters_by_active(client_for: ClientFor) -> None:
    Employee.objects.filter(employee_no="E00003").update(is_active=False)
    client = client_for("hr")
    assert listed(client.get(URL, {"active": "no"})) == ["E00003"]
    assert listed(client.get(URL, {"active": "yes"})) == ["E00001", "E00002"]
    assert listed(client.get(URL, {"active": ""})) == ["E00001", "E00002", "E00003"]


def test_it_ignores_a_malformed_filter_and_says_why(client_for: ClientFor) -> None:
    response = client_for("hr").get(URL, {"department": "abc", "active": "maybe"})
    assert response.status_code == 200
    assert listed(response) == ["E00001", "E00002", "E00003"]
    assert 'role="alert"' in response.content.decode()


def test_it_shows_fifty_employees_a_page_and_keeps_the_filters_in_page_links(
    client_for: ClientFor, departments: dict[str, Department]
) -> None:
    add_employees(departments["MARKET"], 120)
    client = english(client_for("hr"))
    first = client.get(URL, {"q": "员工"})
    assert len(listed(first)) == 50
    assert "Page 1 of 3" in first.content.decode()
    assert 'href="?q=%E5%91%98%E5%B7%A5&amp;page=2"' in first.content.decode()
    last = client.get(URL, {"q": "员工", "page": "3"})
    assert listed(last) == [f"E{number:05d}" for number in range(200, 220)]
    assert len(listed(client.get(URL, {"page": "999"}))) == 23  # past the end: the last page
    assert len(listed(client.get(URL, {"page": "x"}))) == 50  # not a number: the first page


def test_it_offers_the_import_to_hr_only(client_for: ClientFor) -> None:
    link = f'href="{reverse("departments:roster_import")}"'
    assert link in client_for("hr").get(URL).content.decode()
    assert link not in client_for("director").get(URL).content.decode()
    assert link not in client_for("head").get(URL).content.decode()


@pytest.mark.parametrize("persona", ["hr", "head"])
def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_employees(
    client_for: ClientFor,
    departments: dict[str, Department],
    persona: str,
    django_assert_max_num_queries,
) -> None:
    client = client_for(persona)
    keep_todo_count(User.objects.get(username=persona))
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    add_employees(departments["SALES"], 30)
    add_employees(departments["MARKET"], 30, start=500)
    client = client_for(persona)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(listed(response)) == (50 if persona == "hr" else 32)
    assert len(many) == len(few)
    client = client_for(persona)
    with django_assert_max_num_queries(8):
        client.get(URL)
