"""Fixtures of the API tests: clients logged in as a persona or holding a token, a quarter with
reviews in known states, and helpers to read the error shape.

* `api_client_for(persona)`: a REST framework APIClient logged in (by session) as a persona of
  tests/conftest.py (hr, director, head, employee, other_employee, outsider); None: anonymous.
* `token_for(scope)`: the raw token (`"hr"` or `"payroll"`) of an API client made for the test.
* `token_client(scope)`: an APIClient sending that token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from clients import services as client_services
from departments.models import Competency, Employee
from reviews import services
from reviews.models import Review, ReviewCycle

API = "/api/v1/"


PERIOD = "2026Q3"
COMPETENCIES = ("culture", "customers", "management", "learning")
PERSONAS = ("hr", "director", "head", "employee", "other_employee", "outsider")


@pytest.fixture
def api_client_for(personas: dict[str, User]) -> Callable[[str | None], APIClient]:
    """`api_client_for("hr")` is an APIClient logged in as HR; `api_client_for(None)` is
    anonymous."""

    def make(name: str | None) -> APIClient:
        client = APIClient()
        if name is not None:
            client.force_login(personas[name])
        return client

    return make


@pytest.fixture
def token_for(personas: dict[str, User]) -> Callable[[str], str]:
    """`token_for("payroll")` is the raw token of a payroll client made for the test (one per
    scope, made on first use)."""
    raw: dict[str, str] = {}

    def make(scope: str) -> str:
        if scope not in raw:
            client = client_services.client_create(actor=personas["hr"], name=f"{scope}-system")
            _token, raw[scope] = client_services.token_create(
                actor=personas["hr"], client=client, scope=scope
            )
        return raw[scope]

    return make


@pytest.fixture
def token_client(token_for: Callable[[str], str]) -> Callable[[str], APIClient]:
    def make(scope: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(scope)}")
        return client

    return make


@pytest.fixture
def call_as(
    api_client_for: Callable[[str | None], APIClient],
    token_client: Callable[[str], APIClient],
) -> Callable[..., Any]:
    """`call_as(persona, method, url, body)`: the response to one request; persona is one of
    PERSONAS, None (anonymous), or "token:payroll" / "token:hr"."""

    def call(persona: str | None, method: str, url: str, body: Any = None) -> Any:
        if persona is not None and persona.startswith("token:"):
            client = token_client(persona.removeprefix("token:"))
        else:
            client = api_client_for(persona)
        send = getattr(client, method.lower())
        if body is None:
            return send(url)
        if method.upper() == "GET":
            return send(url, body)
        return send(url, body, format="json")

    return call


def error_of(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The error of a response in the API's error shape, checked against status and code."""
    assert response.status_code == status, (response.status_code, response.content[:2000])
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert error["message"], error
    if code is not None:
        assert error["code"] == code, error
    for item in error["fields"]:
        assert set(item) == {"field", "row", "code", "message"}, item
    return error


def field_names(error: dict[str, Any]) -> list[str]:
    return [item["field"] for item in error["fields"]]


# -- a quarter ---------------------------------------------------------------------------------


def create_competencies(codes: Iterable[str] = COMPETENCIES) -> list[Competency]:
    return [
        Competency.objects.get_or_create(
            code=code, defaults={"order": order, "text_zh": f"{code}（中）", "text_en": code}
        )[0]
        for order, code in enumerate(codes, start=1)
    ]


def review_of(personas: dict[str, User], name: str, period: str = PERIOD) -> Review:
    return Review.objects.get(employee__user=personas[name], cycle__period=period)


def complete(
    personas: dict[str, User], review: Review, *, actual: str = "60", rating: int = 3
) -> Review:
    """Every figure and rating of a one-line (SALES) review entered through the services."""
    line = review.kpi_lines.get()
    review = services.review_set_figures(
        actor=personas["hr"], review=review, figures={line.pk: {"actual": actual}}
    )
    for actor, role in (("director", "marketing_director"), ("hr", "hr")):
        review = services.review_rate(
            actor=personas[actor],
            review=review,
            assessor_role=role,
            ratings=dict.fromkeys(COMPETENCIES, rating),
        )
    return review


def scored(personas: dict[str, User], review: Review, **figures: Any) -> Review:
    """Completed, submitted and scored (the worker's service, called directly)."""
    review = services.review_submit(
        actor=personas["hr"], review=complete(personas, review, **figures)
    )
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    return review


def approved(personas: dict[str, User], review: Review, **figures: Any) -> Review:
    return services.review_approve(
        actor=personas["director"], review=scored(personas, review, **figures)
    )


@dataclass
class Quarter:
    """2026Q3 opened, its reviews generated:

    * `own`: the employee persona's review (SALES), approved, scored below the warning
      threshold (so it has a verbal warning);
    * `head`: the head's review (SALES), complete but still a draft;
    * `other`: the other employee's review (MARKET, which has no KPIs), a draft;
    * `scored`: a review of a SALES employee without a login, scored.
    """

    cycle: ReviewCycle
    own: Review
    head: Review
    other: Review
    scored: Review

    def refresh(self) -> None:
        for review in (self.own, self.head, self.other, self.scored):
            review.refresh_from_db()


@pytest.fixture
def quarter(personas: dict[str, User], departments: dict[str, Any]) -> Quarter:
    create_competencies()
    Employee.objects.create(
        employee_no="E00009", name="刘洋", department=departments["SALES"], position="销售代表"
    )
    cycle = services.cycle_open(actor=personas["hr"], period=PERIOD)
    services.reviews_generate_chunk(cycle_id=cycle.pk)
    own = approved(personas, review_of(personas, "employee"), actual="40", rating=2)
    head = complete(personas, review_of(personas, "head"))
    other = review_of(personas, "other_employee")
    third = scored(personas, Review.objects.get(cycle=cycle, employee__employee_no="E00009"))
    return Quarter(cycle=cycle, own=own, head=head, other=other, scored=third)
