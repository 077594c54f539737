"""Helpers of the API tests: the API's error shape, the quarter the API tests work on (built by
the `api_quarter` fixture, tests/fixtures/api.py), the reviews API's addresses, and tokens.

The API fixtures (`api_client_for`, `token_for`, `token_client`, `call_as`, `api_quarter`) are
in tests/fixtures/api.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from clients import services as client_services
from clients.models import ApiToken
from departments.models import Competency
from reviews import services
from reviews.models import AuditEvent, CompetencyRating, Review, ReviewCycle

API = "/api/v1/"


PERIOD = "2026Q3"
# The competencies of the API tests' quarter: four short codes (the catalogue's are longer, see
# tests/helpers/examples.py).
SHORT_COMPETENCIES = ("culture", "customers", "management", "learning")
PERSONAS = ("hr", "director", "head", "employee", "other_employee", "outsider")
# Who may read the catalogue (departments, job descriptions, KPIs).
CATALOGUE_ACCESS = {
    "hr": 200,
    "director": 200,
    "head": 200,
    "employee": 200,
    "other_employee": 200,
    "outsider": 403,
    None: 401,
}


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


def create_short_competencies(codes: Iterable[str] = SHORT_COMPETENCIES) -> list[Competency]:
    return [
        Competency.objects.get_or_create(
            code=code, defaults={"order": order, "text_zh": f"{code}（中）", "text_en": code}
        )[0]
        for order, code in enumerate(codes, start=1)
    ]


def review_of(personas: dict[str, User], name: str, period: str = PERIOD) -> Review:
    return Review.objects.get(employee__user=personas[name], cycle__period=period)


def complete_one_line(
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
            ratings=dict.fromkeys(SHORT_COMPETENCIES, rating),
        )
    return review


def scored(personas: dict[str, User], review: Review, **figures: Any) -> Review:
    """Completed, submitted and scored (the worker's service, called directly)."""
    review = services.review_submit(
        actor=personas["hr"], review=complete_one_line(personas, review, **figures)
    )
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    return review


def approved(personas: dict[str, User], review: Review, **figures: Any) -> Review:
    return services.review_approve(
        actor=personas["director"], review=scored(personas, review, **figures)
    )


@dataclass
class ApiQuarter:
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


# -- the reviews API ---------------------------------------------------------------------------

REVIEWS = f"{API}cycles/{PERIOD}/reviews/"
OUTSIDE = {None: 401, "token:payroll": 403}


def review_url(review: Review, action: str = "") -> str:
    return f"{API}reviews/{review.pk}/{action}"


def state_of(review: Review) -> tuple[Any, ...]:
    """What a refused request must leave as it was."""
    review.refresh_from_db()
    return (
        review.state,
        review.revision,
        review.version,
        list(review.kpi_lines.order_by("pk").values_list("target", "actual", "weight")),
        list(CompetencyRating.objects.filter(review=review).values_list("pk", "value")),
        AuditEvent.objects.filter(review=review).count(),
    )


# -- tokens ------------------------------------------------------------------------------------

_names = itertools.count(1)


def new_token(scope: str) -> tuple[ApiToken, str]:
    client = client_services.client_create(actor=None, name=f"system-{next(_names)}")
    return client_services.token_create(actor=None, client=client, scope=scope)


def with_token(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {raw}")


def error_in(response: Any) -> dict[str, Any]:
    """The error of a response in the API's error shape, whatever its status and code."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return dict(body["error"])


# -- the schema --------------------------------------------------------------------------------

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def api_schema() -> dict[str, Any]:
    """The API's OpenAPI schema, as `/api/schema/` serves it."""
    from drf_spectacular.generators import SchemaGenerator

    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


def schema_operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) of every operation of the schema."""
    return [
        (path, method, item[method])
        for path, item in schema["paths"].items()
        for method in HTTP_METHODS
        if method in item
    ]
