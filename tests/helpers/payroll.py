"""Shared by the payroll tests: approved reviews made through the real services (for the
lifecycle) or in bulk by the ORM (for volume), and small helpers to read the feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from departments.models import Competency, Department, Employee
from reviews import services
from reviews.models import ApprovedResult, Review, ReviewCycle
from reviews.policies import current_policy

SCORES = "/api/v1/payroll/scores/"
CSV = "/api/v1/payroll/scores.csv"
PERIOD = "2026Q3"
COMPETENCIES = ["culture", "customers", "management", "learning"]
FIELDS = [
    "employee_no",
    "employee_name",
    "department_code",
    "period",
    "total_score",
    "grade",
    "pay_coefficient",
    "verbal_warning",
    "version",
    "approved_at",
]
# After the fields of v1, unchanged in name and order: the employee's confirmation, one object
# in the JSON, three columns in the CSV.
JSON_FIELDS = [*FIELDS, "confirmation"]
CSV_FIELDS = [*FIELDS, "confirmation_status", "confirmation_how", "confirmation_at"]
PENDING = {"status": "pending", "how": None, "at": None}

# -- through the services ----------------------------------------------------------------------


def open_quarter(personas: Mapping[str, User], period: str = PERIOD) -> ReviewCycle:
    """The quarter opened and a review generated for every employee of the personas."""
    for order, code in enumerate(COMPETENCIES, start=1):
        Competency.objects.get_or_create(
            code=code, defaults={"order": order, "text_zh": code, "text_en": code}
        )
    cycle = services.cycle_open(actor=personas["hr"], period=period)
    services.reviews_generate_chunk(cycle_id=cycle.pk)
    return cycle


def review_of(personas: Mapping[str, User], name: str, period: str = PERIOD) -> Review:
    return Review.objects.get(employee__user=personas[name], cycle__period=period)


def scored(
    personas: Mapping[str, User], name: str, *, actual: str = "60", period: str = PERIOD
) -> Review:
    """A review of a SALES persona completed, submitted and scored (the worker's service)."""
    review = review_of(personas, name, period)
    line = review.kpi_lines.get()
    review = services.review_set_figures(
        actor=personas["hr"], review=review, figures={line.pk: {"actual": actual}}
    )
    for actor, role in (("director", "marketing_director"), ("hr", "hr")):
        review = services.review_rate(
            actor=personas[actor],
            review=review,
            assessor_role=role,
            ratings=dict.fromkeys(COMPETENCIES, 3),
        )
    review = services.review_submit(actor=personas["hr"], review=review)
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    return review


def approved(
    personas: Mapping[str, User], name: str, *, actual: str = "60", period: str = PERIOD
) -> Review:
    return services.review_approve(
        actor=personas["director"], review=scored(personas, name, actual=actual, period=period)
    )


def reopened(personas: Mapping[str, User], review: Review) -> Review:
    return services.review_reopen(actor=personas["director"], review=review, reason="数据更正")


def approved_again(personas: Mapping[str, User], review: Review, *, actual: str) -> Review:
    """A reopened review corrected (a new actual), scored and approved: its next version."""
    line = review.kpi_lines.get()
    review = services.review_set_figures(
        actor=personas["hr"], review=review, figures={line.pk: {"actual": actual}}
    )
    review = services.review_submit(actor=personas["hr"], review=review)
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    return services.review_approve(actor=personas["director"], review=review)


# -- in bulk -----------------------------------------------------------------------------------


def approved_in_bulk(
    *,
    hr: User,
    director: User,
    department: Department,
    count: int,
    approved_at: dt.datetime,
    step: dt.timedelta = dt.timedelta(0),
    first: int = 1,
    period: str = PERIOD,
    name: str = "员工",
    overrides: Mapping[str, Any] | None = None,
) -> list[ApprovedResult]:
    """`count` employees with an approved review of `period` each, approved at `approved_at`
    (all at one instant unless `step` spaces them), in employee number order; `overrides`
    sets figures of every one."""
    cycle = ReviewCycle.objects.filter(period=period).first() or services.cycle_open(
        actor=hr, period=period
    )
    policy = current_policy(cycle)
    employees = Employee.objects.bulk_create(
        Employee(employee_no=f"B{n:05d}", name=f"{name}{n}", department=department)
        for n in range(first, first + count)
    )
    figures: dict[str, Any] = {}
    reviews = []
    for i, employee in enumerate(employees):
        total = Decimal(60) + Decimal(i % 40) + Decimal("0.25")
        figures[employee.employee_no] = {
            "total_score": total,
            "kpi_score": total,
            "competency_score": total,
            "grade": "A" if total >= 85 else "B" if total >= 75 else "C",
            "pay_coefficient": Decimal("1.10")
            if total >= 85
            else Decimal("1.00")
            if total >= 75
            else Decimal("0.90"),
            "verbal_warning": False,
            "approved_at": approved_at + i * step,
            **(overrides or {}),
        }
        reviews.append(
            Review(
                cycle=cycle,
                employee=employee,
                department=department,
                state=Review.State.SCORED,
                scored_revision=1,
                policy=policy,
                approved_by=director,
                **figures[employee.employee_no],
            )
        )
    # As the database lets a review be approved: once scored, with its result in the same
    # transaction.
    with transaction.atomic():
        reviews = Review.objects.bulk_create(reviews)
        Review.objects.filter(pk__in=[r.pk for r in reviews]).update(state=Review.State.APPROVED)
        return ApprovedResult.objects.bulk_create(
            ApprovedResult(
                review=review,
                version=1,
                policy=policy,
                approved_by=director,
                snapshot={"lines": [], "ratings": []},
                **figures[review.employee.employee_no],
            )
            for review in reviews
        )


# -- reading the feed --------------------------------------------------------------------------


def get_page(client: Client, url: str = SCORES, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def pull(client: Client, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every row of the feed, following `next`; and how many pages it took."""
    body = get_page(client, **params)
    rows, pages = list(body["results"]), 1
    while body["next"] is not None:
        response = client.get(body["next"])
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        pages += 1
    return rows, pages


def newest(rows: list[dict[str, Any]]) -> str:
    return rows[-1]["approved_at"]
