"""What payroll's clients hear as it happens (webhooks): a review approved, with the row the
feed now gives for it, and a review reopened for a correction, with the approved version the
feed keeps giving (and payroll keeps paying on) until the correction is approved.

Call these inside the transaction of the change they report (`clients.services.webhooks_emit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clients.services import webhooks_emit, webhooks_emit_many
from reviews.models import ApprovedResult, Review


def payroll_row(result: ApprovedResult) -> dict[str, Any]:
    """The payroll row of an approved version, as the feed gives it (one query)."""
    return _rows([result])[0]


def _rows(results: Sequence[ApprovedResult]) -> list[dict[str, Any]]:
    """The payroll rows of approved versions, in their order (one query for all)."""
    keys = {
        pk: (number, name, department, period)
        for pk, number, name, department, period in Review.objects.filter(
            pk__in={result.review_id for result in results}
        ).values_list(
            "pk", "employee__employee_no", "employee__name", "department__code", "cycle__period"
        )
    }
    rows = []
    for result in results:
        employee_no, employee_name, department_code, period = keys[result.review_id]
        rows.append(
            {
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
        )
    return rows


def review_approved(result: ApprovedResult) -> None:
    webhooks_emit(event="review.approved", payload=payroll_row(result))


def reviews_approved(results: Sequence[ApprovedResult]) -> None:
    """`review_approved` for many results at once (a batch approval): their rows in one query,
    one `review.approved` event each."""
    if results:
        webhooks_emit_many(event="review.approved", payloads=_rows(results))


def review_reopened(last_approved: ApprovedResult) -> None:
    webhooks_emit(event="review.reopened", payload=payroll_row(last_approved))
