"""The calendar's and the deadlines' endpoints: who may call each, reading and writing, strict
input, and errors in the product's shape."""

from __future__ import annotations

from datetime import date

import pytest

from calendars.models import CalendarDay, QuarterDeadlines
from reviews.models import AuditEvent, ReviewCycle
from tests.helpers.api import API, error_of, field_names

pytestmark = pytest.mark.django_db

PERIOD = "2026Q3"
DEADLINES = f"{API}cycles/{PERIOD}/deadlines"
DAYS = f"{API}calendar/days"
BODY = {
    "self_assessment_due": "2026-10-09",
    "rating_due": "2026-10-16",
    "approval_due": "2026-10-23",
    "appeal_working_days": 5,
    "answer_working_days": 7,
}
NOT_HR = {
    "director": 403,
    "head": 403,
    "employee": 403,
    "other_employee": 403,
    "outsider": 403,
    None: 401,
    "token:payroll": 403,
}


# -- who may call what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    {**NOT_HR, "hr": 200, "token:hr": 200, "director": 200, "head": 200}.items(),
)
def test_who_may_read_the_deadlines(call_as, fresh_quarter, persona, status) -> None:
    response = call_as(persona, "GET", DEADLINES)
    assert response.status_code == status
    if status != 200:
        error_of(response, status)


@pytest.mark.parametrize(("persona", "status"), {**NOT_HR, "hr": 200, "token:hr": 200}.items())
def test_who_may_set_the_deadlines(call_as, fresh_quarter, persona, status) -> None:
    response = call_as(persona, "PUT", DEADLINES, BODY)
    assert response.status_code == status
    assert QuarterDeadlines.objects.exists() == (status == 200)


@pytest.mark.parametrize(("persona", "status"), {**NOT_HR, "hr": 200, "token:hr": 200}.items())
def test_who_may_read_the_calendar(call_as, persona, status) -> None:
    assert call_as(persona, "GET", DAYS).status_code == status


@pytest.mark.parametrize(("persona", "status"), {**NOT_HR, "hr": 200, "token:hr": 200}.items())
def test_who_may_add_days(call_as, personas, persona, status) -> None:
    body = {"days": [{"day": "2026-10-01", "kind": "holiday", "name": "国庆节"}]}
    assert call_as(persona, "POST", DAYS, body).status_code == status
    assert CalendarDay.objects.exists() == (status == 200)


@pytest.mark.parametrize(("persona", "status"), {**NOT_HR, "hr": 204, "token:hr": 204}.items())
def test_who_may_remove_a_day(call_as, personas, persona, status) -> None:
    CalendarDay.objects.create(day=date(2026, 10, 1), kind="holiday")
    assert call_as(persona, "DELETE", f"{DAYS}/2026-10-01").status_code == status
    assert CalendarDay.objects.exists() == (status != 204)


# -- the deadlines -------------------------------------------------------------------------------


def test_a_quarter_without_deadlines_reads_the_defaults(call_as, fresh_quarter) -> None:
    assert call_as("director", "GET", DEADLINES).json() == {
        "period": PERIOD,
        "self_assessment_due": None,
        "rating_due": None,
        "approval_due": None,
        "appeal_working_days": 5,
        "answer_working_days": 5,
    }


def test_hr_sets_them_and_everyone_allowed_reads_them(call_as, fresh_quarter) -> None:
    response = call_as("hr", "PUT", DEADLINES, BODY)
    assert response.json()["rating_due"] == "2026-10-16"
    assert call_as("head", "GET", DEADLINES).json()["answer_working_days"] == 7
    event = AuditEvent.objects.get(action=AuditEvent.Action.DEADLINES_CHANGED)
    assert event.params is not None
    assert [change["field"] for change in event.params["changes"]] == [
        "self_assessment_due",
        "rating_due",
        "approval_due",
        "answer_working_days",
    ]


def test_put_replaces_all_five(call_as, fresh_quarter) -> None:
    call_as("hr", "PUT", DEADLINES, BODY)
    body = call_as("hr", "PUT", DEADLINES, {"approval_due": "2026-10-30"}).json()
    assert (body["self_assessment_due"], body["rating_due"], body["approval_due"]) == (
        None,
        None,
        "2026-10-30",
    )
    assert body["answer_working_days"] == 5


def test_bad_deadlines_name_their_fields(call_as, fresh_quarter) -> None:
    response = call_as(
        "hr",
        "PUT",
        DEADLINES,
        {"self_assessment_due": "2026/10/09", "approval_due": "2028-01-01"},
    )
    error = error_of(response, 400, "invalid")
    assert field_names(error) == ["self_assessment_due", "approval_due"]
    response = call_as(
        "hr", "PUT", DEADLINES, {"rating_due": "2026-10-16", "approval_due": "2026-10-15"}
    )
    assert field_names(error_of(response, 400, "invalid")) == ["approval_due"]
    for count in ("5", 0, 61, True, 5.5):
        response = call_as("hr", "PUT", DEADLINES, {"appeal_working_days": count})
        assert field_names(error_of(response, 400, "invalid")) == ["appeal_working_days"]
    response = call_as("hr", "PUT", DEADLINES, {"rating_due": 20261016})
    assert field_names(error_of(response, 400, "invalid")) == ["rating_due"]
    assert not QuarterDeadlines.objects.exists()


def test_a_closed_quarter_answers_409(call_as, fresh_quarter) -> None:
    ReviewCycle.objects.filter(pk=fresh_quarter.pk).update(status=ReviewCycle.Status.CLOSED)
    error = error_of(call_as("hr", "PUT", DEADLINES, BODY), 409, "quarter_closed")
    assert "2026Q3" in error["message"]
    assert call_as("hr", "GET", DEADLINES).json()["rating_due"] is None


def test_an_unknown_quarter_is_a_404(call_as, fresh_quarter) -> None:
    error_of(call_as("hr", "GET", f"{API}cycles/2030Q1/deadlines"), 404, "quarter_not_found")
    error_of(call_as("hr", "PUT", f"{API}cycles/nonsense/deadlines", BODY), 404, "not_found")


def test_an_unknown_query_parameter_is_refused(call_as, fresh_quarter) -> None:
    error_of(call_as("hr", "GET", f"{DEADLINES}?year=2026"), 400, "invalid")


# -- the calendar --------------------------------------------------------------------------------


def test_hr_adds_days_and_lists_them_by_year(call_as, personas) -> None:
    body = {
        "days": [
            {"day": "2026-10-01", "kind": "holiday", "name": "国庆节"},
            {"day": "2026-10-10", "kind": "workday"},
            {"day": "2027-01-01", "kind": "holiday", "name": "元旦"},
        ]
    }
    saved = call_as("hr", "POST", DAYS, body).json()
    assert [day["day"] for day in saved] == ["2026-10-01", "2026-10-10", "2027-01-01"]
    listed = call_as("hr", "GET", f"{DAYS}?year=2026").json()
    assert listed == [
        {"day": "2026-10-01", "kind": "holiday", "name": "国庆节"},
        {"day": "2026-10-10", "kind": "workday", "name": ""},
    ]
    assert len(call_as("hr", "GET", DAYS).json()) == 3


def test_a_bad_day_saves_nothing_and_is_named_by_its_place(api_client_for, personas) -> None:
    body = {
        "days": [
            {"day": "2026-10-01", "kind": "holiday"},
            {"day": "2026-10-03", "kind": "holiday"},
            {"day": "2026-10-08", "kind": "workday"},
        ]
    }
    error = error_of(
        api_client_for("hr").post(DAYS, body, format="json", HTTP_ACCEPT_LANGUAGE="en"),
        400,
        "invalid",
    )
    assert field_names(error) == ["days[1].kind", "days[2].kind"]
    assert "Saturday or Sunday" in error["fields"][0]["message"]
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"days": "2026-10-01"},
        {"days": [{"day": 20261001, "kind": "holiday"}]},
        {"days": [{"day": "2026-10-01"}]},
        {"days": []},
    ],
)
def test_a_malformed_body_is_a_400(call_as, personas, body) -> None:
    error_of(call_as("hr", "POST", DAYS, body), 400, "invalid")


def test_a_year_out_of_range_is_a_400(call_as, personas) -> None:
    error_of(call_as("hr", "GET", f"{DAYS}?year=1999"), 400, "invalid")
    error_of(call_as("hr", "GET", f"{DAYS}?year="), 400, "invalid")
    error_of(call_as("hr", "GET", f"{DAYS}?year=2026.0"), 400, "invalid")
    error_of(call_as("hr", "GET", f"{DAYS}?month=10"), 400, "invalid")


def test_removing_a_day_not_listed_is_a_404(call_as, personas) -> None:
    error_of(call_as("hr", "DELETE", f"{DAYS}/2026-10-01"), 404, "not_found")
    error_of(call_as("hr", "DELETE", f"{DAYS}/nonsense"), 404, "not_found")
