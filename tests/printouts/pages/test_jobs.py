"""The pages of printouts, per persona: the quarter page's panel and the review list's button,
starting a job, its page (and the htmx fragment that polls), the recent jobs, the download, a
failed job's page (never a 500)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from printouts.models import PrintJob
from tests.helpers.pages import PERIOD, PageQuarter
from tests.helpers.printouts import pdf_text, print_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    """The personas' clients, asking for English (the tests read the buttons' words)."""

    def make(name):
        client = client_for(name)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def quarter_page(client) -> str:
    response = client.get(reverse("reviews:quarter", args=[PERIOD]))
    assert response.status_code == 200
    return response.content.decode()


def start(client, department: str = ""):
    return client.post(reverse("printouts:printouts", args=[PERIOD]), {"department": department})


def job_url(job: PrintJob, name: str = "job") -> str:
    return reverse(f"printouts:{name}", args=[PERIOD, job.pk])


@pytest.mark.parametrize("persona", ["hr", "director"])
def test_staff_see_the_whole_quarter_and_each_department(
    client_for, page_quarter: PageQuarter, persona
) -> None:
    html = quarter_page(client_for(persona))
    assert 'data-testid="quarter-printouts"' in html
    assert 'data-testid="printout-start"' in html
    assert "PDF of all forms (5)" in html
    assert 'data-testid="printout-start-SALES"' in html and "PDF of all forms (2)" in html
    assert 'data-testid="printout-start-MARKET"' in html and "PDF of the form (1)" in html


def test_a_head_sees_only_their_department_without_their_own_form(
    client_for, page_quarter: PageQuarter
) -> None:
    html = quarter_page(client_for("head"))
    assert 'data-testid="printout-start-SALES"' in html and "PDF of the form (1)" in html
    assert 'data-testid="printout-start"' not in html
    assert 'data-testid="printout-start-MARKET"' not in html


@pytest.mark.parametrize("persona", ["hr", "director", "head"])
def test_starting_a_job_leads_to_its_page(client_for, page_quarter: PageQuarter, persona) -> None:
    client = client_for(persona)
    response = start(client, "SALES")
    job = PrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    page = client.get(job_url(job))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="printout-progress"' in html and 'data-state="queued"' in html
    assert "hx-get" in html and 'data-testid="printout-download"' not in html
    fragment = client.get(job_url(job), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and b"<html" not in fragment.content


@pytest.mark.parametrize(
    ("persona", "department", "status"),
    [
        ("employee", "SALES", 403),
        ("other_employee", "", 403),
        ("outsider", "", 403),
        ("head", "MARKET", 403),
        (None, "", 302),  # to the login page
    ],
)
def test_others_may_not_start(client_for, page_quarter, persona, department, status) -> None:
    response = start(client_for(persona), department)
    assert response.status_code == status
    if status == 302:
        assert "/login/" in response["Location"]
    assert not PrintJob.objects.exists()


def test_nothing_to_print_is_said_not_a_500(client_for, page_quarter: PageQuarter) -> None:
    response = start(client_for("hr"), "NOPE")
    assert response.status_code == 400
    assert b"There is no department with this code." in response.content
    assert not PrintJob.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 200),  # their own job
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
    ],
)
def test_who_downloads_a_head_s_pdf(
    client_for, personas, page_quarter: PageQuarter, media_root: Path, persona, status
) -> None:
    job = print_now(personas["head"], page_quarter.cycle)
    response = client_for(persona).get(job_url(job, "download"))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert f"review-forms-{PERIOD}-SALES.pdf" in response["Content-Disposition"]
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF") and "张伟" in pdf_text(body)


@pytest.mark.parametrize(("persona", "status"), [("hr", 200), ("director", 200), ("head", 404)])
def test_a_head_never_gets_hr_s_pdf_of_their_department(
    client_for, personas, page_quarter: PageQuarter, media_root: Path, persona, status
) -> None:
    """HR's PDF of SALES holds the head's own form, which the head may not see."""
    job = print_now(personas["hr"], page_quarter.cycle, "SALES")
    client = client_for(persona)
    assert client.get(job_url(job, "download")).status_code == status
    assert client.get(job_url(job)).status_code == status
    html = quarter_page(client)
    assert (f'data-testid="printout-download-{job.pk}"' in html) is (status == 200)


def test_a_finished_job_offers_its_download(
    client_for, personas, page_quarter: PageQuarter, media_root: Path
) -> None:
    job = print_now(personas["hr"], page_quarter.cycle, "SALES")
    html = client_for("hr").get(job_url(job)).content.decode()
    assert 'data-state="done"' in html and "hx-get" not in html
    assert f'href="{job_url(job, "download")}"' in html and "100%" in html


def test_a_job_not_done_has_no_file(client_for, personas, page_quarter: PageQuarter) -> None:
    start(client_for("hr"), "SALES")
    job = PrintJob.objects.get()
    assert client_for("hr").get(job_url(job, "download")).status_code == 404


def test_a_failed_job_says_so(client_for, personas, page_quarter: PageQuarter) -> None:
    start(client_for("hr"), "SALES")
    PrintJob.objects.update(status=PrintJob.Status.FAILED, error="RuntimeError: no fonts")
    job = PrintJob.objects.get()
    response = client_for("hr").get(job_url(job))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="printout-error"' in html and "RuntimeError: no fonts" in html
    assert "hx-get" not in html
    assert client_for("hr").get(job_url(job, "download")).status_code == 404


def test_the_review_list_filtered_by_department_has_its_button(
    client_for, page_quarter: PageQuarter
) -> None:
    url = reverse("reviews:review_list", args=[PERIOD])
    sales = page_quarter.reviews["E00002"].department_id
    html = client_for("hr").get(url, {"department": sales}).content.decode()
    assert 'data-testid="printout-start-SALES"' in html and "PDF of all forms (2)" in html
    assert 'data-testid="printout-department"' not in client_for("hr").get(url).content.decode()


def test_the_list_of_the_quarter_s_pdfs(
    client_for, personas, page_quarter: PageQuarter, media_root: Path
) -> None:
    job = print_now(personas["director"], page_quarter.cycle)
    response = client_for("director").get(reverse("printouts:printouts", args=[PERIOD]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="printout-job-{job.pk}" data-status="done"' in html
    listed = client_for("employee").get(reverse("printouts:printouts", args=[PERIOD]))
    assert listed.status_code == 403
