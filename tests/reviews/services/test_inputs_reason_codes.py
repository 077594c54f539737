"""Why a figure or a rating changed (reviews.services.inputs): an optional reason code and note,
kept in the audit events, required once the review is scored (calibration changes go through
the normal inputs, never by editing a total)."""

from typing import Any

import pytest

from hrperf.lib.errors import ValidationFailed
from reviews import services
from reviews.models import AuditEvent, Review
from tests.helpers.api import SHORT_COMPETENCIES
from tests.helpers.quarters import review_of, scored


def params(event: AuditEvent | None) -> dict[str, Any]:
    assert event is not None and event.params is not None
    return dict(event.params)


def basis(value: Any) -> dict[str, Any]:
    assert isinstance(value, dict)
    return value


def test_a_scored_review_needs_a_reason_code_and_nothing_is_written(fresh_quarter, personas):
    review = scored(personas)
    line = review.kpi_lines.get()
    with pytest.raises(ValidationFailed) as refused:
        services.review_set_figures(
            actor=personas["hr"], review=review, figures={line.pk: {"actual": "95"}}
        )
    assert (refused.value.errors[0].field, refused.value.errors[0].code) == (
        "reason_code",
        "reason_required",
    )
    with pytest.raises(ValidationFailed):
        services.review_rate(
            actor=personas["director"],
            review=review,
            assessor_role="marketing_director",
            ratings=dict.fromkeys(SHORT_COMPETENCIES, 5),
        )
    review.refresh_from_db()
    assert review.state == Review.State.SCORED and review.kpi_lines.get().actual == line.actual
    assert review.ratings.filter(value=5).count() == 0


def test_the_reason_code_and_note_are_kept_in_the_events(fresh_quarter, personas):
    review = scored(personas)
    services.review_rate(
        actor=personas["director"],
        review=review,
        assessor_role="marketing_director",
        ratings=dict.fromkeys(SHORT_COMPETENCIES, 4),
        reason_code="calibration",
        note="校准会议调整",
    )
    changes = AuditEvent.objects.filter(review=review, action="rating")
    latest = list(changes.order_by("-pk")[:4])
    assert {params(event)["reason_code"] for event in latest} == {"calibration"}
    assert {event.reason for event in latest} == {"校准会议调整"}


def test_a_draft_changes_without_a_code(fresh_quarter, personas):
    review = review_of(personas)
    line = review.kpi_lines.get()
    services.review_set_figures(
        actor=personas["hr"], review=review, figures={line.pk: {"actual": "80"}}
    )
    event = AuditEvent.objects.filter(review=review, action="figure").last()
    assert event is not None
    assert "reason_code" not in params(event)


def test_an_unknown_code_is_refused(fresh_quarter, personas):
    review = review_of(personas)
    line = review.kpi_lines.get()
    with pytest.raises(ValidationFailed) as refused:
        services.review_set_figures(
            actor=personas["hr"],
            review=review,
            figures={line.pk: {"actual": "80"}},
            reason_code="whim",
        )
    assert refused.value.errors[0].code == "unknown_choice"
