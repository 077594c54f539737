"""A whole quarter run over the API, from opening it to a correction approved as version 2."""

from __future__ import annotations

from decimal import Decimal

from departments.models import Employee
from reviews import services
from reviews.models import ApprovedResult, ReviewKpiLine, VerbalWarning
from tests.helpers.api import API, PERIOD, REVIEWS
from tests.helpers.examples import (
    COMPETENCY_CODES,
    WORKED_EXAMPLES,
    create_catalogue_competencies,
    create_example_kpis,
)


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
