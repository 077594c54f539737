"""HR's day in the browser: log in, read the catalogue in both languages, print a job
description, and import the roster, with screenshots of every page in test-artifacts/."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import FilePayload, Page, expect

from departments.models import Department, Employee
from tests.helpers.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD_ROSTER = (
    "employee_no,name,department_code,position,hire_date,active,is_department_head\r\n"
    "E09001,赵六,SALES,销售代表,2024-03-01,true,false\r\n"
    "E09002,钱七,MARKET,市场专员,2025-01-15,true,false\r\n"
).encode("utf-8-sig")
BAD_ROSTER = (
    "employee_no,name,department_code,position,hire_date,active,is_department_head\r\n"
    "E09003,孙八,NOPE,销售代表,2024-03-01,true,false\r\n"
    "E09004,,SALES,销售代表,2024-02-30,true,false\r\n"
).encode("utf-8-sig")


@pytest.fixture
def catalogue(personas: dict[str, User]) -> None:
    call_command("load_catalogue", stdout=io.StringIO())


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/catalogue/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/catalogue/$"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()


def csv_payload(name: str, data: bytes) -> FilePayload:
    return {"name": name, "mimeType": "text/csv", "buffer": data}


def department_names(page: Page) -> list[str]:
    return page.locator("table.catalogue .department-name").all_inner_texts()


def test_hr_reads_the_catalogue_prints_a_job_description_and_imports_the_roster(
    page: Page, live_server, catalogue: None, screenshots: Path
) -> None:
    base = live_server.url
    log_in(page, base, "hr")

    # The catalogue, in Chinese (the browser asks for Chinese).
    expect(page).to_have_url(f"{base}/catalogue/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("table.catalogue tbody tr")).to_have_count(30)
    assert department_names(page)[:2] == ["市场部", "销售部"]
    expect(page.locator("tr[data-code=SALES] .badge.seed")).to_be_visible()
    expect(page.locator(".legend .badge")).to_have_count(3)
    page.screenshot(path=screenshots / "catalogue-zh.png", full_page=True)

    # Switch to English with the language buttons.
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("table.catalogue .department-name").first).to_have_text(
        "Marketing Department"
    )
    # Only the viewer's language: no Chinese subtitle under the English name.
    expect(page.locator("tr[data-code=SALES] .other-language")).to_have_count(0)
    page.screenshot(path=screenshots / "catalogue-en.png", full_page=True)

    # Search: a KPI name finds the departments that measure it.
    page.fill("#id_q", "collection rate")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"\?q=collection\+rate"))
    codes = page.locator("table.catalogue tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.code)"
    )
    assert "SALES" in codes
    assert 0 < len(codes) < 30
    expect(page.get_by_test_id("result-count")).to_contain_text(f"{len(codes)} of 30")
    page.screenshot(path=screenshots / "catalogue-search.png", full_page=True)

    # A department's job description.
    page.locator("tr[data-code=SALES] a.department-name").click()
    expect(page).to_have_url(f"{base}/catalogue/SALES/")
    expect(page.locator("h1")).to_have_text("Sales Manager")
    expect(page.locator("table.kpis tbody tr")).to_have_count(
        Department.objects.get(code="SALES").kpis.filter(is_active=True).count()
    )
    expect(page.locator("tr[data-kpi=SALES_REVENUE]")).to_contain_text("Set each cycle")
    expect(page.locator("ol.competencies li")).to_have_count(4)
    expect(page.locator(".topbar")).to_be_visible()
    page.screenshot(path=screenshots / "department-en.png", full_page=True)

    # The Print button opens the print dialog.
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_test_id("print").click()
    assert page.evaluate("window.printed") is True

    # Printed: no navigation, no buttons, the title of a job description, A4 pages.
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_test_id("print")).to_be_hidden()
    expect(page.get_by_test_id("back-to-catalogue")).to_be_hidden()
    expect(page.get_by_test_id("doc-title")).to_be_visible()
    expect(page.get_by_test_id("doc-title")).to_contain_text("Job description")
    page.screenshot(path=screenshots / "department-print.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"the job description takes {pages} A4 pages"
    (screenshots / "department-print.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")

    # The roster, and an import through the form.
    page.get_by_role("link", name="Roster").click()
    expect(page).to_have_url(f"{base}/roster/")
    expect(page.locator("table.roster tbody tr")).to_have_count(3)
    page.get_by_test_id("import-roster").click()
    expect(page).to_have_url(f"{base}/roster/import/")
    page.screenshot(path=screenshots / "roster-import.png", full_page=True)
    page.set_input_files("#id_file", files=csv_payload("roster.csv", GOOD_ROSTER))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page).to_have_url(f"{base}/roster/")
    expect(page.locator(".message.success")).to_have_text(
        "Imported: 2 new, 0 updated, 0 unchanged."
    )
    expect(page.locator("tr[data-employee=E09001]")).to_contain_text("赵六")
    expect(page.locator("tr[data-employee=E09001]")).to_contain_text("Sales Department")
    page.screenshot(path=screenshots / "roster.png", full_page=True)

    # A bad file: every problem listed by row and column, nothing saved.
    page.get_by_test_id("import-roster").click()
    page.set_input_files("#id_file", files=csv_payload("bad.csv", BAD_ROSTER))
    page.get_by_role("button", name="Import", exact=True).click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    rows = errors.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("2")
    expect(rows.nth(0)).to_contain_text("department_code")
    expect(rows.nth(0)).to_contain_text("NOPE")
    expect(rows.nth(1)).to_contain_text("name")
    expect(rows.nth(2)).to_contain_text("hire_date")
    page.screenshot(path=screenshots / "roster-import-errors.png", full_page=True)
    assert not Employee.objects.filter(employee_no__in=["E09003", "E09004"]).exists()


def test_a_job_description_prints_in_chinese(
    page: Page, live_server, catalogue: None, screenshots: Path
) -> None:
    log_in(page, live_server.url, "employee")
    page.goto(f"{live_server.url}/catalogue/MARKET/")
    expect(page.locator("h1")).to_have_text("市场部经理")
    expect(page.locator("ol.duties li").first).to_contain_text("市场开发计划")
    page.screenshot(path=screenshots / "department-zh.png", full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    page.screenshot(path=screenshots / "department-zh-print.png", full_page=True)


def test_a_department_head_sees_only_their_department_in_the_roster(
    page: Page, live_server, catalogue: None, screenshots: Path
) -> None:
    log_in(page, live_server.url, "head")
    page.goto(f"{live_server.url}/roster/")
    employees = page.locator("table.roster tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.employee)"
    )
    assert employees == ["E00001", "E00002"]
    expect(page.locator("#id_department")).to_have_count(0)
    expect(page.get_by_test_id("import-roster")).to_have_count(0)
    page.screenshot(path=screenshots / "roster-head-zh.png", full_page=True)
