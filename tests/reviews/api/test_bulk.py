"""A quarter's reviews in bulk over the API (reviews.api.bulk): submit-all (HR), approve-all
(the director), figures of many reviews (HR); counted first (`dry_run`), confirmed by
`expected`, all or nothing; who may; bad input named by row and field; never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from reviews.models import ApprovedResult, AuditEvent, Review, ReviewKpiLine
from tests.helpers.api import API, OUTSIDE, PERIOD, PERSONAS, api_schema, error_of, field_names

SUBMIT = f"{API}cycles/{PERIOD}/submit"
APPROVE = f"{API}cycles/{PERIOD}/approve"
FIGURES = f"{API}cycles/{PERIOD}/figures"
ALL_CALLERS = (*PERSONAS, *OUTSIDE, "token:hr")


def states() -> dict[str, str]:
    return dict(Review.objects.values_list("employee__employee_no", "state"))


# -- submit all ------------------------------------------------------------------------------


def test_submit_all_counts_first_then_submits_the_complete_ones(api_quarter, call_as):
    counted = call_as("hr", "post", SUBMIT, {"dry_run": True})
    assert counted.status_code == 200
    body = counted.json()
    assert (body["count"], body["done"], body["incomplete"]) == (1, 0, 1)
    assert [row["employee_no"] for row in body["incomplete_reviews"]] == ["E00003"]
    assert states()["E00001"] == "draft"
    done = call_as("hr", "post", SUBMIT, {"expected": 1, "fingerprint": body["fingerprint"]})
    assert done.status_code == 200, done.json()
    assert done.json()["done"] == 1
    assert states()["E00001"] == "submitted"
    assert states()["E00003"] == "draft"


def test_submit_all_refuses_a_changed_count(api_quarter, call_as):
    response = call_as("hr", "post", SUBMIT, {"expected": 5})
    error = error_of(response, 409, "set_changed")
    assert field_names(error) == ["expected"]
    assert "1" in error["message"]
    assert states()["E00001"] == "draft"


def test_submit_all_keeps_to_the_filter(api_quarter, call_as):
    response = call_as("hr", "post", SUBMIT, {"filter": {"department": "MARKET"}, "dry_run": True})
    assert (response.json()["count"], response.json()["incomplete"]) == (0, 1)
    bad = call_as("hr", "post", SUBMIT, {"filter": {"department": "NOPE"}, "expected": 0})
    assert field_names(error_of(bad, 400)) == ["department"]


def test_submit_all_needs_the_count(api_quarter, call_as):
    error = error_of(call_as("hr", "post", SUBMIT, {}), 400)
    assert field_names(error) == ["expected"]


@pytest.mark.parametrize("caller", ALL_CALLERS)
def test_only_hr_submits_all(api_quarter, call_as, caller):
    response = call_as(caller, "post", SUBMIT, {"expected": 1})
    allowed = caller in ("hr", "token:hr")
    assert response.status_code == (200 if allowed else OUTSIDE.get(caller, response.status_code))
    assert response.status_code in ((200,) if allowed else (401, 403, 404))
    assert (states()["E00001"] == "submitted") is allowed


# -- approve all -----------------------------------------------------------------------------


def test_approve_all_is_confirmed_by_the_count_and_records_the_reason(api_quarter, call_as):
    counted = call_as("director", "post", APPROVE, {"dry_run": True}).json()
    assert counted["count"] == 1
    response = call_as(
        "director",
        "post",
        APPROVE,
        {"expected": 1, "fingerprint": counted["fingerprint"], "reason": "季度审批"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["done"] == 1
    assert states()["E00009"] == "approved"
    assert ApprovedResult.objects.filter(review__employee__employee_no="E00009").count() == 1
    event = AuditEvent.objects.get(review__employee__employee_no="E00009", to_value="approved")
    assert event.reason == "季度审批"


def test_approve_all_approves_nothing_when_the_set_changed(api_quarter, call_as):
    counted = call_as("director", "post", APPROVE, {"dry_run": True}).json()
    Review.objects.filter(pk=api_quarter.scored.pk).update(revision=api_quarter.scored.revision + 1)
    response = call_as(
        "director", "post", APPROVE, {"expected": 1, "fingerprint": counted["fingerprint"]}
    )
    error_of(response, 409, "set_changed")
    assert states()["E00009"] == "scored"


def test_approve_all_refuses_bad_input(api_quarter, call_as):
    for body, field in (
        ({"expected": "1"}, "expected"),
        ({"expected": 1, "filter": {"grade": "Z"}}, "filter.grade"),
        ({"expected": 1, "reason": 5}, "reason"),
        ({"expected": 1, "filter": {"warning": "yes"}}, "filter.warning"),
    ):
        assert field in field_names(error_of(call_as("director", "post", APPROVE, body), 400))
    assert states()["E00009"] == "scored"


@pytest.mark.parametrize("caller", ALL_CALLERS)
def test_only_the_director_approves_all(api_quarter, call_as, caller):
    response = call_as(caller, "post", APPROVE, {"expected": 1})
    allowed = caller == "director"
    assert response.status_code in ((200,) if allowed else (401, 403, 404))
    assert (states()["E00009"] == "approved") is allowed


def test_an_unknown_quarter_is_not_found(api_quarter, call_as):
    response = call_as("director", "post", f"{API}cycles/2031Q1/approve", {"expected": 0})
    error_of(response, 404, "quarter_not_found")


# -- figures of many reviews -----------------------------------------------------------------


def line_of(number: str) -> ReviewKpiLine:
    return ReviewKpiLine.objects.filter(review__employee__employee_no=number).order_by("order")[0]


def test_figures_by_employee_number_or_review_id(api_quarter, call_as):
    head = line_of("E00001")
    by_number = [{"employee_no": "E00001", "kpi_code": head.code, "actual": "77"}]
    response = call_as("hr", "post", FIGURES, {"rows": by_number})
    assert response.status_code == 200, response.json()
    assert response.json() == {"updated": 1, "unchanged": 0, "reviews": 1}
    by_id = [{"review": head.review_id, "kpi_code": head.code, "target": "120", "actual": "90"}]
    assert call_as("hr", "post", FIGURES, {"rows": by_id}).json()["updated"] == 1
    head.refresh_from_db()
    assert (str(head.target), str(head.actual)) == ("120.0000", "90.0000")
    again = call_as("hr", "post", FIGURES, {"rows": by_id}).json()
    assert again == {"updated": 0, "unchanged": 1, "reviews": 0}


def test_figures_are_all_or_nothing_with_each_problem_by_row_and_field(api_quarter, call_as):
    head = line_of("E00001")
    before = head.actual
    rows = [
        {"employee_no": "E00001", "kpi_code": head.code, "actual": "77"},
        {"employee_no": "E00001", "kpi_code": head.code, "actual": "-1"},
        {"employee_no": "E99999", "kpi_code": head.code, "actual": "1"},
        {"review": 999999, "kpi_code": head.code, "actual": "1"},
        {"employee_no": "E00009", "kpi_code": line_of("E00009").code, "actual": "1"},
    ]
    error = error_of(call_as("hr", "post", FIGURES, {"rows": rows}), 400)
    found = {(item["row"], item["field"]) for item in error["fields"]}
    assert (3, "review") in found
    head.refresh_from_db()
    assert head.actual == before
    # Without the unknown review id, the service's own checks name each row.
    error = error_of(call_as("hr", "post", FIGURES, {"rows": rows[:3] + rows[4:]}), 400)
    found = {(item["row"], item["field"]) for item in error["fields"]}
    assert {(1, "kpi_code"), (2, "employee_no"), (3, "actual")} <= found
    head.refresh_from_db()
    assert head.actual == before


def test_figures_refuse_bad_shapes(api_quarter, call_as):
    bodies: list[dict[str, Any]] = [
        {},
        {"rows": []},
        {"rows": [{"employee_no": "E00001"}]},
        {"rows": "x"},
    ]
    for body in bodies:
        error_of(call_as("hr", "post", FIGURES, body), 400)
    number = {"rows": [{"employee_no": "E00001", "kpi_code": "X", "actual": 5}]}
    assert field_names(error_of(call_as("hr", "post", FIGURES, number), 400)) == ["rows[0].actual"]


@pytest.mark.parametrize("caller", ALL_CALLERS)
def test_only_hr_sets_figures_in_bulk(api_quarter, call_as, caller):
    head = line_of("E00001")
    rows = [{"employee_no": "E00001", "kpi_code": head.code, "actual": "66"}]
    response = call_as(caller, "post", FIGURES, {"rows": rows})
    allowed = caller in ("hr", "token:hr")
    assert response.status_code in ((200,) if allowed else (401, 403, 404))
    head.refresh_from_db()
    assert (str(head.actual) == "66.0000") is allowed


# -- the schema ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        ("/api/v1/cycles/{period}/submit", "cycles_submit_all"),
        ("/api/v1/cycles/{period}/approve", "cycles_approve_all"),
        ("/api/v1/cycles/{period}/figures", "cycles_figures_update"),
    ],
)
def test_the_schema_documents_the_bulk_endpoints(path, operation):
    documented = api_schema()["paths"][path]["post"]
    assert documented["operationId"] == operation
    assert documented["description"]
    assert {"200", "400", "403", "404", "409"} <= set(documented["responses"])
