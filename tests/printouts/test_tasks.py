"""The task of printouts on a real Celery worker (PostgreSQL and Redis): a department's PDF made
chunk by chunk with its progress, and a job that cannot be rendered marked failed. Without
the services these tests skip (or fail with HRPERF_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import pytest

from printouts import services, tasks
from printouts.models import PrintJob
from tests.helpers.pages import PageQuarter
from tests.helpers.printouts import job_pdf, pdf_pages, pdf_text
from tests.helpers.worker import WorkerProcess, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_printout(job: PrintJob, worker: WorkerProcess, seen: list[int]) -> PrintJob:
    def finished() -> bool:
        job.refresh_from_db()
        seen.append(job.done)
        return job.finished

    wait_until(finished, what=f"print job {job.pk} to finish", worker=worker, timeout=90)
    return job


def test_the_worker_makes_a_department_s_pdf(
    page_quarter: PageQuarter, personas, session_worker, worker_environment, settings
) -> None:
    settings.MEDIA_ROOT = worker_environment["MEDIA_ROOT"]
    job = services.printjob_start(
        actor=personas["director"],
        cycle=page_quarter.cycle,
        department_code="SALES",
        language="zh-hans",
    )
    seen: list[int] = []
    job = wait_for_printout(job, session_worker, seen)
    assert job.status == PrintJob.Status.DONE, job.error
    assert job.done == job.total == 2 and seen[-1] == 2 and seen == sorted(seen)
    body = job_pdf(job)
    assert body.startswith(b"%PDF") and body.count(b"/Type /Page") >= pdf_pages(body) == job.pages
    text = pdf_text(body)
    assert "王经理" in text and "张伟" in text and "李娜" not in text


def test_a_job_the_worker_cannot_render_fails_with_its_error(
    page_quarter: PageQuarter, personas, session_worker, worker_environment, settings
) -> None:
    settings.MEDIA_ROOT = worker_environment["MEDIA_ROOT"]
    job = PrintJob.objects.create(
        cycle=page_quarter.cycle,
        requested_by=personas["hr"],
        review_ids=["not a review"],  # what no worker can render
        total=1,
    )
    tasks.render_forms.delay(job.pk)
    job = wait_for_printout(job, session_worker, [])
    assert job.status == PrintJob.Status.FAILED and job.error and not job.file
