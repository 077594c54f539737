"""What every endpoint shares (hrperf.api.views): a query parameter the endpoint does not read is
refused with 400 naming it, on every operation of the schema, and every parameter the schema
documents is read."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.helpers.api import PERIOD, ApiQuarter, api_schema, error_of, schema_operations

pytestmark = pytest.mark.django_db

OPERATIONS = schema_operations(api_schema())
EVERY_OPERATION = pytest.mark.parametrize(
    ("path", "method", "operation"),
    OPERATIONS,
    ids=[f"{method.upper()} {path}" for path, method, _ in OPERATIONS],
)
# A value the schema's required query parameters accept.
REQUIRED_QUERY = {"period": PERIOD}


def _url(path: str, quarter: ApiQuarter) -> str:
    values = {
        "period": PERIOD,
        "review_id": str(quarter.scored.pk),
        "code": "SALES",
        "employee_no": "E00002",
        "job_id": "1",
        "assessor_role": "hr",
        "warning_id": "1",
        "evidence_id": "1",
    }
    return re.sub(r"\{(\w+)\}", lambda match: values.get(match.group(1), "1"), path)


def _required(operation: dict[str, Any]) -> dict[str, str]:
    return {
        parameter["name"]: REQUIRED_QUERY[parameter["name"]]
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and parameter.get("required")
    }


def _with_query(url: str, query: dict[str, str]) -> str:
    return url + "?" + "&".join(f"{name}={value}" for name, value in query.items())


def _unknown(response: Any) -> list[str]:
    if response.status_code != 400:
        return []
    error = response.json()["error"]
    return [item["field"] for item in error["fields"] if item["code"] == "unknown_parameter"]


@EVERY_OPERATION
def test_every_operation_refuses_an_unknown_query_parameter(
    api_client_for, api_quarter, path, method, operation
) -> None:
    client = api_client_for("hr")
    url = _with_query(_url(path, api_quarter), {**_required(operation), "bogus": "1"})
    response = getattr(client, method)(url, format="json")

    error = error_of(response, 400, "invalid")
    assert _unknown(response) == ["bogus"]
    assert "bogus" in error["message"]


@EVERY_OPERATION
def test_every_documented_query_parameter_is_read(
    api_client_for, api_quarter, path, method, operation
) -> None:
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    client = api_client_for("hr")
    for name in names:
        url = _with_query(_url(path, api_quarter), {**_required(operation), name: "1"})
        assert _unknown(getattr(client, method)(url, format="json")) == [], name


def test_the_format_parameter_is_still_read(api_client_for, api_quarter) -> None:
    response = api_client_for("hr").get(f"/api/v1/cycles/{PERIOD}/?format=json")
    assert response.status_code == 200


def test_a_method_not_offered_is_405_whatever_the_query(api_client_for, api_quarter) -> None:
    response = api_client_for("hr").generic("TRACE", "/api/v1/departments/?bogus=1")
    assert response.status_code == 405
