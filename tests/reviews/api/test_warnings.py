"""Verbal warnings (口头警告) over the API: HR's list of warnings to give, and acknowledging one."""

from __future__ import annotations

import pytest

from reviews.models import AuditEvent, VerbalWarning
from tests.helpers.api import API, PERIOD, ApiQuarter, error_of, field_names

WARNINGS = f"{API}warnings/"


def acknowledge_url(warning: VerbalWarning) -> str:
    return f"{WARNINGS}{warning.pk}/acknowledge"


@pytest.fixture
def warning(api_quarter: ApiQuarter) -> VerbalWarning:
    """The warning of the employee persona's review (SALES), scored below the threshold."""
    return VerbalWarning.objects.get(review=api_quarter.own)


@pytest.mark.parametrize(
    ("persona", "count"),
    [("hr", 1), ("director", 1), ("head", 1), ("token:hr", 1)],
)
def test_who_sees_the_warnings(call_as, warning, persona, count) -> None:
    response = call_as(persona, "GET", WARNINGS)
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
        (None, 401),
        ("token:payroll", 403),
    ],
)
def test_others_may_not_list_the_warnings(call_as, warning, persona, status) -> None:
    assert call_as(persona, "GET", WARNINGS).status_code == status


def test_warnings_are_closed_to_payroll_tokens_and_anonymous_callers(call_as, warning) -> None:
    for method, url in (("GET", WARNINGS), ("POST", acknowledge_url(warning))):
        error_of(call_as("token:payroll", method, url, {}), 403, "insufficient_scope")
        error_of(call_as(None, method, url, {}), 401, "not_authenticated")
    warning.refresh_from_db()
    assert warning.acknowledged_at is None


def test_a_head_sees_only_their_own_departments_warnings(
    call_as, personas, warning, departments
) -> None:
    departments["SALES"].employees.filter(user=personas["head"]).update(
        department=departments["MARKET"]
    )
    assert call_as("head", "GET", WARNINGS).json()["results"] == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("token:hr", 200),
        ("director", 403),
        ("head", 403),
        ("employee", 404),
        ("other_employee", 404),
        ("outsider", 404),
        (None, 401),
        ("token:payroll", 403),
    ],
)
def test_who_may_acknowledge_a_warning(call_as, warning, persona, status) -> None:
    response = call_as(persona, "POST", acknowledge_url(warning), {"note": "已面谈，员工认可"})
    assert response.status_code == status
    warning.refresh_from_db()
    assert (warning.acknowledged_at is not None) == (status == 200)


def test_a_warning_shows_whom_it_is_for(call_as, warning) -> None:
    [row] = call_as("hr", "GET", WARNINGS).json()["results"]
    assert row["id"] == warning.pk
    assert (row["employee_no"], row["employee_name"], row["department"], row["period"]) == (
        "E00002",
        "张伟",
        "SALES",
        PERIOD,
    )
    assert (row["total_score"], row["review_version"], row["acknowledged_at"]) == (
        "40.00",
        1,
        None,
    )


def test_hr_acknowledges_a_warning_once(call_as, warning) -> None:
    response = call_as("hr", "POST", acknowledge_url(warning), {"note": "已面谈"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["note"], body["acknowledged_by"]) == ("已面谈", "hr")
    assert body["acknowledged_at"].endswith("+08:00")
    assert AuditEvent.objects.filter(action="warning_acknowledged").count() == 1
    again = call_as("hr", "POST", acknowledge_url(warning), {"note": "再次面谈"})
    error_of(again, 409, "conflict")
    warning.refresh_from_db()
    assert warning.note == "已面谈"


@pytest.mark.parametrize(("acknowledged", "count"), [("false", 1), ("true", 0), ("", 1), (None, 1)])
def test_it_filters_the_warnings_by_acknowledgement(call_as, warning, acknowledged, count):
    params = {} if acknowledged is None else {"acknowledged": acknowledged}
    assert len(call_as("hr", "GET", WARNINGS, params).json()["results"]) == count


def test_it_rejects_a_bad_filter(call_as, warning) -> None:
    error = error_of(call_as("hr", "GET", WARNINGS, {"acknowledged": "maybe"}), 400, "invalid")
    assert field_names(error) == ["acknowledged"]


@pytest.mark.parametrize("body", [{"note": "  "}, {}, {"note": ["x"]}, {"note": 5}])
def test_an_acknowledgement_needs_a_note(call_as, warning, body) -> None:
    error = error_of(call_as("hr", "POST", acknowledge_url(warning), body), 400, "invalid")
    assert field_names(error) == ["note"]
    warning.refresh_from_db()
    assert warning.acknowledged_at is None


def test_an_unknown_warning_is_not_found(call_as, warning) -> None:
    error_of(call_as("hr", "POST", f"{WARNINGS}999999/acknowledge", {"note": "x"}), 404)
