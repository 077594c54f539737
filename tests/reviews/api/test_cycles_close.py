"""Closing (HR) and reopening (director) a quarter over the API, and the quarter's status and
`closed_at` in its answers."""

from __future__ import annotations

import pytest
from django.utils.dateparse import parse_datetime

from reviews.models import AuditEvent, ReviewCycle
from tests.helpers.api import API, PERIOD, api_schema, error_of

CYCLE = f"{API}cycles/{PERIOD}/"
# Everyone but HR is refused the closing; the outsider does not see the quarter at all.
CLOSE = {
    "hr": 200,
    "token:hr": 200,
    "director": 403,
    "head": 403,
    "employee": 403,
    "other_employee": 403,
    "outsider": 404,
    None: 401,
    "token:payroll": 403,
}
REOPEN = {**CLOSE, "hr": 403, "token:hr": 403, "director": 200}


def status_of(cycle: ReviewCycle) -> str:
    cycle.refresh_from_db()
    return cycle.status


@pytest.mark.parametrize(("persona", "status"), CLOSE.items())
def test_who_may_close_a_quarter(call_as, closable_quarter, persona, status) -> None:
    response = call_as(persona, "POST", f"{CYCLE}close")
    assert response.status_code == status, response.content
    assert status_of(closable_quarter) == ("closed" if status == 200 else "open")
    if status == 200:
        body = response.json()
        assert body["status"] == "closed"
        assert body["closed_at"] is not None


@pytest.mark.parametrize(("persona", "status"), REOPEN.items())
def test_who_may_reopen_a_quarter(call_as, closed_quarter, persona, status) -> None:
    response = call_as(persona, "POST", f"{CYCLE}reopen", {"reason": "年终调整"})
    assert response.status_code == status, response.content
    assert status_of(closed_quarter) == ("open" if status == 200 else "closed")
    if status == 200:
        assert (response.json()["status"], response.json()["closed_at"]) == ("open", None)
        assert AuditEvent.objects.get(action="cycle_reopened").reason == "年终调整"


def test_closing_too_early_names_what_keeps_it_open(call_as, closing_quarter) -> None:
    error = error_of(call_as("hr", "POST", f"{CYCLE}close"), 409, "quarter_not_ready")
    assert "2026Q3" in error["message"] and "3" in error["message"]
    assert status_of(closing_quarter) == "open"


def test_reopening_needs_a_reason(call_as, closed_quarter) -> None:
    error = error_of(call_as("director", "POST", f"{CYCLE}reopen", {"reason": " "}), 400)
    assert [field["field"] for field in error["fields"]] == ["reason"]
    error_of(call_as("director", "POST", f"{CYCLE}reopen", {}), 400)
    assert status_of(closed_quarter) == "closed"


def test_a_write_to_a_closed_quarter_answers_409(call_as, closed_quarter) -> None:
    error_of(
        call_as("hr", "PATCH", f"{CYCLE}policy", {"warning_threshold": "55"}), 409, "quarter_closed"
    )
    error_of(call_as("hr", "POST", f"{CYCLE}close"), 409, "quarter_closed")
    assert call_as("director", "POST", f"{CYCLE}reopen", {"reason": "x"}).status_code == 200
    response = call_as("hr", "PATCH", f"{CYCLE}policy", {"warning_threshold": "55"})
    assert response.status_code == 200, response.content


def test_the_quarter_shows_its_status_and_close_time(call_as, closed_quarter) -> None:
    body = call_as("employee", "GET", CYCLE).json()
    assert body["status"] == "closed"
    assert parse_datetime(body["closed_at"]) == closed_quarter.closed_at


def test_the_endpoints_are_described_in_the_schema() -> None:
    paths = api_schema()["paths"]
    for path, operation in (("close", "cycles_close"), ("reopen", "cycles_reopen")):
        post = paths[f"/api/v1/cycles/{{period}}/{path}"]["post"]
        assert post["operationId"] == operation
        assert post["description"] and post["summary"]
        assert "409" in post["responses"]
