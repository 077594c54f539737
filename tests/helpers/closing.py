"""Closing a quarter: a quarter whose every review is approved through the real services (so
it may close), and the browser step that closes one from its page (the end-to-end tests)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from departments.models import Department
from kpis.models import Kpi
from reviews import services
from reviews.models import Review, ReviewCycle
from tests.helpers.api import SHORT_COMPETENCIES


def marketing_kpi(departments: Mapping[str, Department]) -> None:
    """A KPI for MARKET (the personas' other department has none), so every review can be
    completed."""
    Kpi.objects.get_or_create(
        department=departments["MARKET"],
        code="LEADS",
        defaults={
            "order": 1,
            "name_zh": "线索数",
            "name_en": "Leads",
            "direction": "higher",
            "unit": "percent",
            "default_target": Decimal(100),
            "default_weight": 100,
        },
    )


def approve(personas: Mapping[str, User], review: Review, *, actual: str = "80") -> Review:
    """The review completed (every line's actual, both assessors' ratings), submitted, scored
    and approved through the services."""
    figures = {line.pk: {"actual": actual} for line in review.kpi_lines.all()}
    review = services.review_set_figures(actor=personas["hr"], review=review, figures=figures)
    for actor, role in (("director", "marketing_director"), ("hr", "hr")):
        review = services.review_rate(
            actor=personas[actor],
            review=review,
            assessor_role=role,
            ratings=dict.fromkeys(SHORT_COMPETENCIES, 3),
        )
    review = services.review_submit(actor=personas["hr"], review=review)
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    return services.review_approve(actor=personas["director"], review=review)


def approve_all(personas: Mapping[str, User], cycle: ReviewCycle) -> list[Review]:
    return [
        approve(personas, review)
        for review in Review.objects.filter(cycle=cycle).exclude(state=Review.State.APPROVED)
    ]


def close_quarter(page: Any, period: str) -> None:
    """In the browser, signed in as HR (a page whose context has the live server as its base
    URL, as `page_as` gives): open the quarter's page, tick the confirmation, press "Close
    quarter" and wait until the page says the quarter is closed."""
    page.goto(f"/quarters/{period}/")
    page.get_by_test_id("close-confirm").check()
    page.get_by_test_id("close-quarter").click()
    page.wait_for_selector('[data-testid="quarter-status"][data-status="closed"]')
