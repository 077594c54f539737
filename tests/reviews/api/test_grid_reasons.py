"""Why the ratings of the grid's rows change, over the API: `reason_code` and `note` (or
`reason`) at the top of the body, required for a changed row of a scored review."""

from __future__ import annotations

from typing import Any

import pytest

from reviews.models import AuditEvent, CompetencyRating, Review
from tests.helpers.api import API, api_schema, error_of

pytestmark = pytest.mark.django_db


def url(role: str = "hr", period: str = "2026Q3") -> str:
    return f"{API}cycles/{period}/ratings/{role}"


def row(review: Review, ratings: dict[str, Any]) -> dict[str, Any]:
    review.refresh_from_db()
    return {"review": review.pk, "revision": review.revision, "ratings": ratings}


def own(review: Review, role: str = "hr") -> dict[str, int]:
    return dict(
        CompetencyRating.objects.filter(review=review, assessor_role=role).values_list(
            "competency__code", "value"
        )
    )


def test_a_scored_row_without_a_reason_is_refused_alone(api_quarter, call_as):
    rows = [row(api_quarter.head, {"culture": 5}), row(api_quarter.scored, {"culture": 5})]
    body = {"rows": rows}
    response = call_as("hr", "POST", url("hr"), body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert [item["outcome"] for item in answer["rows"]] == ["saved", "invalid"]
    (error,) = answer["rows"][1]["errors"]
    assert (error["field"], error["row"], error["code"]) == (
        "rows[1].reason_code",
        1,
        "reason_required",
    )
    assert own(api_quarter.head)["culture"] == 5
    assert own(api_quarter.scored)["culture"] != 5
    assert Review.objects.get(pk=api_quarter.scored.pk).state == Review.State.SCORED


@pytest.mark.parametrize("note_name", ["note", "reason"])
def test_a_reason_code_saves_the_scored_row_and_is_kept(api_quarter, call_as, note_name):
    body = {
        "rows": [row(api_quarter.scored, {"culture": 5})],
        "reason_code": "calibration",
        note_name: "校准会议",
    }
    response = call_as("hr", "POST", url("hr"), body)
    assert response.status_code == 200, response.content
    assert response.json()["rows"][0]["outcome"] == "saved"
    review = Review.objects.get(pk=api_quarter.scored.pk)
    assert review.state == Review.State.SUBMITTED  # back to the worker, as `review_rate` does
    event = AuditEvent.objects.filter(review=review, action="rating").latest("pk")
    assert (event.params or {})["reason_code"] == "calibration"
    assert event.reason == "校准会议"


def test_an_unknown_reason_code_is_a_400_and_nothing_is_saved(api_quarter, call_as):
    before = own(api_quarter.head)
    body = {"rows": [row(api_quarter.head, {"culture": 5})], "reason_code": "whim"}
    error_of(call_as("hr", "POST", url("hr"), body), 400)
    assert own(api_quarter.head) == before


def test_the_reason_is_in_the_schema():
    schema = api_schema()
    operation = schema["paths"]["/api/v1/cycles/{period}/ratings/{assessor_role}"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
    for name in ("reason_code", "note", "reason"):
        assert properties[name]["description"], name
    assert "reason_required" in properties["reason_code"]["description"]
