"""The schema's shared parts (the Token scheme, the Error component and `error_responses`) on
the test-only API views, and the documentation pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.helpers.api import api_schema, schema_operations

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.helpers.urls")]


@pytest.fixture
def signed_in(personas: dict[str, User]) -> Client:
    client = Client()
    client.force_login(personas["hr"])
    return client


def test_the_schema_documents_the_token_scheme_and_the_error_shape(signed_in: Client) -> None:
    response = signed_in.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()

    assert schema["components"]["securitySchemes"]["Token"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["Token"]["description"],
    }
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    body = schema["components"]["schemas"]["ErrorBody"]
    assert set(body["properties"]) == {"code", "message", "fields"}

    echo = schema["paths"]["/api/test/echo/"]
    get_codes = set(echo["get"]["responses"])
    post_codes = set(echo["post"]["responses"])
    assert {"200", "401", "403", "406", "429"} <= get_codes
    assert {"400", "413", "415"}.isdisjoint(get_codes)
    assert {"200", "400", "401", "403", "406", "413", "415", "429"} <= post_codes
    too_many = echo["get"]["responses"]["429"]
    assert too_many["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "Retry-After" in too_many["headers"]
    assert {"Token": []} in echo["get"]["security"]


def test_the_error_responses_helper_references_the_error_component() -> None:
    from drf_spectacular.utils import OpenApiResponse

    from hrperf.api.schema import ErrorSerializer, error_responses

    responses = error_responses(400, 404, 409)
    assert set(responses) == {400, 404, 409}
    assert all(isinstance(r, OpenApiResponse) for r in responses.values())
    assert all(r.response is ErrorSerializer for r in responses.values())


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_pages_work_offline(signed_in: Client, path: str) -> None:
    response = signed_in.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    assert urls, "the page loads no scripts or styles"
    # The static files, and Swagger UI's start script from its own view.
    assert all(url.startswith(("/static/", f"{path}?script=")) for url in urls), urls
    assert "//" not in "".join(urls)
    assert "cdn" not in page.lower()


# -- every operation says what it does ---------------------------------------------------------

# Text that says nothing of one operation: a base view's docstring, or a stock phrase.
GENERIC = (
    "an endpoint whose request body",
    "the base of every endpoint",
    "todo",
    "placeholder",
    "description",
)
MIN_DESCRIPTION = 40


def _v1_operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [op for op in schema_operations(api_schema()) if op[0].startswith("/api/v1/")]


def test_every_operation_has_a_summary_and_its_own_description() -> None:
    from hrperf.api import views

    base_docs = {
        " ".join((cls.__doc__ or "").split()).lower()
        for cls in vars(views).values()
        if isinstance(cls, type) and cls.__module__ == views.__name__
    }
    descriptions: dict[str, str] = {}
    bad = []
    for path, method, operation in _v1_operations():
        where = f"{method.upper()} {path}"
        summary = operation.get("summary", "")
        description = " ".join(operation.get("description", "").split())
        lowered = description.lower()
        if (
            not summary
            or len(description) < MIN_DESCRIPTION
            or lowered in base_docs
            or any(phrase in lowered for phrase in GENERIC)
            or description.rstrip(".") == summary.rstrip(".")
        ):
            bad.append((where, description))
        elif description in descriptions:
            bad.append((where, f"same as {descriptions[description]}"))
        else:
            descriptions[description] = where
    assert bad == []
