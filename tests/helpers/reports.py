"""Approved results built by the ORM for the reports' tests: exact totals, grades and verbal
warnings per department and quarter, as the database lets a review be approved (scored, then
approved with its result in one transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from departments.models import Department, Employee
from reviews import services
from reviews.models import ApprovedResult, Review, ReviewCycle
from reviews.policies import current_policy

# (total, grade, verbal warning)
Row = tuple[str, str, bool]
COEFFICIENTS = {"S": "1.20", "A": "1.10", "B": "1.00", "C": "0.90", "D": "0.70"}


def department(code: str, seq: int, name_en: str | None = None) -> Department:
    return Department.objects.create(
        code=code,
        seq=seq,
        name_zh=f"{code}部",
        name_en=name_en or f"{code} Department",
        head_position_zh="经理",
        head_position_en="Manager",
        source="seed",
    )


def cycle(hr: User, period: str) -> ReviewCycle:
    return ReviewCycle.objects.filter(period=period).first() or services.cycle_open(
        actor=hr, period=period
    )


def approved(
    *, hr: User, director: User, period: str, department: Department, rows: Sequence[Row]
) -> list[ApprovedResult]:
    """One employee of `department` (the same ones every quarter, by their order) with an
    approved review of `period` per row."""
    quarter = cycle(hr, period)
    policy = current_policy(quarter)
    employees = []
    for index in range(len(rows)):
        number = f"{department.code[:3]}{department.pk:03d}{index:02d}"
        employee = Employee.objects.filter(employee_no=number).first()
        employees.append(
            employee
            or Employee.objects.create(
                employee_no=number, name=f"员工{number}", department=department
            )
        )
    now = timezone.now()
    figures = []
    reviews = []
    for employee, (total, grade, warning) in zip(employees, rows, strict=True):
        values = {
            "total_score": Decimal(total),
            "kpi_score": Decimal(total),
            "competency_score": Decimal(total),
            "grade": grade,
            "pay_coefficient": Decimal(COEFFICIENTS[grade]),
            "verbal_warning": warning,
            "approved_at": now,
        }
        figures.append(values)
        reviews.append(
            Review(
                cycle=quarter,
                employee=employee,
                department=department,
                state=Review.State.SCORED,
                scored_revision=1,
                policy=policy,
                approved_by=director,
                **values,
            )
        )
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
                **values,
            )
            for review, values in zip(reviews, figures, strict=True)
        )
