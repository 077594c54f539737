"""Helpers of the tests of printouts: a print job run here as the worker would, the text and
pages of a PDF, and the browser step that makes and downloads a quarter's PDF."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from pypdf import PdfReader

from printouts import services
from printouts.models import PrintJob
from reviews.models import ReviewCycle


def print_now(
    actor: User, cycle: ReviewCycle, department: str | None = None, *, chunk_size: int = 1
) -> PrintJob:
    """Start a print job and run it in this process, as the worker would."""
    job = services.printjob_start(
        actor=actor, cycle=cycle, department_code=department, language="zh-hans"
    )
    return services.printjob_run(job_id=job.pk, chunk_size=chunk_size)


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)


def pdf_pages(body: bytes) -> int:
    return len(PdfReader(io.BytesIO(body)).pages)


def job_pdf(job: PrintJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def download_forms_pdf(
    page: Any, period: str, *, department: str = "", folder: Path | None = None
) -> Path:
    """In the browser: on the quarter page, start the PDF of all forms (of `department`, a code;
    empty: the whole quarter), wait on the job's page for the worker to finish it, download it
    and return where it was saved. Needs a worker on the browser queue (`browser_worker`)."""
    page.goto(f"/quarters/{period}/")
    testid = f"printout-start-{department}" if department else "printout-start"
    page.get_by_test_id(testid).click()
    page.wait_for_url(f"**/quarters/{period}/printouts/*/")
    link = page.get_by_test_id("printout-download")
    link.wait_for(state="visible", timeout=120_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    target = (folder or Path(download.path()).parent) / download.suggested_filename
    download.save_as(str(target))
    return target
