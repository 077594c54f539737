"""The rating grid over the API: one assessor's rows of a quarter by cursor, and many rows of
ratings saved in one request with a result per row."""

from __future__ import annotations

from typing import Any

import pytest

from reviews import services
from reviews.models import CompetencyRating, Review
from tests.helpers.api import API, OUTSIDE, SHORT_COMPETENCIES, api_schema, error_of

pytestmark = pytest.mark.django_db

FOURS = dict.fromkeys(SHORT_COMPETENCIES, 4)


def url(role: str = "hr", period: str = "2026Q3") -> str:
    return f"{API}cycles/{period}/ratings/{role}"


def row(review: Review, ratings: dict[str, Any] = FOURS) -> dict[str, Any]:
    review.refresh_from_db()
    return {"review": review.pk, "revision": review.revision, "ratings": ratings}


def own(review: Review, role: str = "hr") -> dict[str, int]:
    return dict(
        CompetencyRating.objects.filter(review=review, assessor_role=role).values_list(
            "competency__code", "value"
        )
    )


READ = {
    ("hr", "hr"): 200,
    ("director", "marketing_director"): 200,
    ("director", "hr"): 403,
    ("hr", "marketing_director"): 403,
    ("head", "hr"): 403,
    ("employee", "hr"): 403,
    ("other_employee", "marketing_director"): 403,
    ("outsider", "hr"): 404,  # no role in the division: no quarter either
    ("token:hr", "hr"): 200,
    **{(caller, "hr"): status for caller, status in OUTSIDE.items()},
}


@pytest.mark.parametrize(("caller", "role"), list(READ))
def test_who_reads_and_saves_which_grid(api_quarter, call_as, caller, role):
    status = READ[(caller, role)]
    response = call_as(caller, "GET", url(role))
    assert response.status_code == status, response.content[:500]
    if status == 200:
        numbers = {item["employee"]["employee_no"] for item in response.json()["results"]}
        assert "E00002" not in numbers  # the approved review is frozen: not a row
        assert numbers == {"E00001", "E00003", "E00009"}
    body = {"rows": [row(api_quarter.other)]}
    response = call_as(caller, "POST", url(role), body)
    assert response.status_code == status, response.content[:500]
    assert own(api_quarter.other, role) == (FOURS if status == 200 else {})


def test_self_is_refused(api_quarter, call_as):
    error_of(call_as("hr", "GET", url("self")), 403, "self_assessment_only")
    error_of(call_as("hr", "POST", url("self"), {"rows": [row(api_quarter.other)]}), 403)
    error_of(call_as("hr", "GET", url("nobody")), 400)


def test_saves_rows_alone_with_codes_per_row(api_quarter, personas, call_as):
    head, other, frozen = api_quarter.head, api_quarter.other, api_quarter.own
    stale = row(other)
    services.review_rate(
        actor=personas["hr"], review=other, assessor_role="hr", ratings={"culture": 1}
    )
    body = {
        "rows": [
            row(head),
            stale,
            row(frozen),
            {"review": 999999, "revision": 1, "ratings": {}},
            row(api_quarter.scored, {"culture": 6}),
        ]
    }
    response = call_as("hr", "POST", url("hr"), body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["saved"], answer["unchanged"], answer["refused"]) == (1, 0, 4)
    outcomes = [item["outcome"] for item in answer["rows"]]
    assert outcomes == ["saved", "stale", "frozen", "not_found", "invalid"]
    assert answer["rows"][1]["theirs"]["culture"] == 1
    assert answer["rows"][1]["revision"] == Review.objects.get(pk=other.pk).revision
    (error,) = answer["rows"][4]["errors"]
    assert (error["field"], error["row"], error["code"]) == (
        "rows[4].ratings.culture",
        4,
        "rating_range",
    )
    assert own(head) == FOURS
    assert own(other) == {"culture": 1}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"rows": []},
        {"rows": "x"},
        {"rows": [{"review": "1", "revision": 1, "ratings": {}}]},
        {"rows": [{"review": 1, "revision": 0, "ratings": {}}]},
        {"rows": [{"review": 1, "revision": 1, "ratings": {"culture": "4"}}]},
        {"rows": [{"review": 1, "revision": 1, "ratings": []}]},
        {"rows": [{"review": 2**70, "revision": 1, "ratings": {}}]},
    ],
)
def test_a_malformed_body_is_a_400(api_quarter, call_as, body):
    error_of(call_as("hr", "POST", url("hr"), body), 400)


def test_too_many_rows_is_a_400(api_quarter, call_as):
    rows = [row(api_quarter.other)] * 1001
    error_of(call_as("hr", "POST", url("hr"), {"rows": rows}), 400)


def test_reads_page_by_page_with_filters(api_quarter, personas, call_as):
    first = call_as("hr", "GET", url("hr"), {"page_size": "2"}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = call_as("hr", "GET", first["next"]).json()
    ids = [item["review"] for item in first["results"] + second["results"]]
    assert ids == sorted(ids) and len(ids) == 3 and second["next"] is None
    sales = call_as("hr", "GET", url("hr"), {"department": "SALES"}).json()["results"]
    assert {item["employee"]["department"] for item in sales} == {"SALES"}
    services.review_rate(
        actor=personas["hr"], review=api_quarter.other, assessor_role="hr", ratings=FOURS
    )
    unrated = call_as("hr", "GET", url("hr"), {"unrated": "true"}).json()["results"]
    assert api_quarter.other.pk not in {item["review"] for item in unrated}
    rated = call_as("hr", "GET", url("hr")).json()["results"]
    mine = next(item for item in rated if item["review"] == api_quarter.other.pk)
    assert mine["ratings"] == FOURS and mine["self_assessment"] is None
    scored = call_as("hr", "GET", url("hr"), {"state": "scored"}).json()["results"]
    assert [item["review"] for item in scored] == [api_quarter.scored.pk]
    error_of(call_as("hr", "GET", url("hr"), {"state": "approved"}), 400)
    error_of(call_as("hr", "GET", url("hr"), {"sort": "x"}), 400)
    error_of(call_as("hr", "GET", url("hr"), {"cursor": "garbage"}), 400, "invalid_cursor")


def test_an_unopened_quarter_is_named(api_quarter, call_as):
    error_of(call_as("hr", "GET", url("hr", "2031Q1")), 404, "quarter_not_found")
    error_of(call_as("hr", "GET", url("hr", "nonsense")), 404)


def test_in_the_schema_with_descriptions():
    schema = api_schema()
    operations = schema["paths"]["/api/v1/cycles/{period}/ratings/{assessor_role}"]
    assert operations["get"]["operationId"] == "cycles_ratings_list"
    assert operations["post"]["operationId"] == "cycles_ratings_save"
    for operation in operations.values():
        assert operation["description"] and operation["summary"]
