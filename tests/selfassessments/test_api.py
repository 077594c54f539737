"""The self-assessment API (selfassessments/api.py), for every persona and the personal tokens
of HR and the director; the refusals name the rule and save nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from clients import services as client_services
from departments.models import Competency
from evidence.models import EvidenceFile
from reviews.models import Review
from selfassessments.models import SelfAssessment
from tests.helpers.evidence import exe_bytes, pdf_bytes


def url(review: Review, tail: str = "") -> str:
    return f"/api/v1/reviews/{review.pk}/self-assessment{tail}"


def body(review: Review) -> dict:
    line = review.kpi_lines.get()
    return {
        "summary": "我完成了本季度的计划。",
        "lines": {str(line.pk): "完成率 95%"},
        "ratings": dict.fromkeys(Competency.objects.values_list("code", flat=True), 4),
        "comments": {},
    }


def personal_client(personas, who: str) -> APIClient:
    _token, raw = client_services.personal_token_create(actor=personas[who], name="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


READ_DRAFT = {
    "employee": 200,
    "hr": 200,
    "head": 200,
    "director": 404,
    "other_employee": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("who", "status"), READ_DRAFT.items())
def test_reading_a_draft(call_as, self_quarter, who, status) -> None:
    response = call_as(who, "GET", url(self_quarter.reviews["employee"]))
    assert response.status_code == status
    if status == 200:
        data = response.json()
        assert data["state"] == "draft"
        assert data["due"] == "2099-12-31"
        assert data["editable"] is True
        assert [line["code"] for line in data["lines"]] == ["SALES_PLAN_RATE"]
        assert data["lines"][0]["target"] == "100"
        assert len(data["ratings"]) == 4


def test_anonymous_is_refused(call_as, self_quarter) -> None:
    assert call_as(None, "GET", url(self_quarter.reviews["employee"])).status_code in (401, 403)


@pytest.mark.parametrize(("who", "status"), [("hr", 200), ("director", 200)])
def test_hr_and_the_director_read_a_submitted_one_with_their_tokens(
    personas, call_as, self_quarter, who, status
) -> None:
    review = self_quarter.reviews["employee"]
    call_as("employee", "PUT", url(review), body(review))
    assert call_as("employee", "POST", url(review, "/submit")).status_code == 200
    response = personal_client(personas, who).get(url(review))
    assert response.status_code == status
    assert response.json()["state"] == "submitted"
    assert response.json()["summary"] == "我完成了本季度的计划。"


def test_a_payroll_token_is_refused(token_client, self_quarter) -> None:
    response = token_client("payroll").get(url(self_quarter.reviews["employee"]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("employee", 200),
        ("hr", 403),
        ("head", 403),
        ("director", 404),
        ("other_employee", 404),
        ("outsider", 404),
    ],
)
def test_saving_is_the_employees(call_as, self_quarter, who, status) -> None:
    review = self_quarter.reviews["employee"]
    response = call_as(who, "PUT", url(review), body(review))
    assert response.status_code == status
    assert SelfAssessment.objects.exists() is (status == 200)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("employee", 200),
        ("hr", 403),
        ("head", 403),
        ("director", 404),
        ("other_employee", 404),
        ("outsider", 404),
    ],
)
def test_submitting_is_the_employees(call_as, self_quarter, who, status) -> None:
    review = self_quarter.reviews["employee"]
    call_as("employee", "PUT", url(review), body(review))
    response = call_as(who, "POST", url(review, "/submit"))
    assert response.status_code == status
    expected = "submitted" if status == 200 else "draft"
    assert SelfAssessment.objects.get().state == expected


def test_a_bad_rating_is_400_naming_it(call_as, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    code = Competency.objects.order_by("order")[0].code
    for bad in (6, "4", True, 4.5):
        data = {**body(review), "ratings": {code: bad}}
        response = call_as("employee", "PUT", url(review), data)
        assert response.status_code == 400, bad
        assert any(code in item["field"] for item in response.json()["error"]["fields"])
    assert not SelfAssessment.objects.exists()


def test_an_unknown_line_is_400(call_as, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    response = call_as("employee", "PUT", url(review), {"lines": {"abc": "x", "999999": "y"}})
    assert response.status_code == 400
    fields = {item["field"] for item in response.json()["error"]["fields"]}
    assert fields == {"lines.abc", "lines.999999"}


def test_after_the_deadline_it_is_409_naming_the_rule(call_as, self_quarter) -> None:
    self_quarter.deadlines.self_assessment_due = date(2020, 1, 1)
    self_quarter.deadlines.save()
    review = self_quarter.reviews["employee"]
    response = call_as("employee", "PUT", url(review), body(review))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "deadline_passed"
    assert "2020-01-01" in response.json()["error"]["message"]
    assert not SelfAssessment.objects.exists()
    data = call_as("employee", "GET", url(review)).json()
    assert data["missed"] is True
    assert data["closed"]["code"] == "deadline_passed"


def test_after_submit_it_is_409(call_as, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    call_as("employee", "PUT", url(review), body(review))
    call_as("employee", "POST", url(review, "/submit"))
    response = call_as("employee", "PUT", url(review), {"summary": "changed"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_submitted"
    assert SelfAssessment.objects.get().summary == "我完成了本季度的计划。"


def test_after_hr_submitted_the_review_it_is_409(call_as, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    Review.objects.filter(pk=review.pk).update(state=Review.State.SUBMITTED)
    response = call_as("employee", "PUT", url(review), body(review))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "review_submitted"


def _upload(api_client_for, who, review, name, data):
    return api_client_for(who).post(
        url(review, "/evidence"),
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def test_evidence_upload_list_download_and_delete(
    api_client_for, call_as, client_for, self_quarter, stored_files
) -> None:
    review = self_quarter.reviews["employee"]
    response = _upload(api_client_for, "employee", review, "a.pdf", pdf_bytes())
    assert response.status_code == 201
    item = response.json()
    assert item["content_type"] == "application/pdf"
    assert item["name"] == "a.pdf"
    listed = call_as("hr", "GET", url(review, "/evidence")).json()
    assert [row["id"] for row in listed] == [item["id"]]
    assert call_as("director", "GET", url(review, "/evidence")).status_code == 404  # a draft's
    assert client_for("hr").get(item["url"]).status_code == 200
    assert call_as("hr", "DELETE", url(review, f"/evidence/{item['id']}")).status_code == 403
    assert call_as("employee", "DELETE", url(review, "/evidence/999999")).status_code == 404
    assert call_as("employee", "DELETE", url(review, f"/evidence/{item['id']}")).status_code == 204
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("hr", 403), ("head", 403), ("director", 404), ("other_employee", 404), ("outsider", 404)],
)
def test_no_one_else_uploads(api_client_for, self_quarter, stored_files, who, status) -> None:
    review = self_quarter.reviews["employee"]
    assert _upload(api_client_for, who, review, "a.pdf", pdf_bytes()).status_code == status
    assert stored_files() == []


def test_a_forbidden_file_is_400_naming_it(api_client_for, self_quarter, stored_files) -> None:
    review = self_quarter.reviews["employee"]
    response = _upload(api_client_for, "employee", review, "invoice.pdf", exe_bytes())
    assert response.status_code == 400
    error = response.json()["error"]["fields"][0]
    assert (error["field"], error["code"]) == ("file", "file_type")
    assert "invoice.pdf" in error["message"]
    assert not EvidenceFile.objects.exists()
    assert stored_files() == []


def test_a_file_over_the_limit_is_refused(
    api_client_for, self_quarter, stored_files, settings
) -> None:
    settings.EVIDENCE_MAX_FILE_BYTES = 1024
    review = self_quarter.reviews["employee"]
    response = _upload(api_client_for, "employee", review, "big.pdf", pdf_bytes() + b"0" * 2048)
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["code"] == "too_large"
    big = _upload(api_client_for, "employee", review, "huge.pdf", pdf_bytes() + b"0" * 200_000)
    assert big.status_code == 413
    assert not EvidenceFile.objects.exists()
    assert stored_files() == []


def test_an_upload_without_a_file_is_400(api_client_for, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    response = api_client_for("employee").post(url(review, "/evidence"), {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "file"
