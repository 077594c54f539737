"""Reviews over the API: who sees which, the lists and the detail, the workflow (figures,
ratings, submission, return, approval, reopening), bad input, and a whole quarter run over
the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Employee
from reviews import services
from reviews.models import (
    ApprovedResult,
    Review,
    ReviewKpiLine,
    VerbalWarning,
)
from tests.helpers.api import (
    API,
    OUTSIDE,
    PERIOD,
    REVIEWS,
    SHORT_COMPETENCIES,
    ApiQuarter,
    error_of,
    field_names,
    review_url,
    state_of,
)
from tests.helpers.examples import (
    COMPETENCY_CODES,
    WORKED_EXAMPLES,
    create_catalogue_competencies,
    create_example_kpis,
)

LIST_QUERIES = 6


def figures(review: Review, lines: dict[str, Any]) -> dict[str, Any]:
    review.refresh_from_db()
    return {"revision": review.revision, "lines": lines}


def ratings(review: Review, value: Any = 4) -> dict[str, Any]:
    review.refresh_from_db()
    return {"revision": review.revision, "ratings": dict.fromkeys(SHORT_COMPETENCIES, value)}


# -- who sees which review ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "reviews/{id}/"),
        ("PATCH", "reviews/{id}/figures"),
        ("PUT", "reviews/{id}/ratings/hr"),
        ("POST", "reviews/{id}/submit"),
        ("POST", "reviews/{id}/return"),
        ("POST", "reviews/{id}/approve"),
        ("POST", "reviews/{id}/reopen"),
        ("POST", "reviews/approve"),
        ("GET", f"cycles/{PERIOD}/reviews/"),
    ],
)
def test_reviews_are_closed_to_payroll_tokens_and_anonymous_callers(
    call_as, api_quarter, method, url
) -> None:
    before = state_of(api_quarter.scored)
    url = API + url.format(id=api_quarter.scored.pk)
    error_of(call_as("token:payroll", method, url, {}), 403, "insufficient_scope")
    error_of(call_as(None, method, url, {}), 401, "not_authenticated")
    assert state_of(api_quarter.scored) == before


@pytest.mark.parametrize(
    ("persona", "numbers"),
    [
        ("hr", ["E00001", "E00002", "E00003", "E00009"]),
        ("director", ["E00001", "E00002", "E00003", "E00009"]),
        ("head", ["E00002", "E00009"]),  # not their own draft
        ("employee", ["E00002"]),
        ("other_employee", []),
        ("token:hr", ["E00001", "E00002", "E00003", "E00009"]),
    ],
)
def test_each_persona_lists_the_reviews_they_may_see(
    call_as, api_quarter: ApiQuarter, persona, numbers
) -> None:
    response = call_as(persona, "GET", REVIEWS)
    assert response.status_code == 200, response.content
    assert sorted(row["employee_no"] for row in response.json()["results"]) == numbers


@pytest.mark.parametrize(("persona", "status"), {"outsider": 404, **OUTSIDE}.items())
def test_others_may_not_list_the_reviews(call_as, api_quarter, persona, status) -> None:
    assert call_as(persona, "GET", REVIEWS).status_code == status


@pytest.mark.parametrize(
    ("persona", "own", "head"),
    [
        ("hr", 200, 200),
        ("director", 200, 200),
        ("head", 200, 404),  # their department's, but their own only once approved
        ("employee", 200, 404),  # their own approved review only
        ("other_employee", 404, 404),
        ("outsider", 404, 404),
        (None, 401, 401),
        ("token:payroll", 403, 403),
        ("token:hr", 200, 200),
    ],
)
def test_who_may_read_a_review(call_as, api_quarter, persona, own, head) -> None:
    assert call_as(persona, "GET", review_url(api_quarter.own)).status_code == own
    assert call_as(persona, "GET", review_url(api_quarter.head)).status_code == head


def test_an_employee_does_not_see_their_review_before_it_is_approved(
    call_as, personas, api_quarter
) -> None:
    services.review_reopen(actor=personas["director"], review=api_quarter.own, reason="更正")
    error_of(call_as("employee", "GET", review_url(api_quarter.own)), 404, "not_found")
    assert call_as("employee", "GET", REVIEWS).json()["results"] == []


def test_an_unknown_review_is_not_found(call_as, api_quarter) -> None:
    error_of(call_as("hr", "GET", f"{API}reviews/999999/"), 404, "not_found")
    error_of(call_as("hr", "GET", f"{API}cycles/2030Q1/reviews/"), 404, "not_found")


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


# -- the list ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "numbers"),
    [
        ({"department": "sales"}, ["E00001", "E00002", "E00009"]),
        ({"department": "MARKET"}, ["E00003"]),
        ({"state": "draft"}, ["E00001", "E00003"]),
        ({"state": "approved"}, ["E00002"]),
        ({"grade": "D"}, ["E00002"]),
        ({"grade": "C"}, ["E00009"]),
        ({"warning": "true"}, ["E00002"]),
        ({"warning": "false", "department": "SALES"}, ["E00001", "E00009"]),
    ],
)
def test_it_filters_the_reviews(call_as, api_quarter, params, numbers) -> None:
    rows = call_as("hr", "GET", REVIEWS, params).json()["results"]
    assert sorted(row["employee_no"] for row in rows) == numbers


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"department": "NOPE"}, "department"),
        ({"state": "lost"}, "state"),
        ({"grade": "E"}, "grade"),
        ({"warning": "sometimes"}, "warning"),
        ({"page_size": "501"}, "page_size"),
        ({"cursor": "!!"}, "cursor"),
    ],
)
def test_it_rejects_bad_filters(call_as, api_quarter, params, field) -> None:
    assert field_names(error_of(call_as("hr", "GET", REVIEWS, params), 400)) == [field]


def test_a_list_row_shows_the_score_and_what_is_missing(call_as, api_quarter) -> None:
    rows = {row["employee_no"]: row for row in call_as("hr", "GET", REVIEWS).json()["results"]}
    own = rows["E00002"]
    assert (own["state"], own["grade"], own["verbal_warning"], own["period"]) == (
        "approved",
        "D",
        True,
        PERIOD,
    )
    assert own["total_score"] == "40.00"
    assert (rows["E00001"]["grade"], rows["E00001"]["total_score"]) == (None, None)
    assert rows["E00003"]["missing_count"] > 0


def test_it_pages_through_the_reviews_and_binds_the_cursor_to_the_filters(
    api_client_for, api_quarter
) -> None:
    client = api_client_for("hr")
    first = client.get(REVIEWS, {"page_size": 3, "department": "SALES"}).json()
    assert len(first["results"]) == 3 and first["next"] is None
    first = client.get(REVIEWS, {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == sorted(ids) and len(ids) == 4 and second["next"] is None
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    response = client.get(REVIEWS, {"cursor": cursor, "state": "draft"})
    assert error_of(response, 400)["fields"][0]["code"] == "invalid_cursor"


@pytest.mark.parametrize("persona", ["hr", "head"])
def test_the_list_costs_the_same_number_of_queries_however_long(
    api_client_for, personas, api_quarter, departments, django_assert_max_num_queries, persona
) -> None:
    client = api_client_for(persona)
    with CaptureQueriesContext(connection) as few:
        assert client.get(REVIEWS).status_code == 200
    Employee.objects.bulk_create(
        Employee(employee_no=f"E1{n:04d}", name=f"员工{n}", department=departments["SALES"])
        for n in range(40)
    )
    services.reviews_generate_chunk(cycle_id=api_quarter.cycle.pk)
    client = api_client_for(persona)
    # A session, its user, the user's roles (2), the quarter, the page.
    with django_assert_max_num_queries(LIST_QUERIES) as many:
        response = client.get(REVIEWS)
    assert len(response.json()["results"]) >= 40
    assert len(many) == len(few)


# -- the detail --------------------------------------------------------------------------------


def test_a_complete_review_shows_its_calculation_line_by_line(call_as, api_quarter) -> None:
    body = call_as("hr", "GET", review_url(api_quarter.head)).json()
    assert (body["state"], body["version"], body["period"]) == ("draft", 1, PERIOD)
    assert body["employee"] == {"employee_no": "E00001", "name": "王经理", "position": "销售部经理"}
    assert body["department"] == {
        "code": "SALES",
        "name": {"zh": "销售部", "en": "Sales Department"},
    }
    [line] = body["lines"]
    assert line["code"] == "SALES_PLAN_RATE"
    assert line["name"] == {"zh": "销售计划完成率", "en": "Sales plan completion rate"}
    assert (line["target"], line["actual"], line["weight"]) == ("100.0000", "60.0000", 100)
    assert (line["achievement"], line["score"], line["capped"]) == ("60.00", "60.00", False)
    calculation = body["calculation"]
    assert (calculation["kpi_score"], calculation["total_score"], calculation["grade"]) == (
        "60.00",
        "60.00",
        "C",
    )
    assert [step["kind"] for step in calculation["steps"]] == [
        "line",
        "kpi",
        "assessor",
        "assessor",
        "competency",
        "total",
        "grade",
        "warning",
    ]
    assert calculation["steps"][0]["expression"] == "100×60/100"
    # Not scored yet: the recorded totals are empty.
    assert body["totals"]["total_score"] is None and body["totals"]["grade"] is None
    assessors = {a["assessor_role"]: a for a in body["ratings"]}
    assert assessors["marketing_director"]["weight"] == "60.00"
    assert assessors["hr"]["score"] == "60.00"
    assert assessors["hr"]["ratings"][0]["competency"] == "culture"
    assert assessors["hr"]["ratings"][0]["rated_by"] == "hr"
    assert body["missing"] == []
    assert [event["action"] for event in body["history"]][:2] == ["created", "figure"]
    assert body["history"][1]["actor"] == "hr"


def test_an_incomplete_review_lists_what_is_missing_in_the_callers_language(
    api_client_for, api_quarter
) -> None:
    client = api_client_for("hr")
    english = client.get(review_url(api_quarter.other), HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get(review_url(api_quarter.other), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english["calculation"] is None
    codes = [reason["code"] for reason in english["missing"]]
    assert codes[0] == "no_kpi_lines" and codes.count("rating_missing") == 8
    assert english["missing"][0]["message"] == "The review has no KPI lines."
    assert chinese["missing"][0]["message"] != english["missing"][0]["message"]
    rated = {a["assessor_role"]: a for a in english["ratings"]}
    assert rated["hr"]["score"] is None
    assert [r["value"] for r in rated["hr"]["ratings"]] == [None] * 4


def test_an_approved_review_shows_its_recorded_score(call_as, api_quarter) -> None:
    body = call_as("employee", "GET", review_url(api_quarter.own)).json()
    assert body["totals"] == {
        "kpi_score": "40.00",
        "competency_score": "40.00",
        "total_score": "40.00",
        "grade": "D",
        "pay_coefficient": "0.70",
        "verbal_warning": True,
        "scored_revision": api_quarter.own.revision,
    }
    assert body["calculation"]["total_score"] == "40.00"
    assert body["approved_at"].endswith("+08:00")


# -- figures: bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "field", "code"),
    [
        ({"SALES_PLAN_RATE": {"actual": 75}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "-1"}}, "lines.SALES_PLAN_RATE.actual", "negative"),
        ({"SALES_PLAN_RATE": {"actual": "abc"}}, "lines.SALES_PLAN_RATE.actual", "invalid"),
        ({"SALES_PLAN_RATE": {"actual": "1.23456"}}, "lines.SALES_PLAN_RATE.actual", "too_precise"),
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
    assert [(i["field"], i["code"]) for i in error["fields"]] == [("review", "incomplete")]
    assert state_of(api_quarter.other) == before


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


# -- a whole quarter ---------------------------------------------------------------------------


def test_a_whole_quarter_runs_over_the_api(api_client_for, personas, departments) -> None:
    """scoring.md's worked examples: HR opens the quarter and generates the reviews, enters the
    figures and rates, the director rates, HR submits, the worker scores, the director approves
    them in bulk, HR acknowledges the verbal warning, the employee reads their review; then a
    correction: reopened, changed, scored and approved again as version 2."""
    all_departments = create_example_kpis(departments)
    create_catalogue_competencies()
    Employee.objects.create(
        employee_no="E00004", name="赵敏", department=all_departments["KEYACCT"]
    )
    Employee.objects.create(
        employee_no="E00005", name="陈静", department=all_departments["QUALITY"]
    )
    hr, director = api_client_for("hr"), api_client_for("director")

    assert hr.post(f"{API}cycles/", {"period": PERIOD}, format="json").status_code == 201
    job = hr.post(f"{API}cycles/{PERIOD}/generate").json()
    services.job_run(job_id=job["id"])  # what the worker does with the task
    assert hr.get(job["url"]).json()["status"] == "done"
    rows = hr.get(REVIEWS, {"page_size": 500}).json()["results"]
    by_number = {row["employee_no"]: row["id"] for row in rows}
    assert len(by_number) == 5

    for example in WORKED_EXAMPLES:
        url = f"{API}reviews/{by_number[example.employee_no]}/"
        revision = hr.get(url).json()["revision"]
        lines = {
            code: {**values, "weight": int(values["weight"])}
            for code, values in example.lines.items()
        }
        response = hr.patch(f"{url}figures", {"revision": revision, "lines": lines}, format="json")
        assert response.status_code == 200, response.content
        for client, role, values in (
            (director, "marketing_director", example.director),
            (hr, "hr", example.hr),
        ):
            body = {
                "revision": response.json()["revision"],
                "ratings": dict(zip(COMPETENCY_CODES, values, strict=True)),
            }
            response = client.put(f"{url}ratings/{role}", body, format="json")
            assert response.status_code == 200, response.content
        assert response.json()["missing"] == []
        assert response.json()["calculation"]["total_score"] == str(example.total_score)
        submitted = hr.post(f"{url}submit")
        assert submitted.json()["state"] == "submitted", submitted.content
        assert services.review_score(
            review_id=submitted.json()["id"], revision=submitted.json()["revision"]
        )

    scored_rows = hr.get(REVIEWS, {"state": "scored"}).json()["results"]
    assert len(scored_rows) == 4
    ids = [row["id"] for row in scored_rows]
    response = director.post(f"{API}reviews/approve", {"ids": ids}, format="json")
    assert response.status_code == 200, response.content

    for example in WORKED_EXAMPLES:
        body = hr.get(f"{API}reviews/{by_number[example.employee_no]}/").json()
        totals = body["totals"]
        assert body["state"] == "approved"
        assert (
            Decimal(totals["kpi_score"]),
            Decimal(totals["competency_score"]),
            Decimal(totals["total_score"]),
            totals["grade"],
            Decimal(totals["pay_coefficient"]),
            totals["verbal_warning"],
        ) == (
            example.kpi_score,
            example.competency_score,
            example.total_score,
            example.grade,
            example.pay_coefficient,
            example.verbal_warning,
        )
    first = hr.get(f"{API}reviews/{by_number['E00002']}/").json()
    scores = {line["code"]: line["score"] for line in first["lines"]}
    assert scores == {
        "SALES_PLAN_RATE": "92.00",
        "SALES_REVENUE": "110.00",
        "SALES_EXPENSE_RATIO": "80.00",
        "SALES_COLLECTION_RATE": "94.74",
    }

    # The verbal warning of example 3 waits for HR.
    warnings = hr.get(f"{API}warnings/", {"acknowledged": "false"}).json()["results"]
    assert [w["employee_no"] for w in warnings] == ["E00003"]
    response = hr.post(
        f"{API}warnings/{warnings[0]['id']}/acknowledge", {"note": "已面谈"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert hr.get(f"{API}warnings/", {"acknowledged": "false"}).json()["results"] == []

    # The employee reads their own approved review.
    own = api_client_for("employee").get(f"{API}reviews/{by_number['E00002']}/")
    assert own.status_code == 200 and own.json()["totals"]["grade"] == "A"

    # A correction: reopened, changed, scored and approved again.
    url = f"{API}reviews/{by_number['E00005']}/"
    reopened = director.post(f"{url}reopen", {"reason": "实际值录入错误"}, format="json").json()
    assert (reopened["state"], reopened["version"]) == ("reopened", 2)
    body = {"revision": reopened["revision"], "lines": {"QUALITY_PLAN_RATE": {"actual": "90"}}}
    assert hr.patch(f"{url}figures", body, format="json").status_code == 200
    submitted = hr.post(f"{url}submit").json()
    assert services.review_score(review_id=submitted["id"], revision=submitted["revision"])
    approved = director.post(f"{url}approve").json()
    assert (approved["state"], approved["version"], approved["totals"]["total_score"]) == (
        "approved",
        2,
        "84.00",
    )
    assert [r.version for r in ApprovedResult.objects.filter(review_id=submitted["id"])] == [2, 1]
    assert VerbalWarning.objects.count() == 1
    assert ReviewKpiLine.objects.filter(review_id=submitted["id"]).get().actual == Decimal(90)
