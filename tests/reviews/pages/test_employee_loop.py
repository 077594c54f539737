"""The employee's side of a quarter in the browser, each person in a browser of their own and a
real Celery worker scoring:

1. the employee self-assesses with evidence; both assessors see it and rate; HR submits; the
   worker scores; the director approves; the employee appeals one KPI line with evidence; HR
   accepts; HR corrects the figure and submits; the worker rescores; the director approves
   again; the payroll feed shows version 2 with the new total;
2. a warned review: HR records the performance conversation, the employee acknowledges it, HR
   starts an improvement plan with two goals, two check-ins follow; the next quarter the
   employee is warned again by the worker, which makes a written warning that HR and the
   director see flagged; HR judges the plan against that review.

Each page reached from the dashboard's to-do list where the person would start. Screenshots go
to test-artifacts/screenshots/. Needs PostgreSQL and Redis for the worker, and Chromium.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from appeals.models import Appeal
from calendars.models import QuarterDeadlines
from evidence.models import EvidenceFile, Purpose
from improvement.models import Conversation, Plan, WrittenWarning
from reviews import services
from reviews.models import Review, VerbalWarning
from selfassessments.models import SelfAssessment
from tests.helpers.browser import PHONE, fits_the_screen, post
from tests.helpers.evidence import pdf_bytes
from tests.helpers.examples import COMPETENCY_CODES, WORKED_EXAMPLES
from tests.helpers.pages import PERIOD, approve, generate_now
from tests.helpers.review_pages import rate, reload_until_state
from tests.helpers.worker import WorkerProcess

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMPLE = WORKED_EXAMPLES[0]  # example 1, E00002, the employee persona: 92.04, A
WARNED = WORKED_EXAMPLES[2]  # example 3, E00003, other_employee: 50.00, D, a verbal warning
# Example 1 with the disputed line corrected: SALES_PLAN_RATE 92 → 100 (target 100, weight
# 30). K = (30×100 + 30×110 + 20×80 + 20×94.736842…)/100 = 97.947368… → 97.95;
# T = (80×97.947368… + 20×78)/100 = 93.957894… → 93.96, still A.
CORRECTED_TOTAL = Decimal("93.96")


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"loop-{name}.png", full_page=True)


def shoot_phone(page: Page, folder: Path, name: str) -> None:
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page), f"{name} does not fit a 375 px screen"
    shoot(page, folder, f"{name}-375")
    if size is not None:
        page.set_viewport_size(size)


def from_the_todo_list(page: Page, kind: str) -> None:
    """Open the dashboard and follow its to-do item of that kind."""
    page.goto("/dashboard/")
    item = page.locator(f"[data-testid=todos] li[data-kind={kind}] a")
    expect(item).to_be_visible()
    item.click()
    page.wait_for_load_state()


def the_review(employee_no: str, period: str = PERIOD) -> Review:
    return Review.objects.get(cycle__period=period, employee__employee_no=employee_no)


def set_figures(
    personas: dict[str, User], review: Review, lines: Mapping[str, Mapping[str, str]]
) -> Review:
    ids = {line.code: line.pk for line in review.kpi_lines.all()}
    return services.review_set_figures(
        actor=personas["hr"],
        review=review,
        figures={ids[code]: values for code, values in lines.items()},
    )


def self_assess(page: Page, review: Review, evidence: Path) -> None:
    from_the_todo_list(page, "self_assess")
    expect(page.get_by_test_id("self-assessment-form")).to_be_visible()
    for line in review.kpi_lines.all():
        page.fill(f"#line-{line.pk}", f"{line.name_zh}：按计划推进，详见附件。")
    page.fill("#summary", "本季度完成了主要目标，新开拓客户 3 家，回款及时。")
    for fieldset in page.locator("fieldset.sa-rating").all():
        fieldset.locator("input[type=radio][value='5']").check()
    post(page, page.get_by_test_id("self-assessment-save"))
    page.set_input_files("#evidence-file", str(evidence))
    post(page, page.get_by_test_id("evidence-upload-button"))
    expect(page.get_by_test_id("self-assessment-evidence")).to_contain_text(evidence.name)
    post(page, page.get_by_test_id("self-assessment-submit"))
    post(page, page.get_by_test_id("self-assessment-confirm-submit"))
    expect(page.get_by_test_id("self-assessment-closed")).to_be_visible()


def submit_and_wait(hr: Page, review: Review) -> None:
    hr.goto(f"/reviews/{review.pk}/")
    post(hr, hr.get_by_test_id("submit-review"))
    reload_until_state(hr, "scored")


def approve_on_the_page(director: Page, review: Review) -> None:
    director.goto(f"/reviews/{review.pk}/")
    post(director, director.get_by_test_id("approve-review"))
    expect(director.get_by_test_id("review-state")).to_have_attribute("data-state", "approved")


def test_self_assessment_appeal_and_the_second_version_in_payroll(
    page_as: Callable[[str], Page],
    personas: dict[str, User],
    page_quarter,
    browser_worker: WorkerProcess,
    token_for: Callable[[str], str],
    screenshots: Path,
    tmp_path: Path,
) -> None:
    today = timezone.localdate()
    QuarterDeadlines.objects.create(
        cycle=page_quarter.cycle,
        self_assessment_due=today + timedelta(days=3),
        rating_due=today + timedelta(days=7),
        approval_due=today + timedelta(days=10),
    )
    review = set_figures(personas, the_review(EXAMPLE.employee_no), EXAMPLE.lines)

    # -- the employee self-assesses, with evidence, from their to-do list ------------------
    employee = page_as("employee")
    evidence = tmp_path / "销售明细.pdf"
    evidence.write_bytes(pdf_bytes())
    self_assess(employee, review, evidence)
    shoot(employee, screenshots, "01-self-assessment-submitted")
    shoot_phone(employee, screenshots, "01-self-assessment-submitted")
    assert SelfAssessment.objects.get(review=review).state == SelfAssessment.State.SUBMITTED

    # -- both assessors see it while they rate; HR submits; the worker scores ------------
    hr, director = page_as("hr"), page_as("director")
    for page in (hr, director):
        page.goto(f"/reviews/{review.pk}/")
        panel = page.get_by_test_id("review-self-assessment")
        expect(panel).to_contain_text("新开拓客户 3 家")
        expect(panel).to_contain_text("销售明细.pdf")
    shoot(director, screenshots, "02-review-with-self-assessment")
    rate(hr, review, "hr", EXAMPLE.hr)
    rate(director, review, "marketing_director", EXAMPLE.director)
    submit_and_wait(hr, review)
    # The self ratings (5, 5, 5, 5) are advisory: the worked example's figures stand.
    expect(hr.get_by_test_id("review-total")).to_contain_text(str(EXAMPLE.total_score))
    expect(hr.get_by_test_id("advisory-self")).to_be_visible()
    approve_on_the_page(director, review)

    # -- the employee appeals one KPI line, with evidence --------------------------------
    from_the_todo_list(employee, "confirm_result")
    expect(employee.get_by_test_id("result-confirmation")).to_be_visible()
    shoot_phone(employee, screenshots, "03-result-to-confirm")
    employee.get_by_test_id("appeal-result").click()
    disputed = review.kpi_lines.get(code="SALES_PLAN_RATE")
    employee.get_by_test_id(f"item-line:{disputed.pk}").check()
    employee.get_by_test_id("grounds").fill("CRM 显示本季度销售计划完成率为 100%，而非 92%。")
    crm = tmp_path / "CRM导出.pdf"
    crm.write_bytes(pdf_bytes())
    employee.get_by_test_id("appeal-evidence").set_input_files(str(crm))
    shoot_phone(employee, screenshots, "04-appeal-form")
    post(employee, employee.get_by_test_id("file-appeal"))
    expect(employee.get_by_test_id("appeal-status")).to_be_visible()
    appeal = Appeal.objects.get(review=review)
    assert [item.line_id for item in appeal.items.all()] == [disputed.pk]
    assert EvidenceFile.objects.filter(purpose=Purpose.APPEAL, ref=appeal.pk).count() == 1

    # -- HR accepts it from the to-do list: the review is reopened -----------------------
    from_the_todo_list(hr, "answer_appeal")
    hr.get_by_test_id(f"appeal-row-{appeal.pk}").get_by_role("link").first.click()
    expect(hr.get_by_test_id("appeal-evidence-list")).to_contain_text("CRM导出.pdf")
    hr.get_by_test_id("answer-reason").fill("已核对 CRM，销售计划完成率应为 100%，予以更正。")
    shoot(hr, screenshots, "05-appeal-to-answer")
    post(hr, hr.get_by_test_id("accept-appeal"))
    expect(hr.get_by_test_id("appeal-answer")).to_contain_text("予以更正")
    review.refresh_from_db()
    assert (review.state, review.version) == (Review.State.REOPENED, 2)

    # -- HR corrects the figure; the worker rescores; the director approves version 2 ----
    hr.goto(f"/reviews/{review.pk}/")
    form = hr.get_by_test_id("figures-form")
    form.locator(f"input[name='actual-{disputed.pk}']").fill("100")
    post(hr, form.get_by_test_id("figures-save"))
    submit_and_wait(hr, review)
    expect(hr.get_by_test_id("review-total")).to_contain_text(str(CORRECTED_TOTAL))
    approve_on_the_page(director, review)
    shoot(director, screenshots, "06-approved-again")

    employee.goto(f"/appeals/{appeal.pk}/")
    expect(employee.get_by_test_id("appeal-status")).to_be_visible()
    shoot_phone(employee, screenshots, "07-appeal-answered")

    # -- payroll pulls version 2 with the new total ------------------------------------
    payroll = APIClient()
    payroll.credentials(HTTP_AUTHORIZATION=f"Token {token_for('payroll')}")
    response = payroll.get("/api/v1/payroll/scores/", {"period": PERIOD})
    assert response.status_code == 200, response.content
    rows = [row for row in response.json()["results"] if row["employee_no"] == "E00002"]
    assert len(rows) == 1, rows
    assert rows[0]["version"] == 2
    assert rows[0]["total_score"] == str(CORRECTED_TOTAL)
    assert rows[0]["grade"] == "A"


def record_conversation(hr: Page, review: Review) -> None:
    from_the_todo_list(hr, "hold_conversation")
    if not hr.get_by_test_id("conversation-form").is_visible():
        hr.goto(f"/reviews/{review.pk}/")
        hr.get_by_test_id("record-conversation").click()
    form = hr.get_by_test_id("conversation-form")
    form.locator("[name=held_on]").fill(timezone.localdate().isoformat())
    form.locator("[name=participants]").fill("李娜\n王经理\n人力资源部 赵丽")
    form.locator("[name=summary]").fill("市场开发计划完成率 40%，主要原因是渠道资源不足。")
    form.locator("[name=action-0]").fill("每周提交渠道开发进度")
    form.locator("[name=owner-0]").fill("李娜")
    form.locator("[name=due_on-0]").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    post(hr, hr.get_by_test_id("save-conversation"))
    expect(hr.get_by_test_id("conversation")).to_be_visible()


def start_plan(hr: Page, review: Review) -> Plan:
    hr.goto(f"/reviews/{review.pk}/")
    hr.get_by_test_id("start-plan").click()
    form = hr.get_by_test_id("plan-form")
    today = timezone.localdate()
    # Started when the quarter's result came, a month ago: its check-ins are behind us.
    form.locator("[name=starts_on]").fill((today - timedelta(days=30)).isoformat())
    form.locator("[name=ends_on]").fill((today + timedelta(days=90)).isoformat())
    goals = (("市场开发计划完成率", "80", "%"), ("新签渠道合作伙伴", "5", "家"))
    for index, (description, value, unit) in enumerate(goals):
        form.locator(f"[name=description-{index}]").fill(description)
        form.locator(f"[name=target_value-{index}]").fill(value)
        form.locator(f"[name=target_unit-{index}]").fill(unit)
        form.locator(f"[name=due_on-{index}]").fill((today + timedelta(days=60)).isoformat())
    post(hr, hr.get_by_test_id("save-plan"))
    expect(hr.get_by_test_id("plan-goals")).to_contain_text("新签渠道合作伙伴")
    return Plan.objects.get(employee__employee_no=WARNED.employee_no)


def check_in(hr: Page, plan: Plan, days: int, overall: str) -> None:
    hr.goto(f"/plans/{plan.pk}/")
    form = hr.get_by_test_id("check-in-form")
    form.locator("[name=held_on]").fill((timezone.localdate() + timedelta(days=days)).isoformat())
    form.locator("[name=overall]").fill(overall)
    post(hr, hr.get_by_test_id("save-check-in"))
    expect(hr.get_by_test_id("plan-check-ins")).to_contain_text(overall)


def test_a_warning_a_conversation_a_plan_and_a_second_warning_that_escalates(
    page_as: Callable[[str], Page],
    personas: dict[str, User],
    page_quarter,
    browser_worker: WorkerProcess,
    screenshots: Path,
) -> None:
    first = approve(personas, the_review(WARNED.employee_no))
    assert first.verbal_warning
    hr = page_as("hr")

    # -- the conversation, recorded by HR and acknowledged by the employee -----------------
    record_conversation(hr, first)
    shoot(hr, screenshots, "11-conversation")
    conversation = Conversation.objects.get(review=first)
    employee = page_as("other_employee")
    from_the_todo_list(employee, "acknowledge_conversation")
    shoot_phone(employee, screenshots, "12-my-improvement")
    employee.get_by_test_id("my-conversations").get_by_role("link").first.click()
    expect(employee.get_by_test_id("summary")).to_contain_text("渠道资源不足")
    post(employee, employee.get_by_test_id("acknowledge-conversation"))
    expect(employee.get_by_test_id("conversation-acknowledgement")).to_be_visible()
    shoot_phone(employee, screenshots, "13-conversation-acknowledged")
    conversation.refresh_from_db()
    assert conversation.acknowledged_at is not None

    # -- the improvement plan, with two goals and two check-ins ----------------------------
    plan = start_plan(hr, first)
    check_in(hr, plan, -20, "渠道开发进度 50%，新签 2 家。")
    check_in(hr, plan, -5, "渠道开发进度 70%，新签 4 家。")
    shoot(hr, screenshots, "14-plan")
    assert plan.check_ins.count() == 2

    # -- the next quarter: HR submits, the worker scores, warns again and escalates --------
    next_quarter = services.cycle_open(actor=personas["hr"], period="2026Q4")
    generate_now(next_quarter)
    again = set_figures(personas, the_review(WARNED.employee_no, "2026Q4"), WARNED.lines)
    for role, values in (("marketing_director", WARNED.director), ("hr", WARNED.hr)):
        again = services.review_rate(
            actor=personas["director" if role == "marketing_director" else "hr"],
            review=again,
            assessor_role=role,
            ratings=dict(zip(COMPETENCY_CODES, values, strict=True)),
        )
    submit_and_wait(hr, again)
    assert (
        VerbalWarning.objects.filter(review__employee__employee_no=WARNED.employee_no).count() == 2
    )
    written = WrittenWarning.objects.get()
    assert written.review_id == again.pk

    # -- flagged to HR and the director on the dashboard and in the warnings list ----------
    director = page_as("director")
    for page in (hr, director):
        page.goto("/dashboard/")
        expect(page.get_by_test_id(f"written-{WARNED.employee_no}").first).to_be_visible()
    shoot(director, screenshots, "15-dashboard-written-warning")
    hr.goto("/warnings/?written=yes")
    expect(hr.locator("main")).to_contain_text(WARNED.employee_no)
    shoot(hr, screenshots, "16-warnings-written")

    # -- HR judges the plan against the next quarter's review -----------------------------
    hr.goto(f"/plans/{plan.pk}/")
    expect(hr.get_by_test_id("next-review")).to_contain_text("50.00")
    form = hr.get_by_test_id("judge-form")
    form.locator("[name=outcome]").select_option("failed")
    form.locator("[name=reason]").fill("下季度总分 50.00，仍低于警告线。")
    post(hr, hr.get_by_test_id("judge-plan"))
    expect(hr.get_by_test_id("plan-outcome")).to_be_visible()
    shoot(hr, screenshots, "17-plan-judged")
    plan.refresh_from_db()
    assert plan.outcome == Plan.Outcome.FAILED
