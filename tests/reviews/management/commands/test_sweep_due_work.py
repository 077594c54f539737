"""`manage.py sweep_due_work`: the sweep the beat runs, by hand; it prints what it queued."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from reviews import services
from tests.helpers.broker import Published
from tests.helpers.quarters import complete, review_of

pytestmark = pytest.mark.django_db


@override_settings(SWEEP_GRACE=0)
def test_the_command_queues_what_is_due_and_says_so(
    fresh_quarter: Any, personas: Any, published: list[Published], reminded: None
) -> None:
    review = complete(personas, review_of(personas), "60", 3, 3)
    review = services.review_submit(actor=personas["hr"], review=review)
    services.cycle_generate(actor=personas["hr"], cycle=fresh_quarter)
    out = StringIO()

    with translation.override("en"):
        call_command("sweep_due_work", stdout=out)

    assert out.getvalue().strip() == (
        "Queued: 1 reviews to score, 1 quarter jobs, 0 warning notices, 0 webhook deliveries, "
        "0 director's reminders."
    )
    assert sorted(call.name for call in published) == [
        "reviews.generate_cycle",
        "reviews.score_review",
    ]


def test_with_nothing_due_it_queues_nothing(published: list[Published], reminded: None) -> None:
    out = StringIO()
    with translation.override("en"):
        call_command("sweep_due_work", stdout=out)
    assert "Queued: 0 reviews to score" in out.getvalue()
    assert published == []
