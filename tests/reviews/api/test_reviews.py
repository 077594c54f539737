"""Reading reviews over the API: who sees which, the list and the detail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Competency, Employee
from reviews import services
from reviews.models import CompetencyRating, Review
from tests.helpers.api import (
    API,
    OUTSIDE,
    PERIOD,
    REVIEWS,
    ApiQuarter,
    error_of,
    field_names,
    review_url,
    state_of,
)

LIST_QUERIES = 6


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
    error_of(call_as("hr", "GET", f"{API}cycles/2030Q1/reviews/"), 404, "quarter_not_found")


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


def test_the_calculation_gives_the_exact_arithmetic_of_each_step(call_as, api_quarter) -> None:
    steps = call_as("hr", "GET", review_url(api_quarter.scored)).json()["calculation"]["steps"]
    total = next(step for step in steps if step["kind"] == "total")

    assert total["exact_expression"].startswith("(80×")
    assert total["exact"] and total["rounded"]


# -- the employee filter -----------------------------------------------------------------------


def test_the_list_is_filtered_by_employee_number(call_as, api_quarter) -> None:
    response = call_as("hr", "GET", REVIEWS, {"employee": "E00009"})

    assert response.status_code == 200, response.content
    assert [row["employee_no"] for row in response.json()["results"]] == ["E00009"]


def test_the_employee_filter_keeps_to_what_the_caller_sees(call_as, api_quarter) -> None:
    response = call_as("employee", "GET", REVIEWS, {"employee": "E00009"})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_employee_filter_pages_by_cursor_and_binds_the_cursor(call_as, api_quarter) -> None:
    first = call_as("hr", "GET", REVIEWS, {"employee": "E00002", "page_size": 1}).json()
    assert [row["employee_no"] for row in first["results"]] == ["E00002"]
    assert first["next"] is None
    every = call_as("hr", "GET", REVIEWS, {"page_size": 1}).json()
    cursor = every["next"].split("cursor=")[1].split("&")[0]
    other = call_as("hr", "GET", REVIEWS, {"employee": "E00002", "cursor": cursor})
    error_of(other, 400, "invalid_cursor")


def test_an_unknown_employee_number_gives_an_empty_list(call_as, api_quarter) -> None:
    """Not a 400: that would tell whoever asks which employee numbers exist."""
    response = call_as("employee", "GET", REVIEWS, {"employee": "E99999"})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_an_overlong_employee_number_is_refused_naming_the_filter(call_as, api_quarter) -> None:
    error = error_of(call_as("hr", "GET", REVIEWS, {"employee": "E" * 40}), 400, "invalid")
    assert field_names(error) == ["employee"]


# -- the employee's own ratings (self-assessment) ----------------------------------------------


def _self_rated(review: Review, value: int = 5) -> None:
    """The employee's own ratings, as their self-assessment writes them."""
    CompetencyRating.objects.bulk_create(
        CompetencyRating(review=review, competency=competency, assessor_role="self", value=value)
        for competency in Competency.objects.all()
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 200),
        ("token:hr", 200),
        ("employee", 404),
        ("other_employee", 404),
        ("outsider", 404),
        *OUTSIDE.items(),
    ],
)
def test_the_self_ratings_are_shown_beside_the_assessors_as_advisory(
    call_as, api_quarter, persona, status
) -> None:
    _self_rated(api_quarter.scored)
    response = call_as(persona, "GET", review_url(api_quarter.scored))
    assert response.status_code == status
    if status != 200:
        return
    body = response.json()
    assessors = {a["assessor_role"]: a for a in body["ratings"]}
    assert list(assessors) == ["marketing_director", "hr", "self"]
    own = assessors["self"]
    assert (own["weight"], own["advisory"], own["score"]) == ("0.00", True, None)
    assert [r["value"] for r in own["ratings"]] == [5, 5, 5, 5]
    assert assessors["hr"]["advisory"] is False
    steps = body["calculation"]["steps"]
    assert [s["key"] for s in steps if s["kind"] == "assessor"] == ["marketing_director", "hr"]


def test_a_weighted_self_assessment_enters_the_calculation(call_as, personas, api_quarter):
    services.cycle_policy_update(
        actor=personas["hr"], cycle=api_quarter.cycle, values={"self_weight": "20"}
    )
    _self_rated(api_quarter.head)
    body = call_as("director", "GET", review_url(api_quarter.head)).json()
    own = {a["assessor_role"]: a for a in body["ratings"]}["self"]
    assert (own["weight"], own["advisory"], own["score"]) == ("20.00", False, "100.00")
    steps = {(s["kind"], s["key"]): s for s in body["calculation"]["steps"]}
    assert steps[("assessor", "self")]["expression"] == "(5 + 5 + 5 + 5)/4×20"
    competency = steps[("competency", "")]
    assert competency["expression"] == "(60×60 + 40×60 + 20×100)/120"
    assert competency["rounded"] == "66.67"
