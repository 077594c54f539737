"""The API of confirmations and appeals: each endpoint per persona, the refusals in the
product's error shape (naming the rule, nothing saved), and the schema's descriptions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from appeals.models import Appeal, Confirmation
from tests.helpers.api import API, api_schema, error_of, field_names, schema_operations
from tests.helpers.appeals import after_window, counts, file, line_of

WHOLE = {"kind": "whole"}


def confirm_url(review: Any) -> str:
    return f"{API}reviews/{review.pk}/confirm"


def appeal_url(review: Any) -> str:
    return f"{API}reviews/{review.pk}/appeals"


def body_for(review: Any) -> dict[str, Any]:
    return {"items": [{"kind": "line", "line": line_of(review).line_id}], "grounds": "Wrong."}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("employee", 201),
        ("hr", 403),
        ("director", 403),
        ("head", 403),  # sees the review (their department's), may not confirm it
        ("other_employee", 404),
        ("outsider", 404),
        (None, 401),
        ("token:payroll", 403),
        ("token:hr", 403),
    ],
)
def test_confirm_per_persona(call_as, api_quarter, persona, status):
    before = counts()
    response = call_as(persona, "post", confirm_url(api_quarter.own))
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["how"] == "employee"
        assert response.json()["version"] == 1
    else:
        error_of(response, status)
        assert counts() == before


def test_confirming_twice_is_a_conflict(call_as, api_quarter):
    call_as("employee", "post", confirm_url(api_quarter.own))
    before = counts()
    error = error_of(call_as("employee", "post", confirm_url(api_quarter.own)), 409)
    assert error["code"] == "already_confirmed"
    assert timezone.localdate().isoformat() in error["message"]  # the day it was confirmed
    assert counts() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("employee", 201),
        ("hr", 403),
        ("director", 403),
        ("head", 403),
        ("other_employee", 404),
        ("outsider", 404),
        (None, 401),
        ("token:payroll", 403),
    ],
)
def test_appeal_per_persona(call_as, api_quarter, persona, status):
    before = counts()
    response = call_as(persona, "post", appeal_url(api_quarter.own), body_for(api_quarter.own))
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["status"] == "filed"
        assert body["items"][0]["kpi"] == "SALES_PLAN_RATE"
        assert [step["kind"] for step in body["exchange"]] == ["filed"]
        assert body["overdue"] is False
    else:
        error_of(response, status)
        assert counts() == before


def test_a_second_appeal_is_refused_naming_the_rule(call_as, api_quarter):
    call_as("employee", "post", appeal_url(api_quarter.own), body_for(api_quarter.own))
    before = counts()
    response = call_as("employee", "post", appeal_url(api_quarter.own), body_for(api_quarter.own))
    error = error_of(response, 409, "already_appealed")
    assert timezone.localdate().isoformat() in error["message"]  # the day it was appealed
    assert counts() == before


def test_an_appeal_after_the_window_is_refused(call_as, api_quarter, monkeypatch):
    later = after_window(api_quarter.own)
    monkeypatch.setattr(timezone, "now", lambda: later)
    before = counts()
    response = call_as("employee", "post", appeal_url(api_quarter.own), body_for(api_quarter.own))
    error = error_of(response, 409, "window_closed")
    closed = (later - dt.timedelta(days=1)).date().isoformat()
    assert closed in error["message"]
    assert counts() == before


def test_bad_items_and_grounds_name_their_fields(call_as, api_quarter):
    stranger_line = api_quarter.scored.kpi_lines.get().pk
    before = counts()
    response = call_as(
        "employee",
        "post",
        appeal_url(api_quarter.own),
        {"items": [WHOLE, {"kind": "line", "line": stranger_line}], "grounds": ""},
    )
    error = error_of(response, 400)
    assert sorted(field_names(error)) == ["grounds", "items"]
    assert [f["row"] for f in error["fields"] if f["field"] == "items"] == [1]
    for body in ({"items": "x", "grounds": "x"}, {"items": [{"kind": "nope"}], "grounds": "x"}):
        error_of(call_as("employee", "post", appeal_url(api_quarter.own), body), 400)
    assert counts() == before


@pytest.mark.parametrize(
    ("persona", "status", "seen"),
    [
        ("hr", 200, 1),
        ("director", 200, 1),
        ("head", 200, 1),
        ("employee", 200, 1),
        ("other_employee", 200, 0),
        ("outsider", 403, 0),
        (None, 401, 0),
        ("token:payroll", 403, 0),
        ("token:hr", 200, 1),
    ],
)
def test_list_per_persona(call_as, personas, api_quarter, persona, status, seen):
    appeal = file(personas, api_quarter.own)
    response = call_as(persona, "get", f"{API}appeals/")
    assert response.status_code == status, response.content
    if status == 200:
        assert [row["id"] for row in response.json()["results"]] == [appeal.pk][:seen]
    detail = call_as(persona, "get", f"{API}appeals/{appeal.pk}")
    expected = 200 if seen else (status if status != 200 else 404)
    if persona == "outsider":
        expected = 404
    assert detail.status_code == expected, detail.content


def test_the_list_filters_by_quarter_and_status(call_as, personas, api_quarter):
    appeal = file(personas, api_quarter.own)
    ids = lambda **q: [r["id"] for r in call_as("hr", "get", f"{API}appeals/", q).json()["results"]]  # noqa: E731
    assert ids(period="2026Q3", status="filed") == [appeal.pk]
    assert ids(period="2026q3 ") == [appeal.pk]
    assert ids(period="2026Q2") == []
    assert ids(status="rejected") == []
    error_of(call_as("hr", "get", f"{API}appeals/", {"status": "nope"}), 400)
    error_of(call_as("hr", "get", f"{API}appeals/", {"status": ""}), 400)
    error_of(call_as("hr", "get", f"{API}appeals/", {"period": "2026Q9"}), 400)
    error_of(call_as("hr", "get", f"{API}appeals/", {"period": ""}), 400)
    error_of(call_as("hr", "get", f"{API}appeals/", {"quarter": "2026Q3"}), 400)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("token:hr", 200),
        ("director", 403),
        ("head", 403),
        ("employee", 403),
        ("other_employee", 404),
        ("outsider", 404),
        (None, 401),
        ("token:payroll", 403),
    ],
)
@pytest.mark.parametrize("answer", ["accept", "reject"])
def test_answer_per_persona(call_as, personas, api_quarter, persona, status, answer):
    appeal = file(personas, api_quarter.own)
    before = counts()
    url = f"{API}appeals/{appeal.pk}/{answer}"
    response = call_as(persona, "post", url, {"reason": "Checked against the CRM."})
    assert response.status_code == status, response.content
    if status == 200:
        body = response.json()
        assert body["status"] == ("accepted" if answer == "accept" else "rejected")
        assert body["reason"] == "Checked against the CRM."
        assert body["reopened_version"] == (2 if answer == "accept" else None)
        assert body["exchange"][-1]["kind"] == "told"
    else:
        error_of(response, status)
        assert counts() == before


def test_an_answer_needs_a_reason_and_comes_once(call_as, personas, api_quarter):
    appeal = file(personas, api_quarter.own)
    url = f"{API}appeals/{appeal.pk}/reject"
    before = counts()
    error = error_of(call_as("hr", "post", url, {"reason": "  "}), 400)
    assert field_names(error) == ["reason"]
    assert counts() == before
    assert call_as("hr", "post", url, {"reason": "No."}).status_code == 200
    error_of(call_as("hr", "post", f"{API}appeals/{appeal.pk}/accept", {"reason": "x"}), 409)
    assert Appeal.objects.get().status == "rejected"
    assert not Confirmation.objects.exists()


def test_the_schema_describes_every_endpoint():
    schema = api_schema()
    ours = [
        (path, method, operation)
        for path, method, operation in schema_operations(schema)
        if "appeals" in operation.get("tags", [])
    ]
    assert len(ours) == 8  # with the evidence of an appeal: its list and its upload
    for _path, _method, operation in ours:
        assert operation["summary"] and len(operation["description"]) > 60
    row = schema["components"]["schemas"]["PayrollRow"]
    assert "confirmation" in row["properties"]
