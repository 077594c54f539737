"""The to-do endpoints (reviews/api/todos.py): the caller's own list (any signed-in person,
a personal token as its holder) and the division's overdue work (HR and the director only),
each for every persona and token, and their schema. The quarter is `api_quarter` (see
tests/reviews/selectors/test_todos.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from clients import services as client_services
from tests.helpers.api import API, api_schema, error_of
from tests.helpers.todos import set_deadlines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
TODOS = f"{API}todos"
OVERDUE = f"{API}todos/overdue"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

MINE = {
    "hr": {"set_deadlines", "ready", "incomplete", "hr_ratings"},
    "director": {"to_approve", "director_ratings"},
    "head": {"self_assess", "hold_conversation"},
    "employee": {"confirm_result"},
    "other_employee": {"self_assess"},
    "outsider": set(),
}


def personal_client(personas, who: str) -> APIClient:
    _token, raw = client_services.personal_token_create(actor=personas[who], name="todos")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.fixture
def late(api_quarter) -> dt.date:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    set_deadlines(api_quarter.cycle, rating_due=yesterday, approval_due=yesterday)
    return yesterday


@pytest.mark.parametrize("name", sorted(MINE))
def test_every_signed_in_person_reads_their_own_list(api_quarter, call_as, name) -> None:
    response = call_as(name, "GET", TODOS)
    assert response.status_code == 200
    body = response.json()
    kinds = {item["kind"] for item in body["results"]}
    assert MINE[name] <= kinds
    assert body["count"] == sum(item["count"] for item in body["results"])


def test_an_item_says_what_where_how_many_and_by_when(late, api_client_for) -> None:
    body = api_client_for("director").get(TODOS, **EN).json()
    assert body == {
        "count": 2,
        "overdue": 2,
        "results": [
            {
                "kind": "director_ratings",
                "label": "Drafts still missing your competency ratings",
                "url": "/quarters/2026Q3/reviews/?state=draft&needs=director_ratings",
                "count": 1,
                "due": late.isoformat(),
                "overdue": True,
                "period": "2026Q3",
            },
            {
                "kind": "to_approve",
                "label": "Scored, awaiting your approval",
                "url": "/queue/",
                "count": 1,
                "due": late.isoformat(),
                "overdue": True,
                "period": "2026Q3",
            },
        ],
    }


@pytest.mark.parametrize(("who", "kind"), [("hr", "ready"), ("director", "to_approve")])
def test_a_personal_token_reads_its_holders_list(api_quarter, personas, who, kind) -> None:
    response = personal_client(personas, who).get(TODOS)
    assert response.status_code == 200
    assert kind in {item["kind"] for item in response.json()["results"]}


def test_an_hr_scoped_client_reads_the_list_of_its_role(api_quarter, call_as) -> None:
    # An HR-scoped client's login is in HR's group: it has HR's work, as over every endpoint.
    response = call_as("token:hr", "GET", TODOS)
    assert response.status_code == 200
    assert MINE["hr"] <= {item["kind"] for item in response.json()["results"]}
    assert call_as("token:hr", "GET", OVERDUE).status_code == 200


@pytest.mark.parametrize("url", [TODOS, OVERDUE])
def test_a_payroll_token_and_nobody_are_refused(api_quarter, call_as, url) -> None:
    error_of(call_as("token:payroll", "GET", url), 403, "insufficient_scope")
    error_of(call_as(None, "GET", url), 401)


@pytest.mark.parametrize("url", [TODOS, OVERDUE])
def test_an_unknown_query_parameter_is_refused(api_quarter, call_as, url) -> None:
    error_of(call_as("hr", "GET", f"{url}?department=SALES"), 400, "invalid")


OVERDUE_ACCESS = {
    "hr": 200,
    "director": 200,
    "head": 403,
    "employee": 403,
    "other_employee": 403,
    "outsider": 403,
}


@pytest.mark.parametrize(("name", "status"), sorted(OVERDUE_ACCESS.items()))
def test_only_hr_and_the_director_read_the_overdue_work(late, call_as, name, status) -> None:
    response = call_as(name, "GET", OVERDUE)
    if status == 403:
        error_of(response, 403, "not_allowed")
        return
    rows = response.json()["results"]
    assert {(row["department"], row["kind"]) for row in rows} == {
        ("MARKET", "director_ratings"),
        ("MARKET", "hr_ratings"),
        ("MARKET", "incomplete"),
        ("SALES", "ready"),
        ("SALES", "to_approve"),
    }


def test_an_overdue_row_names_its_department_kind_and_list(late, api_client_for) -> None:
    rows = api_client_for("hr").get(OVERDUE, **EN).json()["results"]
    row = next(row for row in rows if row["kind"] == "to_approve")
    assert row["department"] == "SALES"
    assert row["department_name"] == "Sales Department"
    assert row["label"] == "Approvals overdue"
    assert row["period"] == "2026Q3"
    assert row["count"] == 1
    assert row["url"].startswith("/quarters/2026Q3/reviews/?department=")


@pytest.mark.parametrize(("who", "status"), [("director", 200), ("hr", 200)])
def test_a_personal_token_reads_the_overdue_work_as_its_holder(late, personas, who, status) -> None:
    assert personal_client(personas, who).get(OVERDUE).status_code == status


def test_the_endpoints_are_documented() -> None:
    paths = api_schema()["paths"]
    mine = paths["/api/v1/todos"]["get"]
    overdue = paths["/api/v1/todos/overdue"]["get"]
    assert (mine["operationId"], overdue["operationId"]) == ("todos_list", "todos_overdue")
    assert mine["tags"] == overdue["tags"] == ["todos"]
    assert "403" in overdue["responses"] and "200" in mine["responses"]
    content = mine["responses"]["200"]["content"]["application/json"]["schema"]
    assert content["$ref"].endswith("/TodoList")
