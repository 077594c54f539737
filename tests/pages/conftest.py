"""A quarter to test the pages on: 2026Q3 with a review for each worked example of scoring.md
(E00001 head, E00002 employee in SALES, E00003 other_employee in MARKET, E00004 KEYACCT,
E00005 QUALITY), generated, filled in and scored through the services without a worker.

`page_quarter` leaves every review a draft with its figures and ratings in place;
`complete`, `submit_and_score` and `approve` move one review on, as the worker and the
director would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from departments.models import Department, Employee
from reviews import services
from reviews.models import Review, ReviewCycle
from tests.reviews.conftest import (
    WORKED_EXAMPLES,
    create_competencies,
    create_example_kpis,
    fill_in,
)

PERIOD = "2026Q3"
EXAMPLES = {example.employee_no: example for example in WORKED_EXAMPLES}


@dataclass
class PageQuarter:
    cycle: ReviewCycle
    reviews: dict[str, Review]  # by employee number

    def refresh(self) -> None:
        for review in self.reviews.values():
            review.refresh_from_db()


def generate_now(cycle: ReviewCycle) -> None:
    """Create the quarter's reviews in this process, as the worker's generation job would."""
    while services.reviews_generate_chunk(cycle_id=cycle.pk):
        pass


@pytest.fixture
def page_quarter(personas: dict[str, User], departments: dict[str, Department]) -> PageQuarter:
    all_departments = create_example_kpis(departments)
    create_competencies()
    Employee.objects.create(
        employee_no="E00004",
        name="赵敏",
        department=all_departments["KEYACCT"],
        position="客户经理",
    )
    Employee.objects.create(
        employee_no="E00005", name="陈静", department=all_departments["QUALITY"], position="质检员"
    )
    cycle = services.cycle_open(actor=personas["hr"], period=PERIOD)
    generate_now(cycle)
    reviews = {
        review.employee.employee_no: review
        for review in Review.objects.filter(cycle=cycle).select_related("employee")
    }
    return PageQuarter(cycle=cycle, reviews=reviews)


def complete(personas: Mapping[str, User], review: Review) -> Review:
    """Enter the figures and both assessors' ratings of the review's worked example."""
    return fill_in(personas, review, EXAMPLES[review.employee.employee_no])


def submit_and_score(personas: Mapping[str, User], review: Review) -> Review:
    """Complete the review, submit it and score it here, as the worker would."""
    review = complete(personas, review)
    review = services.review_submit(actor=personas["hr"], review=review)
    services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    assert review.state == Review.State.SCORED, review.state
    return review


def approve(personas: Mapping[str, User], review: Review) -> Review:
    review = submit_and_score(personas, review)
    return services.review_approve(actor=personas["director"], review=review)
