"""A whole quarter in the browser, as the issue's "done when" describes it.

HR opens 2026Q3, generates its reviews (a real Celery worker does it, the page shows its
progress), downloads the figures template, fills in the worked examples' figures in Excel and
uploads it; HR and the marketing director each rate the competencies; HR submits; the worker
scores; the director approves in bulk; the employee sees their result; the below-threshold
review's verbal warning is acknowledged by HR. Each persona has a browser context of its own.
Screenshots of the main pages go to test-artifacts/screenshots/.

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) for the worker, and Debian's Chromium.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import FilePayload, Page, expect

from departments.models import Department, Employee
from reviews.models import Review, ReviewCycle, ReviewKpiLine, VerbalWarning
from tests.helpers.browser import post
from tests.helpers.examples import (
    WORKED_EXAMPLES,
    WorkedExample,
    create_catalogue_competencies,
    create_example_kpis,
)
from tests.helpers.quarter_files import fill_template, template_rows
from tests.helpers.review_pages import rate, reload_until_state
from tests.helpers.worker import WorkerProcess

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERIOD = "2026Q3"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The worker generates, and scores, within seconds; allow for a busy machine.
WORKER_TIMEOUT_MS = 60_000
EXAMPLES = {example.employee_no: example for example in WORKED_EXAMPLES}
# The worked example below the warning threshold (60): it gets a verbal warning.
WARNED = next(example for example in WORKED_EXAMPLES if example.verbal_warning)


def catalogue_and_people(departments: dict[str, Department]) -> None:
    """What the issue does not list as a browser step: the catalogue of the worked examples'
    departments and their employees (E00001..E00003 come with the personas)."""
    all_departments = create_example_kpis(departments)
    create_catalogue_competencies()
    Employee.objects.create(
        employee_no="E00004",
        name="赵敏",
        department=all_departments["KEYACCT"],
        position="客户经理",
    )
    Employee.objects.create(
        employee_no="E00005", name="陈静", department=all_departments["QUALITY"], position="质检员"
    )


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"quarter-{name}.png", full_page=True)


def review_of(employee_no: str) -> Review:
    return Review.objects.select_related("employee").get(
        cycle__period=PERIOD, employee__employee_no=employee_no
    )


def set_weights(page: Page, review: Review, example: WorkedExample) -> None:
    """HR corrects the weights that differ from the catalogue's defaults on the review's page."""
    lines = {line.code: line for line in review.kpi_lines.all()}
    changes = {
        lines[code]: values["weight"]
        for code, values in example.lines.items()
        if str(lines[code].weight) != values["weight"]
    }
    if not changes:
        return
    page.goto(f"/reviews/{review.pk}/")
    form = page.get_by_test_id("figures-form")
    for line, weight in changes.items():
        form.locator(f"input[name='weight-{line.pk}']").fill(weight)
    post(page, form.get_by_test_id("figures-save"))
    for line, weight in changes.items():
        assert str(ReviewKpiLine.objects.get(pk=line.pk).weight) == weight, line.code


def test_a_whole_quarter_in_the_browser(
    page_as: Callable[[str], Page],
    personas: dict[str, User],
    departments: dict[str, Department],
    browser_worker: WorkerProcess,
    screenshots: Path,
    tmp_path: Path,
) -> None:
    catalogue_and_people(departments)
    hr = page_as("hr")

    # -- HR opens the quarter -------------------------------------------------------------
    hr.goto("/quarters/")
    open_form = hr.get_by_test_id("open-quarter-form")
    open_form.locator("input[name='period']").fill(PERIOD)
    shoot(hr, screenshots, "01-quarters")
    post(hr, open_form.get_by_test_id("open-quarter"))
    assert ReviewCycle.objects.filter(period=PERIOD).exists()

    # -- HR generates the reviews; the worker does it and the page shows its progress -------
    hr.goto(f"/quarters/{PERIOD}/")
    post(hr, hr.get_by_test_id("generate"))
    progress = hr.get_by_test_id("job-progress")
    expect(progress).to_have_attribute("data-state", "done", timeout=WORKER_TIMEOUT_MS)
    expect(progress).to_have_attribute("data-total", "5")
    expect(progress).to_have_attribute("data-done", "5")
    shoot(hr, screenshots, "02-quarter-generated")
    assert Review.objects.filter(cycle__period=PERIOD).count() == 5

    # -- HR downloads the template, fills in the figures in Excel, uploads it --------------
    with hr.expect_download() as download_info:
        hr.get_by_test_id("template-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    # openpyxl goes by the file name's extension: keep the name the server gave.
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    rows = template_rows(template)
    # Every review × KPI line of the quarter, one row each.
    assert len(rows) == ReviewKpiLine.objects.filter(review__cycle__period=PERIOD).count()
    assert {str(row["employee_no"]) for row in rows} == {f"E0000{n}" for n in range(1, 6)}
    filled = fill_template(template, WORKED_EXAMPLES)
    payload: FilePayload = {"name": "figures-2026Q3.xlsx", "mimeType": XLSX, "buffer": filled}
    import_form = hr.get_by_test_id("import-form")
    import_form.locator("input[name='file']").set_input_files(payload)
    post(hr, import_form.get_by_test_id("import-submit"))
    expect(hr.get_by_test_id("import-result")).to_be_visible()
    expect(hr.get_by_test_id("import-errors")).to_have_count(0)
    shoot(hr, screenshots, "03-import-result")
    for example in WORKED_EXAMPLES:
        lines = {line.code: line for line in review_of(example.employee_no).kpi_lines.all()}
        for code, values in example.lines.items():
            assert lines[code].actual == Decimal(values["actual"]), (example.employee_no, code)
            assert lines[code].target == Decimal(values["target"]), (example.employee_no, code)

    # -- HR corrects the weights that differ from the catalogue (example 2) ----------------
    for example in WORKED_EXAMPLES:
        set_weights(hr, review_of(example.employee_no), example)

    # -- Both assessors rate, each in their own browser -----------------------------------
    director = page_as("director")
    for example in WORKED_EXAMPLES:
        review = review_of(example.employee_no)
        rate(hr, review, "hr", example.hr)
        rate(director, review, "marketing_director", example.director)
    for example in WORKED_EXAMPLES:
        assert review_of(example.employee_no).incomplete_reasons == [], example.employee_no

    # -- HR submits each; the worker scores; the page shows the worked example's total -----
    for example in WORKED_EXAMPLES:
        review = review_of(example.employee_no)
        hr.goto(f"/reviews/{review.pk}/")
        post(hr, hr.get_by_test_id("submit-review"))
        assert review_of(example.employee_no).state != Review.State.DRAFT, example.employee_no
    for example in WORKED_EXAMPLES:
        review = review_of(example.employee_no)
        hr.goto(f"/reviews/{review.pk}/")
        reload_until_state(hr, "scored")
        expect(hr.get_by_test_id("review-total")).to_contain_text(str(example.total_score))
        expect(hr.get_by_test_id("review-grade")).to_contain_text(example.grade)
        review.refresh_from_db()
        assert review.total_score == example.total_score
        if example is EXAMPLES["E00002"]:
            shoot(hr, screenshots, "04-review-scored")
            hr.goto(f"/reviews/{review.pk}/print/")
            expect(hr.locator("body")).to_contain_text(str(example.total_score))
            shoot(hr, screenshots, "05-review-print")
            # As it prints: the print stylesheet, without the site's navigation.
            hr.emulate_media(media="print")
            expect(hr.locator("header.topbar")).to_be_hidden()
            shoot(hr, screenshots, "05-review-print-media")
            hr.emulate_media(media="screen")

    # -- The director approves the four in one go on the queue ----------------------------
    director.goto("/queue/")
    for example in WORKED_EXAMPLES:
        director.get_by_test_id(f"select-{example.employee_no}").check()
    shoot(director, screenshots, "06-queue-selected")
    post(director, director.get_by_test_id("approve-selected"))
    approved = Review.objects.filter(cycle__period=PERIOD, state=Review.State.APPROVED)
    assert set(approved.values_list("employee__employee_no", flat=True)) == set(EXAMPLES)
    for example in WORKED_EXAMPLES:
        expect(director.get_by_test_id(f"select-{example.employee_no}")).to_have_count(0)
    shoot(director, screenshots, "07-queue-after-approval")
    director.goto("/dashboard/")
    shoot(director, screenshots, "08-dashboard-director")

    # -- The employee sees their approved result ------------------------------------------
    mine = EXAMPLES["E00002"]
    employee = page_as("employee")
    employee.goto("/dashboard/")
    expect(employee.get_by_test_id("my-reviews")).to_be_visible()
    row = employee.get_by_test_id(f"my-review-{PERIOD}")
    expect(row).to_contain_text(str(mine.total_score))
    expect(row).to_contain_text(mine.grade)
    shoot(employee, screenshots, "09-dashboard-employee")
    row.locator(f"a[href='/reviews/{review_of(mine.employee_no).pk}/']").first.click()
    expect(employee.get_by_test_id("review-state")).to_have_attribute("data-state", "approved")
    expect(employee.get_by_test_id("review-total")).to_contain_text(str(mine.total_score))
    shoot(employee, screenshots, "10-review-employee")

    # -- The below-threshold review produced a verbal warning; HR acknowledges it ----------
    warning = VerbalWarning.objects.get(review__employee__employee_no=WARNED.employee_no)
    assert warning.total_score == WARNED.total_score
    assert not VerbalWarning.objects.exclude(pk=warning.pk).exists()
    hr.goto("/warnings/")
    warning_row = hr.get_by_test_id(f"warning-row-{WARNED.employee_no}")
    expect(warning_row).to_contain_text(str(WARNED.total_score))
    note = "已于 10 月 9 日进行绩效面谈，制定了改进计划，下季度跟进。"
    warning_row.locator("textarea[name='note']").fill(note)
    shoot(hr, screenshots, "11-warnings")
    post(hr, warning_row.get_by_test_id(f"acknowledge-{WARNED.employee_no}"))
    warning.refresh_from_db()
    assert warning.acknowledged_at is not None
    assert warning.note == note
    assert warning.acknowledged_by == personas["hr"]
    shoot(hr, screenshots, "12-warnings-acknowledged")

    # -- HR's dashboard and the reports, in Chinese, then the interface in English ----------
    hr.goto("/dashboard/")
    expect(hr.locator("html")).to_have_attribute("lang", "zh-hans")
    shoot(hr, screenshots, "13-dashboard-hr")
    hr.goto("/reports/")
    expect(hr.get_by_test_id("department-trend")).to_be_visible()
    shoot(hr, screenshots, "14-reports")
    hr.get_by_test_id("lang-en").click()
    expect(hr.locator("html")).to_have_attribute("lang", "en")
    expect(hr.locator("nav.mainnav")).to_contain_text("Quarters")
    expect(hr.locator("nav.mainnav")).to_contain_text("Reports")
    shoot(hr, screenshots, "15-reports-en")
    hr.goto(f"/quarters/{PERIOD}/")
    expect(hr.locator("html")).to_have_attribute("lang", "en")
    shoot(hr, screenshots, "16-quarter-en")
