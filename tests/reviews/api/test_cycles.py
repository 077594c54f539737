"""Quarters over the API: opening one, its scoring policy, and its background jobs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from reviews import services
from reviews.models import AuditEvent, CycleJob, Review, ReviewCycle, ScoringPolicy
from tests.helpers.api import API, PERIOD, ApiQuarter, api_schema, error_of, field_names

CYCLES = f"{API}cycles/"
CYCLE = f"{CYCLES}{PERIOD}/"

# Everyone with a role in the division sees the quarters; writes are HR's (the services say so).
READ = {
    "hr": 200,
    "director": 200,
    "head": 200,
    "employee": 200,
    "other_employee": 200,
    "outsider": 404,
    None: 401,
    "token:payroll": 403,
    "token:hr": 200,
}
HR_WRITE = {
    "director": 403,
    "head": 403,
    "employee": 403,
    "other_employee": 403,
    "outsider": 404,
    None: 401,
    "token:payroll": 403,
}


@pytest.fixture
def cycle(personas: dict[str, User], departments: dict[str, Any]) -> ReviewCycle:
    return services.cycle_open(actor=personas["hr"], period=PERIOD)


# -- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", ""),
        ("POST", ""),
        ("GET", f"{PERIOD}/"),
        ("PATCH", f"{PERIOD}/policy"),
        ("POST", f"{PERIOD}/generate"),
        ("POST", f"{PERIOD}/rescore"),
        ("GET", f"{PERIOD}/jobs/1/"),
    ],
)
def test_quarters_are_closed_to_payroll_tokens_and_anonymous_callers(
    call_as, cycle, method, path
) -> None:
    error_of(call_as("token:payroll", method, f"{CYCLES}{path}", {}), 403, "insufficient_scope")
    error_of(call_as(None, method, f"{CYCLES}{path}", {}), 401, "not_authenticated")
    assert not CycleJob.objects.exists()


@pytest.mark.parametrize(("persona", "status"), {**READ, "outsider": 403}.items())
def test_who_may_list_the_quarters(call_as, cycle, persona, status) -> None:
    assert call_as(persona, "GET", CYCLES).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    {**HR_WRITE, "outsider": 403, "hr": 201, "token:hr": 201}.items(),
)
def test_who_may_open_a_quarter(call_as, personas, departments, persona, status) -> None:
    assert call_as(persona, "POST", CYCLES, {"period": "2026Q4"}).status_code == status
    assert ReviewCycle.objects.filter(period="2026Q4").exists() == (status == 201)


@pytest.mark.parametrize(("persona", "status"), READ.items())
def test_who_may_read_a_quarter(call_as, cycle, persona, status) -> None:
    assert call_as(persona, "GET", CYCLE).status_code == status


@pytest.mark.parametrize(("persona", "status"), {**HR_WRITE, "hr": 200}.items())
def test_who_may_change_the_policy(call_as, cycle, persona, status) -> None:
    response = call_as(persona, "PATCH", f"{CYCLE}policy", {"warning_threshold": "55"})
    assert response.status_code == status
    threshold = ScoringPolicy.objects.get(cycle=cycle).warning_threshold
    assert threshold == (Decimal(55) if status == 200 else Decimal(60))


@pytest.mark.parametrize(("persona", "status"), {**HR_WRITE, "hr": 202, "token:hr": 202}.items())
def test_who_may_generate_the_reviews(call_as, cycle, persona, status) -> None:
    assert call_as(persona, "POST", f"{CYCLE}generate").status_code == status
    assert CycleJob.objects.filter(cycle=cycle).exists() == (status == 202)


@pytest.mark.parametrize(("persona", "status"), {**HR_WRITE, "hr": 202}.items())
def test_who_may_rescore_the_quarter(call_as, cycle, persona, status) -> None:
    assert call_as(persona, "POST", f"{CYCLE}rescore").status_code == status
    assert CycleJob.objects.filter(cycle=cycle).exists() == (status == 202)


@pytest.mark.parametrize(
    ("persona", "status"),
    {**dict.fromkeys(READ, 404), "hr": 200, "token:hr": 200, None: 401}.items(),
)
def test_who_may_follow_a_job(call_as, personas, cycle, persona, status) -> None:
    job = services.cycle_generate(actor=personas["hr"], cycle=cycle)
    if persona == "token:payroll":
        status = 403
    assert call_as(persona, "GET", f"{CYCLE}jobs/{job.pk}/").status_code == status


# -- opening a quarter -------------------------------------------------------------------------


def test_hr_opens_a_quarter_with_the_default_policy(call_as, personas, departments) -> None:
    response = call_as("hr", "POST", CYCLES, {"period": "2026q3"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["period"], body["status"], body["starts_on"], body["ends_on"]) == (
        "2026Q3",
        "open",
        "2026-07-01",
        "2026-09-30",
    )
    policy = body["policy"]
    assert (policy["version"], policy["kpi_share"], policy["warning_threshold"]) == (
        1,
        "80.00",
        "60.00",
    )
    assert policy["coefficient_s"] == "1.20"
    assert body["review_counts"] == dict.fromkeys(Review.State.values, 0)
    assert body["created_at"].endswith("+08:00")


def test_hr_opens_a_quarter_with_its_own_policy(call_as, personas, departments) -> None:
    body = {"period": "2026Q4", "policy": {"kpi_share": "70", "warning_threshold": "65.5"}}
    response = call_as("hr", "POST", CYCLES, body)
    assert response.status_code == 201, response.content
    policy = ScoringPolicy.objects.get(cycle__period="2026Q4")
    assert (policy.kpi_share, policy.warning_threshold, policy.band_s) == (
        Decimal(70),
        Decimal("65.5"),
        Decimal(95),
    )


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"period": "2026Q5"}, ["period"]),
        ({"period": "soon"}, ["period"]),
        ({}, ["period"]),
        ({"period": 2026}, ["period"]),
        ({"period": "2026Q4", "policy": {"band_a": "99"}}, ["policy.band_a"]),
        ({"period": "2026Q4", "policy": {"kpi_share": "abc"}}, ["policy.kpi_share"]),
        ({"period": "2026Q4", "policy": {"kpi_share": "101"}}, ["policy.kpi_share"]),
        ({"period": "2026Q4", "policy": {"kpi_share": 80}}, ["policy.kpi_share"]),
        ({"period": "2026Q4", "policy": {"bonus": "5"}}, ["policy.bonus"]),
        ({"period": "2026Q4", "policy": "generous"}, ["policy.non_field_errors"]),
    ],
)
def test_it_refuses_a_bad_quarter_and_opens_nothing(call_as, personas, departments, body, fields):
    error = error_of(call_as("hr", "POST", CYCLES, body), 400, "invalid")
    assert field_names(error) == fields
    assert not ReviewCycle.objects.exists()


def test_it_refuses_a_quarter_opened_twice(call_as, cycle) -> None:
    error = error_of(call_as("hr", "POST", CYCLES, {"period": PERIOD}), 400, "invalid")
    assert error["fields"][0]["code"] == "duplicate"
    assert ReviewCycle.objects.count() == 1


def test_the_quarters_come_newest_first(call_as, personas, cycle) -> None:
    services.cycle_open(actor=personas["hr"], period="2026Q4")
    assert [row["period"] for row in call_as("employee", "GET", CYCLES).json()] == [
        "2026Q4",
        "2026Q3",
    ]


def test_an_unknown_quarter_is_not_found(call_as, cycle) -> None:
    error_of(call_as("hr", "GET", f"{CYCLES}2030Q1/"), 404, "quarter_not_found")
    error_of(call_as("hr", "POST", f"{CYCLES}nonsense/generate"), 404, "not_found")


def test_the_counts_of_a_quarter_are_of_the_reviews_the_caller_sees(
    call_as, api_quarter: ApiQuarter
) -> None:
    counts = call_as("hr", "GET", CYCLE).json()["review_counts"]
    assert (counts["approved"], counts["scored"], counts["draft"]) == (1, 1, 2)
    # SALES: the head's own draft (not theirs to see yet), E00002 approved, E00009 scored.
    head_counts = call_as("head", "GET", CYCLE).json()["review_counts"]
    assert (head_counts["approved"], head_counts["scored"], head_counts["draft"]) == (1, 1, 0)
    assert call_as("other_employee", "GET", CYCLE).json()["review_counts"] == dict.fromkeys(
        Review.State.values, 0
    )


# -- the policy --------------------------------------------------------------------------------


def test_hr_changes_the_policy_in_place_until_a_review_is_approved(call_as, cycle) -> None:
    response = call_as("hr", "PATCH", f"{CYCLE}policy", {"kpi_share": "75", "band_s": "96"})
    assert response.status_code == 200, response.content
    assert (response.json()["version"], response.json()["kpi_share"]) == (1, "75.00")
    assert ScoringPolicy.objects.filter(cycle=cycle).count() == 1
    assert AuditEvent.objects.filter(cycle=cycle, action="policy_changed").count() == 2


def test_a_policy_change_after_an_approval_makes_a_new_version(call_as, api_quarter) -> None:
    response = call_as("hr", "PATCH", f"{CYCLE}policy", {"warning_threshold": "50"})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    first = ScoringPolicy.objects.get(cycle=api_quarter.cycle, version=1)
    assert first.warning_threshold == Decimal(60)
    assert call_as("hr", "GET", CYCLE).json()["policy"]["version"] == 2


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"band_c": "90"}, ["band_c"]),
        ({"coefficient_d": "-0.5"}, ["coefficient_d"]),
        ({"director_weight": "0", "hr_weight": "0"}, ["director_weight", "hr_weight"]),
        ({"achievement_cap": "99"}, ["achievement_cap"]),
        ({"hr_weight": "-1"}, ["hr_weight"]),
        ({"coefficient_a": "1e9"}, ["coefficient_a"]),
        ({"kpi_share": 75}, ["kpi_share"]),  # decimals are given as text
        ({"nonsense": "1"}, ["nonsense"]),
    ],
)
def test_it_refuses_a_bad_policy_and_changes_nothing(call_as, cycle, body, fields) -> None:
    before = list(ScoringPolicy.objects.values())
    error = error_of(call_as("hr", "PATCH", f"{CYCLE}policy", body), 400, "invalid")
    assert sorted(field_names(error)) == sorted(fields)
    assert list(ScoringPolicy.objects.values()) == before


# -- the self-assessment's weight and the escalation of warnings (v2) --------------------------


def test_a_new_quarter_has_an_advisory_self_assessment_and_the_default_escalation(
    call_as, cycle
) -> None:
    policy = call_as("hr", "GET", CYCLE).json()["policy"]
    assert policy["self_weight"] == "0.00"
    assert (policy["escalation_warnings"], policy["escalation_quarters"]) == (2, 4)


def test_hr_opens_a_quarter_with_a_weighted_self_assessment(call_as, personas, departments):
    body = {
        "period": "2026Q4",
        "policy": {"self_weight": "20", "escalation_warnings": 3, "escalation_quarters": 8},
    }
    response = call_as("hr", "POST", CYCLES, body)
    assert response.status_code == 201, response.content
    policy = response.json()["policy"]
    assert (policy["self_weight"], policy["escalation_warnings"]) == ("20.00", 3)
    assert policy["escalation_quarters"] == 8
    stored = ScoringPolicy.objects.get(cycle__period="2026Q4")
    assert (stored.self_weight, stored.escalation_quarters) == (Decimal(20), 8)


def test_hr_changes_the_new_settings_with_an_event_each(call_as, cycle) -> None:
    body = {"self_weight": "12.5", "escalation_warnings": 4}
    response = call_as("hr", "PATCH", f"{CYCLE}policy", body)
    assert response.status_code == 200, response.content
    assert (response.json()["self_weight"], response.json()["escalation_warnings"]) == (
        "12.50",
        4,
    )
    changed = AuditEvent.objects.filter(cycle=cycle, action="policy_changed")
    assert sorted(changed.values_list("params__setting", flat=True)) == [
        "escalation_warnings",
        "self_weight",
    ]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"self_weight": 20}, ["self_weight"]),  # decimals are given as text
        ({"self_weight": "-1"}, ["self_weight"]),
        ({"escalation_warnings": "3"}, ["escalation_warnings"]),  # counts are JSON integers
        ({"escalation_warnings": 2.5}, ["escalation_warnings"]),
        ({"escalation_warnings": True}, ["escalation_warnings"]),
        ({"escalation_warnings": 1}, ["escalation_warnings"]),
        ({"escalation_warnings": 11}, ["escalation_warnings"]),
        ({"escalation_quarters": 0}, ["escalation_quarters"]),
        ({"escalation_quarters": 21}, ["escalation_quarters"]),
        ({"escalation_quarters": 10**30}, ["escalation_quarters"]),
        (
            {"director_weight": "0", "hr_weight": "0", "self_weight": "100"},
            ["director_weight", "hr_weight"],
        ),
    ],
)
def test_it_refuses_a_bad_new_setting_and_changes_nothing(call_as, cycle, body, fields) -> None:
    before = list(ScoringPolicy.objects.values())
    error = error_of(call_as("hr", "PATCH", f"{CYCLE}policy", body), 400, "invalid")
    assert sorted(field_names(error)) == sorted(fields)
    assert list(ScoringPolicy.objects.values()) == before


def test_the_schema_describes_the_new_settings() -> None:
    schemas = api_schema()["components"]["schemas"]
    given, shown = (
        schemas["PatchedPolicyInputRequest"]["properties"],
        schemas["Policy"]["properties"],
    )
    assert given["escalation_warnings"]["type"] == "integer"
    assert (given["escalation_warnings"]["minimum"], given["escalation_warnings"]["maximum"]) == (
        2,
        10,
    )
    assert (given["escalation_quarters"]["minimum"], given["escalation_quarters"]["maximum"]) == (
        1,
        20,
    )
    assert given["self_weight"]["type"] == "string"
    assert "advisory" in given["self_weight"]["description"]
    assert "written warning" in shown["escalation_warnings"]["description"]
    assert shown["self_weight"]["readOnly"] is True


# -- background jobs ---------------------------------------------------------------------------


def test_generating_the_reviews_answers_a_job_to_follow(
    call_as, personas, cycle, api_client_for
) -> None:
    response = call_as("hr", "POST", f"{CYCLE}generate")
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["kind"], job["status"], job["period"]) == ("generate", "queued", PERIOD)
    assert job["url"] == f"http://testserver{CYCLE}jobs/{job['id']}/"
    services.job_run(job_id=job["id"])
    progress = api_client_for("hr").get(job["url"]).json()
    assert (progress["status"], progress["done"], progress["total"]) == ("done", 3, 3)
    assert Review.objects.filter(cycle=cycle).count() == 3


def test_a_closed_quarter_generates_nothing(call_as, cycle) -> None:
    ReviewCycle.objects.filter(pk=cycle.pk).update(status=ReviewCycle.Status.CLOSED)
    error_of(call_as("hr", "POST", f"{CYCLE}generate"), 409, "quarter_closed")
    assert not CycleJob.objects.exists()


def test_rescoring_answers_a_job_to_follow(call_as, api_quarter) -> None:
    revision = api_quarter.scored.revision
    response = call_as("hr", "POST", f"{CYCLE}rescore")
    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "rescore"
    services.job_run(job_id=response.json()["id"])
    api_quarter.refresh()
    assert api_quarter.scored.state == Review.State.SCORED
    assert api_quarter.scored.scored_revision == api_quarter.scored.revision == revision + 1


def test_a_job_of_another_quarter_is_not_found(call_as, personas, cycle) -> None:
    other = services.cycle_open(actor=personas["hr"], period="2026Q4")
    job = services.cycle_generate(actor=personas["hr"], cycle=other)
    error_of(call_as("hr", "GET", f"{CYCLE}jobs/{job.pk}/"), 404, "not_found")


@pytest.mark.parametrize("url", ["cycles/2026Q4/", "cycles/2026Q4/reviews/"])
def test_a_quarter_never_opened_is_404_quarter_not_found_naming_it(call_as, api_quarter, url):
    error = error_of(call_as("hr", "GET", API + url), 404, "quarter_not_found")
    assert "2026Q4" in error["message"]


def test_an_opened_quarter_with_nothing_in_a_filter_is_an_empty_list(call_as, api_quarter):
    response = call_as("hr", "GET", API + f"cycles/{PERIOD}/reviews/", {"grade": "S"})

    assert response.status_code == 200
    assert response.json()["results"] == []


# -- periods and policy figures: strict at every entry -----------------------------------------


@pytest.mark.parametrize(
    "period",
    ["２０２６Q4", "٢٠٢٦Q4", "2026Ｑ4", "2026 Q4", "0000Q1", "9999Q4", "1999Q4", "2100Q1"],
)
def test_it_refuses_a_period_of_other_digits_or_out_of_range(
    call_as, personas, departments, period
) -> None:
    error = error_of(call_as("hr", "POST", CYCLES, {"period": period}), 400, "invalid")
    assert field_names(error) == ["period"]
    assert "2000" in error["fields"][0]["message"] and "2099" in error["fields"][0]["message"]
    assert not ReviewCycle.objects.exists()


def test_a_period_with_other_digits_is_not_a_second_quarter(call_as, cycle) -> None:
    call_as("hr", "POST", CYCLES, {"period": "2026Q4"})
    error_of(call_as("hr", "POST", CYCLES, {"period": "２０２６Q4"}), 400, "invalid")
    assert list(ReviewCycle.objects.values_list("period", flat=True)) == ["2026Q4", PERIOD]


@pytest.mark.parametrize(
    "period", ["２０２６Q3", "٢٠٢٦Q3", "0000Q1", "9999Q4", "2026Q3%00", "99999Q1", "2026Q3x"]
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("PATCH", "/policy"),
        ("POST", "/generate"),
        ("POST", "/rescore"),
        ("GET", "/jobs/1/"),
        ("GET", "/reviews/"),
    ],
)
def test_a_malformed_period_in_a_path_is_not_found(call_as, cycle, period, method, path) -> None:
    error_of(call_as("hr", method, f"{CYCLES}{period}{path}", {}), 404, "not_found")
    assert not CycleJob.objects.exists()


@pytest.mark.parametrize("period", ["2026q3", "%202026Q3%20"])
def test_a_period_in_a_path_may_have_a_lower_case_q_and_spaces(call_as, cycle, period) -> None:
    assert call_as("hr", "GET", f"{CYCLES}{period}/").json()["period"] == PERIOD


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("92,5", "invalid"),
        ("1e2", "invalid"),
        ("1_0", "invalid"),
        ("+80", "invalid"),
        ("８０", "invalid"),
        ("٨٠", "invalid"),
        ("80.", "invalid"),
        (".5", "invalid"),
        ("8 0", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("-1", "negative"),
        ("80.123", "too_precise"),
        (1e2, "invalid"),
        (True, "invalid"),
    ],
)
def test_a_policy_setting_is_read_strictly(call_as, personas, departments, raw, code) -> None:
    body = {"period": "2026Q4", "policy": {"kpi_share": raw}}
    error = error_of(call_as("hr", "POST", CYCLES, body), 400, "invalid")
    assert [(f["field"], f["code"]) for f in error["fields"]] == [("policy.kpi_share", code)]
    assert not ReviewCycle.objects.exists()


def test_a_refused_policy_setting_quotes_what_was_sent(api_client_for, personas, departments):
    body = {"period": "2026Q4", "policy": {"kpi_share": "92,5"}}
    client = api_client_for("hr")
    error = error_of(client.post(CYCLES, body, format="json", HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert error["fields"][0]["message"] == (
        '"92,5" is not a number: use digits with a "." for decimals, such as 92.5.'
    )


def test_trailing_zeros_of_a_policy_setting_need_no_places(call_as, cycle) -> None:
    response = call_as("hr", "PATCH", f"{CYCLE}policy", {"warning_threshold": "65.000"})
    assert response.status_code == 200, response.content
    assert ScoringPolicy.objects.filter(cycle=cycle).latest("version").warning_threshold == 65


@pytest.mark.parametrize("raw", ["5,5", "1e1", "５５", " 55 x"])
def test_a_policy_change_is_read_strictly(call_as, cycle, raw) -> None:
    error = error_of(call_as("hr", "PATCH", f"{CYCLE}policy", {"warning_threshold": raw}), 400)
    assert field_names(error) == ["warning_threshold"]
    assert ScoringPolicy.objects.get(cycle=cycle).warning_threshold == Decimal(60)
