"""What the review services share: the access check through the workflow table, the refusals
they give, locking a review for a change, and handing a review to the scoring worker."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import Conflict, FieldError, ValidationFailed
from hrperf.lib.roles import roles_of
from hrperf.lib.tasks import publish
from reviews import workflow
from reviews.models import Review, ReviewCycle
from reviews.workflow import Action


def require(action: Action, actor: Any) -> None:
    """Refuse (NotAllowed) an actor whose roles do not give their part in `action`."""
    workflow.require(action, roles_of(actor))


def require_text(name: str, value: str, message: Any) -> None:
    if not (value or "").strip():
        raise ValidationFailed([field_error(name, message, "required")])


def field_error(name: str, message: Any, code: str = "invalid") -> FieldError:
    return FieldError(field=name, message=message, code=code)


def require_open(cycle: ReviewCycle, action: Action) -> None:
    if not workflow.allows_in_quarter(action, cycle.status):
        raise Conflict(_("This quarter is closed."))


def stale() -> Conflict:
    return Conflict(
        _(
            "Someone else changed this review after you opened it. "
            "Reload it to see their changes; nothing of yours was saved."
        ),
        code="stale",
    )


def lock_editable(review_id: int, expected_revision: int | None) -> Review:
    """The review, locked for a change of its inputs; refused when it is approved (frozen) or
    no longer at the revision the caller's form was based on."""
    review = Review.objects.select_for_update().get(pk=review_id)
    if not workflow.allows(Action.SET_FIGURES, review.state):
        raise Conflict(
            _("This review is approved and frozen; the director can reopen it."),
            code="frozen",
        )
    if expected_revision is not None and review.revision != expected_revision:
        raise stale()
    return review


def enqueue_scoring(review_id: int) -> None:
    """Once the transaction commits, hand the review to the worker at its revision then (if the
    broker is down, the sweep hands it over later: the review waits in `submitted`)."""

    def send() -> None:
        revision = Review.objects.values_list("revision", flat=True).get(pk=review_id)
        publish("reviews.score_review", review_id, revision)

    transaction.on_commit(send)
