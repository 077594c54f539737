"""A quarter at human scale in the browser, each person in a browser of their own and a real
Celery worker scoring and printing:

1. HR opens the quarter with relative grading by department (quotas 10/20/40/20/10, groups of
   at least 10) and a hard limit (S at most 10 %); the sales department's ten reviews are
   generated and their KPI figures entered through the services;
2. HR, then the director, rate the department on the rating grid by keyboard only;
3. HR submits every complete review of the department at once; the worker scores them;
4. the director calibrates: the distribution with the breach marked, the group locked with a
   reason (the grades become relative, checked against scoring.md v2), the 9-box and its
   drill-down, the assessors' leniency;
5. the director approves all: refused without a reason (two tied at the top are both S, 20 %
   against a limit of 10 %: ties go up), then approved with one, kept in the audit trail;
6. HR closes the quarter: the review page offers no action any more;
7. HR downloads the PDF of the department's forms: one form per review.

Screenshots go to test-artifacts/screenshots/ (scale-*.png). Needs PostgreSQL and Redis for
the worker, and Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from departments.models import Department, Employee
from hrperf.lib.errors import Conflict
from reviews import scoring, services
from reviews.models import AuditEvent, CalibrationLock, CompetencyRating, Review, ReviewCycle
from reviews.policies import current_policy, to_scoring
from tests.helpers.browser import PHONE, fits_the_screen, post
from tests.helpers.bulk_pages import approve_all, bulk_submit
from tests.helpers.closing import close_quarter
from tests.helpers.examples import COMPETENCY_CODES, create_catalogue_competencies
from tests.helpers.grid_pages import grid_open, grid_rate_by_keyboard, grid_save_by_keyboard
from tests.helpers.pages import PERIOD, generate_now
from tests.helpers.printouts import download_forms_pdf
from tests.helpers.worker import WorkerProcess, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Person:
    employee_no: str
    name: str
    actual: str  # SALES_PLAN_RATE, target 100, weight 100: K = actual (cap 120)
    director: tuple[int, ...]
    hr: tuple[int, ...]
    total: Decimal  # T = 0.8 K + 0.2 (0.6 C_director + 0.4 C_hr)
    absolute: str  # the bands' grade
    relative: str  # the grade of its rank: seats of 10 are S 1, A 2, B 4, C 2, D 1


# Ranked by total. The two at the top tie: both take position 1, S (ties go up), so the
# department has 2 S of 10, over the hard limit of 10 %. Position 3 is A, 4-7 B, 8-9 C, 10 D.
SALES = (
    Person("E00101", "刘洋", "110", (5, 5, 5, 5), (5, 5, 5, 5), Decimal("108.00"), "S", "S"),
    Person("E00102", "孙丽", "110", (5, 5, 5, 5), (5, 5, 5, 5), Decimal("108.00"), "S", "S"),
    Person("E00002", "张伟", "100", (5, 4, 4, 4), (4, 4, 4, 4), Decimal("96.60"), "S", "A"),
    Person("E00103", "周杰", "95", (4, 4, 4, 4), (4, 4, 4, 4), Decimal("92.00"), "A", "B"),
    Person("E00001", "王经理", "92", (4, 4, 4, 3), (4, 4, 3, 3), Decimal("88.20"), "A", "B"),
    Person("E00104", "吴芳", "88", (4, 3, 3, 3), (3, 3, 3, 3), Decimal("83.00"), "B", "B"),
    Person("E00105", "郑强", "85", (3, 3, 3, 3), (3, 3, 3, 3), Decimal("80.00"), "B", "B"),
    Person("E00106", "冯敏", "80", (3, 3, 3, 2), (3, 3, 2, 2), Decimal("74.60"), "C", "C"),
    Person("E00107", "何磊", "75", (3, 2, 2, 2), (3, 3, 2, 2), Decimal("69.40"), "C", "C"),
    Person("E00108", "高婷", "72", (3, 3, 2, 2), (2, 2, 2, 2), Decimal("66.80"), "C", "D"),
)
BY_NUMBER = {person.employee_no: person for person in SALES}
LOCK_REASON = "销售部十人已全部评分，按强制分布定级。"
APPROVAL_REASON = "两人并列第一，均为 S：业绩与能力评分完全相同，经总监审核同意超出 S 上限。"


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"scale-{name}.png", full_page=True)


def shoot_phone(page: Page, folder: Path, name: str) -> None:
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page), f"{name} does not fit a 375 px screen"
    shoot(page, folder, f"{name}-375")
    if size is not None:
        page.set_viewport_size(size)


def sales_reviews(cycle: ReviewCycle) -> dict[str, Review]:
    return {
        review.employee.employee_no: review
        for review in Review.objects.filter(cycle=cycle).select_related("employee")
    }


def ratings_of(review: Review, role: str) -> tuple[int | None, ...]:
    found = dict(
        CompetencyRating.objects.filter(review=review, assessor_role=role).values_list(
            "competency__code", "value"
        )
    )
    return tuple(found.get(code) for code in COMPETENCY_CODES)


def mean_of(values: list[int]) -> str:
    return str((Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def open_relative_quarter(hr: Page) -> ReviewCycle:
    """HR opens the quarter with its policy typed into the open-quarter form."""
    hr.goto("/quarters/")
    form = hr.get_by_test_id("open-quarter-form")
    form.locator("#id_period").fill(PERIOD)
    form.locator("details.policy-fields summary").click()
    form.locator("#id_grading").select_option("relative")
    form.locator("#id_grading_group").select_option("department")
    form.locator("#id_relative_min_group").fill("10")
    for grade, share in zip("sabcd", ("10", "20", "40", "20", "10"), strict=True):
        expect(form.locator(f"#id_share_{grade}")).to_have_value(share)  # the defaults
    form.locator("#id_max_share_s").fill("10")
    post(hr, hr.get_by_test_id("open-quarter"))
    expect(hr).to_have_url(re.compile(rf"/quarters/{PERIOD}/$"))
    policy_card = hr.get_by_test_id("quarter-policy")
    expect(policy_card.locator("dd[data-name=grading]")).to_contain_text("强制分布")
    expect(policy_card.locator("dd[data-name=max_share_s]")).to_contain_text("10")
    return ReviewCycle.objects.get(period=PERIOD)


def rate_on_the_grid(page: Page, role: str, screenshots: Path, name: str) -> None:
    """Rate every row of the department by keyboard, save with Ctrl+Enter, see them saved."""
    grid_open(page, PERIOD, department="SALES")
    expect(page.get_by_test_id("result-count")).to_contain_text(str(len(SALES)))
    wanted = {p.employee_no: (p.hr if role == "hr" else p.director) for p in SALES}
    grid_rate_by_keyboard(page, wanted)
    expect(page.get_by_test_id("grid-changed")).to_contain_text(str(len(SALES)))
    shoot(page, screenshots, f"{name}-typed")
    answer = grid_save_by_keyboard(page)
    assert answer.status == 302, answer.status
    for number, levels in wanted.items():
        row = page.get_by_test_id(f"grid-row-{number}")
        expect(row).not_to_have_class(re.compile(r"\bchanged\b"))
        for column, level in enumerate(levels, start=1):
            expect(page.get_by_test_id(f"cell-{number}-{column}")).to_have_attribute(
                "data-saved", str(level)
            )
    shoot(page, screenshots, f"{name}-saved")


def test_a_department_of_ten_rated_calibrated_approved_closed_and_printed(
    page_as: Callable[[str], Page],
    personas: dict[str, User],
    departments: dict[str, Department],
    browser_worker: WorkerProcess,
    worker_environment: dict[str, str],
    settings: Any,
    screenshots: Path,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = worker_environment["MEDIA_ROOT"]  # where the worker keeps the PDF
    sales = departments["SALES"]

    # -- 1. the quarter: relative grading by department, S at most 10 % ---------------------
    create_catalogue_competencies()
    for person in SALES:
        Employee.objects.get_or_create(
            employee_no=person.employee_no,
            defaults={"name": person.name, "department": sales, "position": "销售代表"},
        )
    # The department is the quarter: the marketing persona is away this quarter.
    Employee.objects.filter(employee_no="E00003").update(is_active=False)
    hr, director = page_as("hr"), page_as("director")
    cycle = open_relative_quarter(hr)
    shoot(hr, screenshots, "01-quarter-opened")
    policy = current_policy(cycle)
    assert (policy.grading, policy.grading_group, policy.relative_min_group) == (
        "relative",
        "department",
        10,
    )
    assert (policy.share_s, policy.share_a, policy.share_b, policy.share_c, policy.share_d) == (
        10,
        20,
        40,
        20,
        10,
    )
    assert (policy.max_share_s, policy.frozen_at) == (10, None)
    generate_now(cycle)
    reviews = sales_reviews(cycle)
    assert sorted(reviews) == sorted(BY_NUMBER)
    for number, review in reviews.items():
        line = review.kpi_lines.get()
        services.review_set_figures(
            actor=personas["hr"],
            review=review,
            figures={line.pk: {"actual": BY_NUMBER[number].actual}},
        )

    # -- 2. HR, then the director, rate the department on the grid by keyboard only --------
    rate_on_the_grid(hr, "hr", screenshots, "02-grid-hr")
    rate_on_the_grid(director, "marketing_director", screenshots, "03-grid-director")
    for number, review in sales_reviews(cycle).items():
        person = BY_NUMBER[number]
        assert ratings_of(review, "hr") == person.hr, number
        assert ratings_of(review, "marketing_director") == person.director, number
        assert (review.state, review.incomplete_reasons) == (Review.State.DRAFT, []), number

    # -- 3. HR submits every complete review of the department; the worker scores them ------
    submitted = bulk_submit(hr, PERIOD, {"department": str(sales.pk)}, expected=len(SALES))
    assert submitted == len(SALES)
    shoot(hr, screenshots, "04-submitted")

    def all_scored() -> bool:
        return Review.objects.filter(cycle=cycle, state=Review.State.SCORED).count() == len(SALES)

    wait_until(all_scored, what="the department's reviews to be scored", worker=browser_worker)
    scored = sales_reviews(cycle)
    for number, review in scored.items():
        person = BY_NUMBER[number]
        assert (review.total_score, review.grade) == (person.total, person.absolute), number
        assert review.grade_basis is None and not review.verbal_warning, number
    director.goto(f"/reviews/{scored['E00002'].pk}/")
    expect(director.get_by_test_id("review-total")).to_contain_text("96.60")
    expect(director.get_by_test_id("grade-provisional")).to_be_visible()

    # -- 4. calibration: the distribution and its breach, the lock, the 9-box, leniency ------
    director.goto(f"/quarters/{PERIOD}/")
    director.get_by_test_id("calibration-link").click()
    expect(director).to_have_url(re.compile(rf"/quarters/{PERIOD}/calibration/$"))
    group = director.get_by_test_id(f"group-department:{sales.pk}")
    expect(group).to_be_visible()
    # Provisional (the bands): 3 S of 10, 30 %, beyond the limit of 10 %.
    s_row = group.locator("tr[data-grade=S]")
    expect(s_row.locator("td").first).to_have_text("3")
    expect(s_row).to_have_class(re.compile(r"\bbeyond\b"))
    expect(group.get_by_test_id("group-beyond")).to_be_visible()
    shoot(director, screenshots, "05-calibration-provisional")
    shoot_phone(director, screenshots, "05-calibration-provisional")
    group.get_by_test_id("lock-dialog").locator("summary").click()
    group.locator("textarea[name=reason]").fill(LOCK_REASON)
    post(director, group.get_by_test_id("lock-group"))
    group = director.get_by_test_id(f"group-department:{sales.pk}")
    expect(group.get_by_test_id("group-locked")).to_be_visible()
    expect(group.get_by_test_id("lock-info")).to_contain_text(LOCK_REASON)
    counts = {"S": "2", "A": "1", "B": "4", "C": "2", "D": "1"}
    for grade, count in counts.items():
        expect(group.locator(f"tr[data-grade={grade}] td").first).to_have_text(count)
    expect(group.locator("tr[data-grade=S]")).to_have_class(re.compile(r"\bbeyond\b"))
    expect(group.locator("tr[data-grade=S] td.share")).to_contain_text("20%")
    shoot(director, screenshots, "06-calibration-locked")
    shoot_phone(director, screenshots, "06-calibration-locked")

    # The grades are the ranks' (scoring.md v2), from the totals the worker wrote.
    lock = CalibrationLock.objects.get(cycle=cycle)
    assert (lock.group, lock.basis, lock.reason) == (
        f"department:{sales.pk}",
        "relative",
        LOCK_REASON,
    )
    assert lock.seats == {"S": 1, "A": 2, "B": 4, "C": 2, "D": 1}
    locked = sales_reviews(cycle)
    totals = {n: r.total_score for n, r in locked.items() if r.total_score is not None}
    assert len(totals) == len(SALES)
    expected = scoring.relative_grades(totals, to_scoring(current_policy(cycle)))
    assert expected.basis == "relative"
    for number, review in locked.items():
        member, person = expected.members[number], BY_NUMBER[number]
        assert (review.grade, member.grade, person.relative) == (member.grade,) * 3, number
        assert review.pay_coefficient == member.pay_coefficient, number
        assert review.grade_basis is not None
        assert (review.grade_basis["basis"], review.grade_basis["rank"]) == (
            "relative",
            member.rank,
        ), number
        assert not review.verbal_warning, number  # 66.80, a D by rank, is no warning
    assert expected.members["E00101"].rank == expected.members["E00102"].rank == 1
    director.goto(f"/reviews/{locked['E00002'].pk}/")
    expect(director.get_by_test_id("review-grade")).to_contain_text("A")
    expect(director.get_by_test_id("grade-provisional")).to_have_count(0)
    expect(director.get_by_test_id("review-coefficient")).to_contain_text("1.10")
    assert AuditEvent.objects.filter(
        cycle=cycle, action=AuditEvent.Action.GROUP_LOCKED, reason=LOCK_REASON
    ).exists()

    # The 9-box: the two at the top share the high-high box.
    director.goto(f"/quarters/{PERIOD}/calibration/nine-box/")
    expect(director.get_by_test_id("ninebox-counts")).to_have_attribute(
        "data-scored", str(len(SALES))
    )
    star = director.get_by_test_id("box-high-high")
    expect(star).to_have_attribute("data-count", "2")
    star.click()
    director.wait_for_load_state()
    listed = director.get_by_test_id("box-reviews")
    expect(listed).to_have_attribute("data-box", "high-high")
    expect(listed.locator("tbody tr")).to_have_count(2)
    for number in ("E00101", "E00102"):
        row = listed.get_by_test_id(f"box-review-{locked[number].pk}")
        expect(row).to_contain_text(BY_NUMBER[number].name)
        expect(row.locator("[data-name=total]")).to_have_text("108.00")
    shoot(director, screenshots, "07-ninebox-drill-down")

    # The assessors' leniency: each assessor's 40 ratings of the department.
    director.goto(f"/quarters/{PERIOD}/calibration/leniency/")
    for role in ("hr", "marketing_director"):
        levels = [level for p in SALES for level in (p.hr if role == "hr" else p.director)]
        cells = director.get_by_test_id(f"leniency-{role}-SALES")
        expect(cells.locator("[data-name=count]")).to_have_text(str(len(levels)))
        expect(cells.locator("[data-name=mean]")).to_have_text(mean_of(levels))
    shoot(director, screenshots, "08-leniency")

    # -- 5. approve all: refused without a reason past the hard limit, then with one -------
    queue_filter = {"period": PERIOD, "department": str(sales.pk)}
    approve_all(director, queue_filter, expected=len(SALES), expected_status=400)
    message = director.get_by_test_id("bulk-message")
    expect(message).to_contain_text("销售部")
    expect(message).to_contain_text("S")
    expect(message).to_contain_text("10%")
    expect(message).to_contain_text("20%")
    expect(message).not_to_contain_text("reason")  # in words, not the form field's name
    shoot(director, screenshots, "09-approve-all-refused")
    assert not Review.objects.filter(cycle=cycle, state=Review.State.APPROVED).exists()
    approved = approve_all(director, queue_filter, expected=len(SALES), reason=APPROVAL_REASON)
    assert approved == len(SALES)
    expect(director).to_have_url(re.compile(r"/queue/"))
    shoot(director, screenshots, "10-approved")
    final = sales_reviews(cycle)
    for number, review in final.items():
        assert review.state == Review.State.APPROVED, number
        assert review.grade == BY_NUMBER[number].relative, number
        result = review.approved_results.get()
        assert result.grade_basis is not None
        assert (result.grade, result.grade_basis["basis"]) == (
            BY_NUMBER[number].relative,
            "relative",
        )
    approvals = AuditEvent.objects.filter(
        cycle=cycle, action=AuditEvent.Action.STATE, params__to=Review.State.APPROVED
    )
    assert approvals.count() == len(SALES)
    assert {(event.reason, (event.params or {}).get("from")) for event in approvals} == {
        (APPROVAL_REASON, Review.State.SCORED)
    }
    policy.refresh_from_db()
    assert policy.frozen_at is not None

    # -- 6. HR closes the quarter: nothing changes any more ---------------------------------
    top = final["E00101"]
    director.goto(f"/reviews/{top.pk}/")
    expect(director.get_by_test_id("reopen-review")).to_be_visible()  # while it is open
    close_quarter(hr, PERIOD)
    shoot(hr, screenshots, "11-quarter-closed")
    cycle.refresh_from_db()
    assert cycle.status == ReviewCycle.Status.CLOSED
    expect(
        hr.get_by_test_id("quarter-history").locator("li[data-action=cycle_closed]")
    ).to_have_count(1)
    for page in (director, hr):
        page.goto(f"/reviews/{top.pk}/")
        expect(page.get_by_test_id("review-state")).to_have_attribute("data-state", "approved")
        expect(page.get_by_test_id("review-actions")).to_have_count(0)
    shoot(director, screenshots, "12-review-closed")
    with pytest.raises(Conflict) as refused:
        services.review_reopen(actor=personas["director"], review=top, reason="补录")
    assert refused.value.code == "quarter_closed"

    # -- 7. HR downloads the PDF of the department's forms: one form per review -------------
    saved = download_forms_pdf(hr, PERIOD, department="SALES", folder=tmp_path)
    shoot(hr, screenshots, "13-printout-done")
    body = saved.read_bytes()
    assert saved.name == f"review-forms-{PERIOD}-SALES.pdf" and body.startswith(b"%PDF")
    pages = [page.extract_text() or "" for page in PdfReader(saved).pages]
    text = "\n".join(pages)
    forms = {int(k) for k, n in re.findall(r"第\s*(\d+)\s*份，共\s*(\d+)\s*份", text) if n == "10"}
    assert forms == set(range(1, len(SALES) + 1)), forms
    assert "销售部" in text and "Sales Department" not in text  # in HR's language only
    for person in SALES:
        assert person.name in text, person.name
        assert sum(person.employee_no in page for page in pages) >= 1, person.employee_no
