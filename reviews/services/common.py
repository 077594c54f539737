"""What the review services share: the access check through the workflow table, the refusals
they give, locking a review for a change, and handing a review to the scoring worker."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import Conflict, FieldError, ValidationFailed
from hrperf.lib.roles import roles_of
from hrperf.lib.tasks import publish
from reviews import events, workflow
from reviews.models import AuditEvent, Review, ReviewCycle
from reviews.workflow import Action


def require(action: Action, actor: Any) -> None:
    """Refuse (NotAllowed) an actor whose roles do not give their part in `action`."""
    workflow.require(action, roles_of(actor))


def require_text(name: str, value: str, message: Any) -> None:
    if not (value or "").strip():
        raise ValidationFailed([field_error(name, message, "required")])


def field_error(name: str, message: Any, code: str = "invalid") -> FieldError:
    return FieldError(field=name, message=message, code=code)


QUARTER_CLOSED = "quarter_closed"


def quarter_closed(period: str) -> Conflict:
    return Conflict(
        _(
            "Quarter %(period)s is closed: its reviews, figures, ratings, deadlines and appeals "
            "can no longer change. The director can reopen it."
        )
        % {"period": period},
        code=QUARTER_CLOSED,
    )


SHARE_SQL = "SELECT period, status FROM {table} WHERE id = %s FOR SHARE"


def _status_for_share(cycle_id: int) -> tuple[str, str]:
    """The quarter's period and status, its row locked for share until the transaction ends:
    writers of one quarter do not wait for each other, and closing it (which locks the row for
    update) waits for them, as they wait for it."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(SHARE_SQL.format(table=ReviewCycle._meta.db_table), [cycle_id])
            row = cursor.fetchone()
        if row is not None:
            return str(row[0]), str(row[1])
    period, status = ReviewCycle.objects.values_list("period", "status").get(pk=cycle_id)
    return period, status


def require_open(cycle_id: int, action: Action) -> None:
    """Refuse (Conflict `quarter_closed`, a 409) an action the workflow table allows only in an
    open quarter when the quarter is closed. Call it inside the change's transaction."""
    period, status = _status_for_share(cycle_id)
    if not workflow.allows_in_quarter(action, status):
        raise quarter_closed(period)


def stale() -> Conflict:
    return Conflict(
        _(
            "Someone else changed this review after you opened it. "
            "Reload it to see their changes; nothing of yours was saved."
        ),
        code="stale",
    )


def lock_editable(
    review_id: int, expected_revision: int | None, action: Action = Action.SET_FIGURES
) -> Review:
    """The review, locked for a change of its inputs; refused when its quarter is closed, when
    it is approved (frozen) or no longer at the revision the caller's form was based on."""
    review = Review.objects.select_for_update().get(pk=review_id)
    require_open(review.cycle_id, action)
    refusal = edit_refusal(review, expected_revision)
    if refusal is not None:
        raise refusal
    return review


def edit_refusal(review: Review, expected_revision: int | None) -> Conflict | None:
    """Why the inputs of the (locked) review may not change, if they may not: it is approved
    (frozen) or no longer at the revision the caller's form was based on (stale)."""
    if not workflow.allows(Action.SET_FIGURES, review.state):
        return Conflict(
            _("This review is approved and frozen; the director can reopen it."),
            code="frozen",
        )
    if expected_revision is not None and review.revision != expected_revision:
        return stale()
    return None


def enqueue_scoring(review_id: int) -> None:
    """Once the transaction commits, hand the review to the worker at its revision then (if the
    broker is down, the sweep hands it over later: the review waits in `submitted`)."""
    enqueue_scorings([review_id])


def enqueue_scorings(review_ids: list[int]) -> None:
    """`enqueue_scoring` of many reviews: one query for their revisions once committed."""
    if not review_ids:
        return
    ids = list(review_ids)

    def send() -> None:
        revisions = dict(Review.objects.filter(pk__in=ids).values_list("pk", "revision"))
        for review_id in ids:
            if review_id in revisions:
                publish("reviews.score_review", review_id, revisions[review_id])

    transaction.on_commit(send)


AUDIT_COLUMNS = (
    "cycle_id",
    "review_id",
    "actor_id",
    "at",
    "action",
    "field",
    "from_value",
    "to_value",
    "reason",
    "params",
)


def audit_append(trail: Sequence[AuditEvent | events.Row], now: dt.datetime) -> None:
    """Append audit events (models, or rows where the caller makes thousands): by COPY on
    PostgreSQL (no model is saved, so `at` is set here as auto_now_add would), by bulk_create
    elsewhere."""
    if not trail:
        return
    if connection.vendor != "postgresql":
        models = [e.model() if isinstance(e, events.Row) else e for e in trail]
        AuditEvent.objects.bulk_create(models, batch_size=5000)
        return
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY reviews_auditevent ({}) FROM STDIN".format(", ".join(AUDIT_COLUMNS))
        ) as copy,
    ):
        for event in trail:
            copy.write_row(
                (
                    event.cycle_id,
                    event.review_id,
                    event.actor_id,
                    now,
                    event.action,
                    event.field,
                    event.from_value,
                    event.to_value,
                    event.reason,
                    None if event.params is None else json.dumps(event.params),
                )
            )
