"""What the review workflow tells people (`notifications`): HR of a review the director returned
or reopened, the employee of an approved result to confirm. Called in the transaction of the
change; each event is told once per person, whatever retries."""

from __future__ import annotations

from collections.abc import Sequence

from calendars.selectors import deadlines_of, local_date, working_days_after
from hrperf.lib.roles import HR
from notifications.selectors import group_members
from notifications.services.notify import Event, notify
from reviews.models import Review


def _facts(review: Review) -> dict[str, object]:
    return {
        "review_id": review.pk,
        "employee": review.employee.name,
        "period": review.cycle.period,
    }


def review_returned(review: Review, comment: str) -> None:
    notify(
        [
            Event(
                kind="review_returned",
                key=f"review_returned:{review.pk}:{review.revision}",
                context={**_facts(review), "comment": comment},
                users=group_members(HR),
                group="hr",
            )
        ]
    )


def review_reopened(review: Review, reason: str) -> None:
    notify(
        [
            Event(
                kind="review_reopened",
                key=f"review_reopened:{review.pk}:{review.version}",
                context={**_facts(review), "reason": reason},
                users=group_members(HR),
                group="hr",
            )
        ]
    )


def results_approved(review_ids: Sequence[int]) -> None:
    """Each employee with a login is told their approved result waits for their confirmation,
    with the last day of the window (a few queries for any number)."""
    rows = (
        Review.objects.filter(pk__in=review_ids, employee__user__isnull=False)
        .values_list(
            "pk",
            "version",
            "grade",
            "approved_at",
            "cycle_id",
            "cycle__period",
            "employee__user_id",
        )
        .order_by("pk")
    )
    windows: dict[int, int] = {}
    ends: dict[tuple[object, int], str] = {}
    events = []
    for pk, version, grade, approved_at, cycle_id, period, user_id in rows:
        if cycle_id not in windows:
            windows[cycle_id] = deadlines_of(cycle_id).appeal_working_days
        assert approved_at is not None  # excluded above
        day = local_date(approved_at)
        key = (day, windows[cycle_id])
        if key not in ends:
            ends[key] = working_days_after(day, windows[cycle_id]).isoformat()
        events.append(
            Event(
                kind="result_to_confirm",
                key=f"result_to_confirm:{pk}:{version}",
                context={"review_id": pk, "period": period, "grade": grade, "due": ends[key]},
                users=[user_id],
            )
        )
    notify(events)
