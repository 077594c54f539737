"""The API of printouts, per persona: starting a PDF of a quarter's forms, following the job,
downloading the PDF (application/pdf), and the schema's account of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from printouts.models import PrintJob
from tests.helpers.api import api_schema, error_of, schema_operations
from tests.helpers.pages import PERIOD, PageQuarter
from tests.helpers.printouts import pdf_text, print_now

pytestmark = pytest.mark.django_db

START = f"/api/v1/cycles/{PERIOD}/printouts"


def job_url(job: PrintJob) -> str:
    return f"/api/v1/cycles/{PERIOD}/printouts/{job.pk}/"


@pytest.mark.parametrize(
    ("persona", "body", "department", "total"),
    [
        ("hr", {}, None, 5),
        ("director", {"department": "SALES"}, "SALES", 2),
        ("head", {}, "SALES", 1),  # their own department, without their own form
        ("head", {"department": "SALES"}, "SALES", 1),
        ("token:hr", {"department": "MARKET"}, "MARKET", 1),
    ],
)
def test_who_starts_a_pdf(call_as, page_quarter: PageQuarter, persona, body, department, total):
    response = call_as(persona, "POST", START, body)
    assert response.status_code == 202, response.content
    data = response.json()
    assert data["status"] == "queued" and data["department"] == department
    assert data["total"] == total and data["done"] == 0 and data["download_url"] is None
    assert data["url"].endswith(f"/api/v1/cycles/{PERIOD}/printouts/{data['id']}/")


@pytest.mark.parametrize(
    ("persona", "body", "status"),
    [
        ("head", {"department": "MARKET"}, 403),
        ("employee", {}, 403),
        ("other_employee", {}, 403),
        ("outsider", {}, 404),
        ("token:payroll", {}, 403),  # insufficient_scope
        (None, {}, 401),
    ],
)
def test_others_may_not(call_as, page_quarter: PageQuarter, persona, body, status) -> None:
    error_of(call_as(persona, "POST", START, body), status)
    assert not PrintJob.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"), [({"department": "NOPE"}, "department"), ({"department": 7}, "department")]
)
def test_bad_input_is_named(call_as, page_quarter: PageQuarter, body, field) -> None:
    error = error_of(call_as("hr", "POST", START, body), 400)
    assert [item["field"] for item in error["fields"]] == [field]
    assert not PrintJob.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("hr", 200), ("director", 200), ("head", 200), ("employee", 404), ("outsider", 404)],
)
def test_who_follows_and_downloads_a_head_s_job(
    call_as, personas, page_quarter: PageQuarter, media_root: Path, persona, status
) -> None:
    job = print_now(personas["head"], page_quarter.cycle)
    response = call_as(persona, "GET", job_url(job))
    assert response.status_code == status
    download = call_as(persona, "GET", f"{job_url(job)}forms.pdf")
    assert download.status_code == status
    if status == 200:
        data = response.json()
        assert data["status"] == "done" and data["done"] == data["total"] == 1
        assert data["pages"] >= 1 and data["size"] > 0
        assert data["download_url"].endswith(f"{job_url(job)}forms.pdf")
        assert download["Content-Type"] == "application/pdf"
        body = b"".join(download.streaming_content)
        assert body.startswith(b"%PDF") and "张伟" in pdf_text(body)


def test_hr_s_job_is_not_the_head_s(call_as, personas, page_quarter, media_root) -> None:
    job = print_now(personas["hr"], page_quarter.cycle, "SALES")
    error_of(call_as("head", "GET", job_url(job)), 404)
    error_of(call_as("head", "GET", f"{job_url(job)}forms.pdf"), 404)


def test_a_pdf_not_ready_is_a_409(call_as, page_quarter: PageQuarter) -> None:
    job_id = call_as("hr", "POST", START, {}).json()["id"]
    error_of(call_as("hr", "GET", f"/api/v1/cycles/{PERIOD}/printouts/{job_id}/forms.pdf"), 409)
    PrintJob.objects.update(status=PrintJob.Status.FAILED, error="RuntimeError: boom")
    data = call_as("hr", "GET", f"/api/v1/cycles/{PERIOD}/printouts/{job_id}/").json()
    assert data["status"] == "failed" and data["error"] == "RuntimeError: boom"
    error_of(call_as("hr", "GET", f"/api/v1/cycles/{PERIOD}/printouts/{job_id}/forms.pdf"), 409)


def test_the_schema_documents_the_endpoints() -> None:
    operations = {
        (path, method): operation
        for path, method, operation in schema_operations(api_schema())
        if "printouts" in path
    }
    assert set(operations) == {
        ("/api/v1/cycles/{period}/printouts", "post"),
        ("/api/v1/cycles/{period}/printouts/{job_id}/", "get"),
        ("/api/v1/cycles/{period}/printouts/{job_id}/forms.pdf", "get"),
    }
    for operation in operations.values():
        assert operation["description"] and operation["summary"]
    download = operations[("/api/v1/cycles/{period}/printouts/{job_id}/forms.pdf", "get")]
    assert "application/pdf" in download["responses"]["200"]["content"]
