"""What payroll's clients hear as it happens (webhooks): a review approved, with the row the
feed now gives for it, and a review reopened for a correction, with the approved version the
feed keeps giving (and payroll keeps paying on) until the correction is approved.

Call these inside the transaction of the change they report (`clients.services.webhooks_emit`).
"""

from __future__ import annotations

from typing import Any

from clients.services import webhooks_emit
from reviews.models import ApprovedResult, Review


def payroll_row(result: ApprovedResult) -> dict[str, Any]:
    """The payroll row of an approved version, as the feed gives it (one query)."""
    employee_no, employee_name, department_code, period = (
        Review.objects.filter(pk=result.review_id)
        .values_list("employee__employee_no", "employee__name", "department__code", "cycle__period")
        .get()
    )
    return {
        "employee_no": employee_no,
        "employee_name": employee_name,
        "department_code": department_code,
        "period": period,
        "total_score": result.total_score,
        "grade": result.grade,
        "pay_coefficient": result.pay_coefficient,
        "verbal_warning": result.verbal_warning,
        "version": result.version,
        "approved_at": result.approved_at,
    }


def review_approved(result: ApprovedResult) -> None:
    webhooks_emit(event="review.approved", payload=payroll_row(result))


def review_reopened(last_approved: ApprovedResult) -> None:
    webhooks_emit(event="review.reopened", payload=payroll_row(last_approved))
