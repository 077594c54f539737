"""Browser steps of the bulk actions that journeys share: HR's submit-all on the reviews list,
the director's approve-all on the queue (both through their confirmation step, whose count is
checked), and returning one review through the queue's dialog; and a quarter with many scored
reviews made directly in the database."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import F
from playwright.sync_api import Page, expect

from departments.models import Department, Employee
from reviews.models import Review, ReviewCycle
from reviews.policies import current_policy
from tests.helpers.browser import post
from tests.helpers.pages import generate_now


def many_scored(cycle: ReviewCycle, department: Department, count: int, first: int = 100) -> None:
    """`count` more reviews of `department`, scored at their revision (figures set directly:
    what they are does not matter to a bulk action, only that they can be approved)."""
    for number in range(first, first + count):
        Employee.objects.create(
            employee_no=f"E{number:05d}", name=f"员工{number}", department=department
        )
    generate_now(cycle)
    Review.objects.filter(
        cycle=cycle, employee__employee_no__gte=f"E{first:05d}", state=Review.State.DRAFT
    ).update(
        state=Review.State.SCORED,
        scored_revision=F("revision"),
        policy=current_policy(cycle),
        kpi_score=Decimal("80.00"),
        competency_score=Decimal("80.00"),
        total_score=Decimal("80.00"),
        grade="B",
        pay_coefficient=Decimal("1.00"),
        incomplete_reasons=[],
    )


def _confirm(
    page: Page, expected: int | None, reason: str = "", expected_status: int | None = None
) -> int:
    """On a confirmation page: check the count shown, write the reason, confirm; the count.
    With `expected_status`, the answer must have that status (a refusal stays on the page)."""
    count_text = page.get_by_test_id("bulk-count")
    expect(count_text).to_be_visible()
    shown = int(count_text.get_attribute("data-count") or "0")
    if expected is not None:
        assert shown == expected, (shown, expected)
    if reason:
        page.get_by_test_id("bulk-reason").fill(reason)
    post(page, page.get_by_test_id("bulk-confirm-button"), expected_status=expected_status)
    return shown


def bulk_submit(
    page: Page, period: str, filters: dict[str, str] | None = None, expected: int | None = None
) -> int:
    """HR submits every complete review of the list's filter: from the list's button (whose
    count must match the confirmation's), through the confirmation; returns the count."""
    query = f"?{urlencode(filters)}" if filters else ""
    page.goto(f"/quarters/{period}/reviews/{query}")
    button = page.get_by_test_id("submit-all")
    listed = int(button.get_attribute("data-count") or "0")
    button.click()
    page.wait_for_url("**/submit-all/**")
    shown = _confirm(page, listed if expected is None else expected)
    expect(page.get_by_test_id("review-list")).to_be_visible()
    return shown


def approve_all(
    page: Page,
    filters: dict[str, str] | None = None,
    expected: int | None = None,
    reason: str = "",
    expected_status: int | None = None,
) -> int:
    """The director approves every review awaiting approval under the queue's filter (every
    page of it), through the confirmation; returns the count confirmed. With `expected_status`
    (400: a hard limit broken without a reason), the refusal's answer must have that status and
    the page stays on the confirmation, its message shown (`bulk-message`)."""
    query = f"?{urlencode(filters)}" if filters else ""
    page.goto(f"/queue/{query}")
    button = page.get_by_test_id("approve-all")
    listed = int(button.get_attribute("data-count") or "0")
    button.click()
    page.wait_for_url("**/queue/approve-all/**")
    return _confirm(page, listed if expected is None else expected, reason, expected_status)


def return_in_dialog(page: Page, employee_no: str, comment: str) -> None:
    """On the queue: open the return dialog of the employee's row, write, return to HR."""
    page.get_by_test_id(f"return-{employee_no}").click()
    dialog = page.get_by_test_id("row-dialog")
    expect(dialog).to_be_visible()
    expect(page.get_by_test_id("row-dialog-name")).to_contain_text(employee_no)
    page.get_by_test_id("row-dialog-text").fill(comment)
    post(page, page.get_by_test_id("row-dialog-submit"))
