"""HR makes the PDF of a department's forms in the browser, with a real worker: the quarter
page's button, the job's page following the progress (htmx), the download; the head does the
same at 375 px. Screenshots go to test-artifacts/ (and HRPERF_SHOTS, if set)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from printouts.models import PrintJob
from tests.helpers.browser import fits_the_screen
from tests.helpers.pages import PERIOD
from tests.helpers.printouts import download_forms_pdf, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page: Page, folder: Path, name: str) -> None:
    for width, suffix in ((1366, "desktop"), (375, "375")):
        page.set_viewport_size({"width": width, "height": 900})
        path = folder / f"printouts-{name}-{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        extra = os.environ.get("HRPERF_SHOTS")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(extra) / path.name), full_page=True)
        assert fits_the_screen(page), f"{name} overflows at {width}"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_hr_downloads_a_department_s_forms(
    page_as: Any,
    page_quarter: Any,
    browser_worker: Any,
    worker_environment: dict[str, str],
    settings: Any,
    screenshots: Path,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = worker_environment["MEDIA_ROOT"]
    hr = page_as("hr")
    hr.goto(f"/quarters/{PERIOD}/")
    expect(hr.get_by_test_id("quarter-printouts")).to_be_visible()
    expect(hr.get_by_test_id("printout-start-SALES")).to_contain_text("2")
    shoot(hr, screenshots, "quarter")
    saved = download_forms_pdf(hr, PERIOD, department="SALES", folder=tmp_path)
    shoot(hr, screenshots, "job-done")
    body = saved.read_bytes()
    assert saved.name == f"review-forms-{PERIOD}-SALES.pdf" and body.startswith(b"%PDF")
    text = pdf_text(body)
    assert "王经理" in text and "张伟" in text
    job = PrintJob.objects.get()
    assert job.status == PrintJob.Status.DONE and job.done == job.total == 2


def test_the_head_makes_their_department_s_pdf_on_a_phone(
    page_as: Any,
    page_quarter: Any,
    browser_worker: Any,
    worker_environment: dict[str, str],
    settings: Any,
    screenshots: Path,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = worker_environment["MEDIA_ROOT"]
    head = page_as("head")
    head.set_viewport_size({"width": 375, "height": 800})
    head.goto(f"/quarters/{PERIOD}/")
    expect(head.get_by_test_id("printout-start")).to_have_count(0)
    assert fits_the_screen(head)
    saved = download_forms_pdf(head, PERIOD, department="SALES", folder=tmp_path)
    assert fits_the_screen(head)
    text = pdf_text(saved.read_bytes())
    assert "张伟" in text and "王经理" not in text
    head.goto(f"/quarters/{PERIOD}/printouts/")
    shoot(head, screenshots, "list-head")
