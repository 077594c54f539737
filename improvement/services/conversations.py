"""Performance conversations (绩效面谈): HR or the head of the department records one held
about a review with a verbal warning (or graded C or D); the employee acknowledges it, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import Conflict, ErrorList
from improvement import events
from improvement.models import AgreedAction, Conversation
from improvement.selectors import is_low_score
from improvement.services.common import (
    MAX_ITEMS,
    MAX_NAME,
    date,
    require,
    require_hr_or_head_of,
    require_own,
    text,
    today,
)
from reviews.models import Review, VerbalWarning
from reviews.workflow import Action


@dataclass(frozen=True)
class ActionInput:
    """An action agreed in the conversation: what, who does it, by when."""

    action: str
    owner: str
    due_on: dt.date | None


def conversation_record(
    *,
    actor: Any,
    review: Review,
    held_on: dt.date | None,
    participants: Sequence[str],
    summary: str,
    actions: Sequence[ActionInput],
) -> Conversation:
    """Record a conversation held about a low-scoring review, with the actions agreed. Several
    may be recorded about one review (a follow-up is a conversation of its own)."""
    roles = require(Action.RECORD_CONVERSATION, actor)
    require_hr_or_head_of(roles, review)
    if not is_low_score(review):
        raise Conflict(
            _(
                "A conversation is recorded about a review with a verbal warning or graded C "
                "or D; this review has neither."
            ),
            code="not_low_score",
        )
    errors = ErrorList()
    held = date(errors, "held_on", held_on, not_after=today())
    names = [
        text(errors, f"participants[{index}]", name, required=True, limit=MAX_NAME)
        for index, name in enumerate(participants)
    ]
    if not names:
        errors.add("participants", _("Name at least one participant."), "required")
    elif len(names) > MAX_ITEMS:
        errors.add("participants", _("Name at most 20 participants."), "too_many")
    body = text(errors, "summary", summary, required=True)
    rows = _actions(errors, actions, held)
    errors.raise_if_any()
    assert held is not None
    warning = VerbalWarning.objects.filter(review=review).order_by("-review_version").first()
    with transaction.atomic():
        conversation = Conversation.objects.create(
            review=review,
            warning=warning,
            held_on=held,
            participants=names,
            summary=body,
            recorded_by=actor,
        )
        AgreedAction.objects.bulk_create(
            AgreedAction(conversation=conversation, order=order, **row)
            for order, row in enumerate(rows, start=1)
        )
        events.conversation_recorded(
            review=review,
            actor=actor,
            conversation_id=conversation.pk,
            held_on=held,
            actions=len(rows),
        ).save()
    return conversation


def _actions(
    errors: ErrorList, actions: Sequence[ActionInput], held: dt.date | None
) -> list[dict[str, Any]]:
    if len(actions) > MAX_ITEMS:
        errors.add("actions", _("Agree at most 20 actions."), "too_many")
        return []
    rows = []
    for index, item in enumerate(actions):
        rows.append(
            {
                "action": text(errors, f"actions[{index}].action", item.action, required=True),
                "owner": text(
                    errors, f"actions[{index}].owner", item.owner, required=True, limit=MAX_NAME
                ),
                "due_on": date(errors, f"actions[{index}].due_on", item.due_on, not_before=held),
            }
        )
    return rows


def conversation_acknowledge(
    *, actor: Any, conversation: Conversation, comment: str
) -> Conversation:
    """The employee acknowledges the record of their conversation, once, with a comment if they
    wish (it is theirs: what they say about the record)."""
    roles = require(Action.ACKNOWLEDGE_CONVERSATION, actor)
    review = conversation.review
    require_own(roles, review)
    errors = ErrorList()
    comment = text(errors, "comment", comment, required=False)
    errors.raise_if_any()
    with transaction.atomic():
        updated = Conversation.objects.filter(
            pk=conversation.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=timezone.now(), acknowledged_by=actor, employee_comment=comment)
        if updated != 1:
            raise Conflict(
                _("This conversation was already acknowledged; it is acknowledged once."),
                code="already_acknowledged",
            )
        events.conversation_acknowledged(
            review=review, actor=actor, conversation_id=conversation.pk, comment=comment
        ).save()
    conversation.refresh_from_db()
    return conversation
