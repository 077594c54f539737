"""Acting on reviews over the API: who may change which review, figures, ratings and
transitions (submission, return, approval one or many, reopening), and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from reviews import services
from reviews.models import ApprovedResult, Review, ReviewKpiLine
from tests.helpers.api import (
    API,
    OUTSIDE,
    SHORT_COMPETENCIES,
    api_schema,
    error_of,
    field_names,
    review_url,
    state_of,
)


def figures(review: Review, lines: dict[str, Any]) -> dict[str, Any]:
    review.refresh_from_db()
    return {"revision": review.revision, "lines": lines}


def ratings(review: Review, value: Any = 4) -> dict[str, Any]:
    review.refresh_from_db()
    return {"revision": review.revision, "ratings": dict.fromkeys(SHORT_COMPETENCIES, value)}


# -- who may change a review -------------------------------------------------------------------

# Per persona: the status of a write on a review the persona sees but may not change is 403,
# on one they do not see 404 (the head does not see their own review before it is approved;
# DIRECTOR_ONLY_ON_SCORED covers a review of their department they see but may not change).
HR_ONLY_ON_HEAD = {
    "hr": 200,
    "director": 403,
    "head": 404,
    "employee": 404,
    "other_employee": 404,
    "outsider": 404,
    "token:hr": 200,
    **OUTSIDE,
}
DIRECTOR_ONLY_ON_SCORED = {
    "director": 200,
    "hr": 403,
    "head": 403,
    "employee": 404,
    "other_employee": 404,
    "outsider": 404,
    "token:hr": 403,
    **OUTSIDE,
}


@pytest.mark.parametrize(("persona", "status"), HR_ONLY_ON_HEAD.items())
def test_who_may_enter_figures(call_as, api_quarter, persona, status) -> None:
    before = state_of(api_quarter.head)
    body = figures(api_quarter.head, {"SALES_PLAN_RATE": {"actual": "75"}})
    response = call_as(persona, "PATCH", review_url(api_quarter.head, "figures"), body)
    assert response.status_code == status
    if status == 200:
        assert response.json()["lines"][0]["actual"] == "75.0000"
    else:
        assert state_of(api_quarter.head) == before


@pytest.mark.parametrize(
    ("persona", "role", "status"),
    [
        *((persona, "hr", status) for persona, status in HR_ONLY_ON_HEAD.items()),
        ("director", "marketing_director", 200),
        ("hr", "marketing_director", 403),
        ("head", "marketing_director", 404),
        ("token:hr", "marketing_director", 403),
        ("outsider", "marketing_director", 404),
    ],
)
def test_who_may_rate_as_which_assessor(call_as, api_quarter, persona, role, status) -> None:
    before = state_of(api_quarter.head)
    url = review_url(api_quarter.head, f"ratings/{role}")
    response = call_as(persona, "PUT", url, ratings(api_quarter.head, 5))
    assert response.status_code == status
    if status == 200:
        rated = next(a for a in response.json()["ratings"] if a["assessor_role"] == role)
        assert [r["value"] for r in rated["ratings"]] == [5, 5, 5, 5]
    else:
        assert state_of(api_quarter.head) == before


@pytest.mark.parametrize(("persona", "status"), HR_ONLY_ON_HEAD.items())
def test_who_may_submit(call_as, api_quarter, persona, status) -> None:
    before = state_of(api_quarter.head)
    response = call_as(persona, "POST", review_url(api_quarter.head, "submit"))
    assert response.status_code == status
    if status == 200:
        assert response.json()["state"] == "submitted"
    else:
        assert state_of(api_quarter.head) == before


@pytest.mark.parametrize(("persona", "status"), DIRECTOR_ONLY_ON_SCORED.items())
def test_who_may_return_a_review(call_as, api_quarter, persona, status) -> None:
    before = state_of(api_quarter.scored)
    url = review_url(api_quarter.scored, "return")
    response = call_as(persona, "POST", url, {"comment": "请核对实际值"})
    assert response.status_code == status
    if status == 200:
        assert response.json()["state"] == "returned"
        assert response.json()["history"][-1]["reason"] == "请核对实际值"
    else:
        assert state_of(api_quarter.scored) == before


@pytest.mark.parametrize(("persona", "status"), DIRECTOR_ONLY_ON_SCORED.items())
def test_who_may_approve_a_review(call_as, api_quarter, persona, status) -> None:
    before = state_of(api_quarter.scored)
    response = call_as(persona, "POST", review_url(api_quarter.scored, "approve"))
    assert response.status_code == status
    if status == 200:
        assert response.json()["state"] == "approved"
    else:
        assert state_of(api_quarter.scored) == before
        assert not ApprovedResult.objects.filter(review=api_quarter.scored).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    {**dict.fromkeys(DIRECTOR_ONLY_ON_SCORED, 403), "director": 200, None: 401}.items(),
)
def test_who_may_approve_in_bulk(call_as, api_quarter, persona, status) -> None:
    response = call_as(persona, "POST", f"{API}reviews/approve", {"ids": [api_quarter.scored.pk]})
    assert response.status_code == status
    api_quarter.refresh()
    assert (api_quarter.scored.state == Review.State.APPROVED) == (status == 200)


@pytest.mark.parametrize(
    ("persona", "status"),
    {**DIRECTOR_ONLY_ON_SCORED, "employee": 403}.items(),  # it is the employee's own review
)
def test_who_may_reopen_an_approved_review(call_as, api_quarter, persona, status) -> None:
    before = state_of(api_quarter.own)
    response = call_as(
        persona, "POST", review_url(api_quarter.own, "reopen"), {"reason": "数据更正"}
    )
    assert response.status_code == status
    if status == 200:
        assert (response.json()["state"], response.json()["version"]) == ("reopened", 2)
    else:
        assert state_of(api_quarter.own) == before


# -- figures: bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "field", "code"),
    [
        ({"SALES_PLAN_RATE": {"actual": 75}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "-1"}}, "lines.SALES_PLAN_RATE.actual", "negative"),
        ({"SALES_PLAN_RATE": {"actual": "abc"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "1.23456"}}, "lines.SALES_PLAN_RATE.actual", "too_precise"),
        ({"SALES_PLAN_RATE": {"actual": 1e5}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "1e5"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "92,5"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "1_000"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "９２"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "٩٢"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "+92"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "NaN"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "Infinity"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "9 2"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "-0"}}, "lines.SALES_PLAN_RATE.actual", "negative"),
        ({"SALES_PLAN_RATE": {"weight": 1e2}}, "lines.SALES_PLAN_RATE.weight", "invalid"),
        ({"SALES_PLAN_RATE": {"weight": True}}, "lines.SALES_PLAN_RATE.weight", "invalid"),
        ({"SALES_PLAN_RATE": {"target": "0"}}, "lines.SALES_PLAN_RATE.target", "zero_target"),
        ({"SALES_PLAN_RATE": {"weight": 90}}, "lines", "weights_sum"),
        ({"SALES_PLAN_RATE": {"weight": "100"}}, "lines.SALES_PLAN_RATE.weight", "invalid"),
        ({"SALES_PLAN_RATE": {"weight": 101}}, "lines.SALES_PLAN_RATE.weight", "invalid"),
        ({"SALES_PLAN_RATE": {"bonus": "1"}}, "lines.SALES_PLAN_RATE.bonus", "invalid"),
        ({"SALES_PLAN_RATE": "75"}, "lines.SALES_PLAN_RATE", "invalid"),
        ({"NO_SUCH_KPI": {"actual": "75"}}, "lines.NO_SUCH_KPI", "unknown_kpi"),
    ],
)
def test_it_refuses_bad_figures_naming_the_field_and_saves_nothing(
    call_as, api_quarter, lines, field, code
) -> None:
    before = state_of(api_quarter.head)
    response = call_as(
        "hr", "PATCH", review_url(api_quarter.head, "figures"), figures(api_quarter.head, lines)
    )
    error = error_of(response, 400, "invalid")
    assert [(item["field"], item["code"]) for item in error["fields"]] == [(field, code)]
    assert state_of(api_quarter.head) == before


def test_a_figure_outside_the_lines_limits_is_refused_naming_the_limit(
    api_client_for, api_quarter
) -> None:
    ReviewKpiLine.objects.filter(review=api_quarter.head, code="SALES_PLAN_RATE").update(
        maximum=100
    )
    before = state_of(api_quarter.head)
    body = figures(api_quarter.head, {"SALES_PLAN_RATE": {"actual": "103.5"}})
    response = api_client_for("hr").patch(
        review_url(api_quarter.head, "figures"), body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    error = error_of(response, 400, "invalid")
    assert error["fields"] == [
        {
            "field": "lines.SALES_PLAN_RATE.actual",
            "row": None,
            "code": "above_maximum",
            "message": "actual 103.5 is above this KPI's maximum of 100 (a share of a whole).",
        }
    ]
    assert state_of(api_quarter.head) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": {}}, "revision"),
        ({"revision": "one", "lines": {}}, "revision"),
        ({"revision": "1", "lines": {}}, "revision"),
        ({"revision": 1, "lines": []}, "lines"),
        ({"revision": 1}, "lines"),
    ],
)
def test_it_refuses_a_malformed_figures_request(call_as, api_quarter, body, field) -> None:
    before = state_of(api_quarter.head)
    error = error_of(call_as("hr", "PATCH", review_url(api_quarter.head, "figures"), body), 400)
    assert field_names(error) == [field]
    assert state_of(api_quarter.head) == before


def test_it_refuses_figures_based_on_a_stale_revision(call_as, api_quarter) -> None:
    body = figures(api_quarter.head, {"SALES_PLAN_RATE": {"actual": "70"}})
    assert call_as("hr", "PATCH", review_url(api_quarter.head, "figures"), body).status_code == 200
    before = state_of(api_quarter.head)
    body["lines"]["SALES_PLAN_RATE"]["actual"] = "80"
    error_of(call_as("hr", "PATCH", review_url(api_quarter.head, "figures"), body), 409, "stale")
    assert state_of(api_quarter.head) == before


def test_an_approved_review_is_frozen(call_as, api_quarter) -> None:
    before = state_of(api_quarter.own)
    body = figures(api_quarter.own, {"SALES_PLAN_RATE": {"actual": "99"}})
    error_of(call_as("hr", "PATCH", review_url(api_quarter.own, "figures"), body), 409, "frozen")
    url = review_url(api_quarter.own, "ratings/hr")
    error_of(call_as("hr", "PUT", url, ratings(api_quarter.own)), 409, "frozen")
    assert state_of(api_quarter.own) == before


def test_changing_a_scored_review_sends_it_back_to_scoring(call_as, api_quarter) -> None:
    body = figures(api_quarter.scored, {"SALES_PLAN_RATE": {"actual": "90"}})
    refused = call_as("hr", "PATCH", review_url(api_quarter.scored, "figures"), body)
    assert refused.status_code == 400  # a scored review: say why
    assert refused.json()["error"]["fields"][0]["code"] == "reason_required"
    body = {**body, "reason_code": "correction", "note": "对账后更正"}
    response = call_as("hr", "PATCH", review_url(api_quarter.scored, "figures"), body)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"
    assert response.json()["revision"] == body["revision"] + 1


# -- ratings: bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"culture": 6}, "ratings.culture"),
        ({"culture": 0}, "ratings.culture"),
        ({"culture": "3"}, "ratings.culture"),
        ({"culture": 3.5}, "ratings.culture"),
        ({"culture": True}, "ratings.culture"),
        ({"culture": None}, "ratings.culture"),
        ({"charm": 3}, "ratings.charm"),
    ],
)
def test_it_refuses_bad_ratings_and_saves_nothing(call_as, api_quarter, values, field) -> None:
    before = state_of(api_quarter.head)
    body = {"revision": api_quarter.head.revision, "ratings": values}
    error = error_of(call_as("hr", "PUT", review_url(api_quarter.head, "ratings/hr"), body), 400)
    assert field_names(error) == [field]
    assert state_of(api_quarter.head) == before


def test_it_refuses_a_comment_without_its_rating(call_as, api_quarter) -> None:
    before = state_of(api_quarter.head)
    body = {"revision": api_quarter.head.revision, "ratings": {}, "comments": {"culture": "积极"}}
    error = error_of(call_as("hr", "PUT", review_url(api_quarter.head, "ratings/hr"), body), 400)
    assert [(item["field"], item["code"]) for item in error["fields"]] == [
        ("ratings.culture", "comment_without_rating")
    ]
    assert state_of(api_quarter.head) == before


def test_it_refuses_an_unknown_assessor(call_as, api_quarter) -> None:
    url = review_url(api_quarter.head, "ratings/ceo")
    error = error_of(call_as("hr", "PUT", url, ratings(api_quarter.head)), 400, "invalid")
    assert field_names(error) == ["assessor_role"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 403),
        ("director", 403),
        ("token:hr", 403),
        ("head", 404),
        ("employee", 404),
        ("other_employee", 404),
        ("outsider", 404),
        *OUTSIDE.items(),
    ],
)
def test_nobody_rates_as_the_employee_themself(call_as, api_quarter, persona, status) -> None:
    """The employee's own ratings come only with their self-assessment."""
    before = state_of(api_quarter.head)
    url = review_url(api_quarter.head, "ratings/self")
    response = call_as(persona, "PUT", url, ratings(api_quarter.head, 5))
    assert response.status_code == status
    if status == 403 and persona in ("hr", "director", "token:hr"):
        error = error_of(response, 403, "self_assessment_only")
        assert "自评" in error["message"]  # names the self-assessment
    assert state_of(api_quarter.head) == before
    assert not api_quarter.head.ratings.filter(assessor_role="self").exists()


def test_the_employee_may_not_rate_their_own_review_as_themself(call_as, api_quarter) -> None:
    url = review_url(api_quarter.own, "ratings/self")
    error_of(
        call_as("employee", "PUT", url, ratings(api_quarter.own, 5)), 403, "self_assessment_only"
    )
    assert not api_quarter.own.ratings.filter(assessor_role="self").exists()


def test_the_schema_offers_only_the_staff_assessors_to_rate_as() -> None:
    operation = api_schema()["paths"]["/api/v1/reviews/{review_id}/ratings/{assessor_role}"]["put"]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "assessor_role"]
    assert parameter["schema"]["enum"] == ["hr", "marketing_director"]


def test_it_refuses_ratings_based_on_a_stale_revision(call_as, api_quarter) -> None:
    body = ratings(api_quarter.head)
    body["revision"] -= 1
    before = state_of(api_quarter.head)
    error_of(call_as("hr", "PUT", review_url(api_quarter.head, "ratings/hr"), body), 409, "stale")
    assert state_of(api_quarter.head) == before


def test_ratings_keep_their_comments(call_as, api_quarter) -> None:
    body = {**ratings(api_quarter.head, 4), "comments": {"culture": "认同企业文化"}}
    response = call_as("hr", "PUT", review_url(api_quarter.head, "ratings/hr"), body)
    assert response.status_code == 200, response.content
    hr = next(a for a in response.json()["ratings"] if a["assessor_role"] == "hr")
    assert hr["ratings"][0]["comment"] == "认同企业文化"


# -- transitions: bad input --------------------------------------------------------------------


def test_an_incomplete_review_cannot_be_submitted(call_as, api_quarter) -> None:
    before = state_of(api_quarter.other)
    error = error_of(call_as("hr", "POST", review_url(api_quarter.other, "submit")), 400, "invalid")
    assert error["fields"][0]["field"] == "review"
    assert error["fields"][0]["code"] == "incomplete"
    assert state_of(api_quarter.other) == before


def test_a_submit_refused_as_incomplete_names_each_missing_item(call_as, api_quarter) -> None:
    review = api_quarter.other
    review.refresh_from_db()
    response = call_as("hr", "POST", review_url(review, "submit"))

    items = error_of(response, 400, "invalid")["fields"][1:]
    assert [item["code"] for item in items] == [r["code"] for r in review.incomplete_reasons]
    assert ("lines", "no_kpi_lines") in [(i["field"], i["code"]) for i in items]
    assert ("ratings.marketing_director.culture", "rating_missing") in [
        (i["field"], i["code"]) for i in items
    ]
    assert all(item["message"] for item in items)
    detail = call_as("hr", "GET", review_url(review)).json()
    assert [(m["field"], m["code"]) for m in detail["missing"]] == [
        (i["field"], i["code"]) for i in items
    ]


def test_a_review_moves_only_along_its_transitions(call_as, api_quarter) -> None:
    error_of(call_as("hr", "POST", review_url(api_quarter.scored, "submit")), 409, "bad_transition")
    error_of(
        call_as("director", "POST", review_url(api_quarter.head, "approve")), 409, "bad_transition"
    )
    url = review_url(api_quarter.head, "return")
    error_of(call_as("director", "POST", url, {"comment": "x"}), 409, "bad_transition")
    url = review_url(api_quarter.scored, "reopen")
    error_of(call_as("director", "POST", url, {"reason": "x"}), 409, "bad_transition")


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("return", {"comment": "   "}, "comment"),
        ("return", {}, "comment"),
        ("return", {"comment": "x" * 2001}, "comment"),
        ("return", {"comment": 5}, "comment"),
        ("reopen", {"reason": ""}, "reason"),
        ("reopen", {"reason": None}, "reason"),
    ],
)
def test_a_return_or_reopening_needs_its_reason(call_as, api_quarter, action, body, field) -> None:
    review = api_quarter.own if action == "reopen" else api_quarter.scored
    before = state_of(review)
    error = error_of(call_as("director", "POST", review_url(review, action), body), 400)
    assert field_names(error) == [field]
    assert state_of(review) == before


def test_a_bulk_approval_is_all_or_nothing_naming_the_refused_review(
    call_as, personas, api_quarter
) -> None:
    head = services.review_submit(actor=personas["hr"], review=api_quarter.head)
    ids = [api_quarter.scored.pk, head.pk]  # the second is submitted, not yet scored
    error = error_of(call_as("director", "POST", f"{API}reviews/approve", {"ids": ids}), 409)
    assert (error["code"], error["fields"][0]["field"], error["fields"][0]["row"]) == (
        "bad_transition",
        "ids",
        1,
    )
    api_quarter.refresh()
    assert api_quarter.scored.state == Review.State.SCORED
    assert not ApprovedResult.objects.filter(review=api_quarter.scored).exists()


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        ({"ids": [999999]}, [0]),
        ({"ids": ["SCORED", "SCORED", 999999]}, [2]),
        ({"ids": []}, [None]),
        ({"ids": "all"}, [None]),
        ({"ids": ["1"]}, [None]),
    ],
)
def test_a_bulk_approval_of_unknown_reviews_is_refused(call_as, api_quarter, body, rows) -> None:
    if isinstance(body["ids"], list):
        body = {"ids": [api_quarter.scored.pk if i == "SCORED" else i for i in body["ids"]]}
    error = error_of(call_as("director", "POST", f"{API}reviews/approve", body), 400, "invalid")
    assert [item["row"] for item in error["fields"]] == rows
    assert field_names(error)[0].startswith("ids")
    api_quarter.refresh()
    assert api_quarter.scored.state == Review.State.SCORED


def test_the_director_approves_many_at_once(call_as, personas, api_quarter) -> None:
    head = services.review_submit(actor=personas["hr"], review=api_quarter.head)
    assert services.review_score(review_id=head.pk, revision=head.revision)
    ids = [api_quarter.scored.pk, head.pk, api_quarter.scored.pk]
    response = call_as("director", "POST", f"{API}reviews/approve", {"ids": ids})
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()] == [api_quarter.scored.pk, head.pk]
    assert {row["state"] for row in response.json()} == {"approved"}
