"""The sweep (reviews.services.sweep): it queues again what is due and has waited past the grace
period — reviews to score, cycle jobs never started or whose worker died, warnings never mailed,
overdue webhook deliveries — and nothing else, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from clients import services as clients_services
from clients.models import ApiClient, WebhookDelivery
from reviews import services
from reviews.models import CycleJob, Review, VerbalWarning
from tests.helpers.broker import Published
from tests.helpers.quarters import complete, review_of, scored
from tests.helpers.webhooks import hook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminded")]


def next_weekday_morning() -> dt.datetime:
    """10:00 local on the first weekday after tomorrow (past the reminder's hour)."""
    day = timezone.localdate() + dt.timedelta(days=2)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def later(seconds: int = 1) -> dt.datetime:
    """A moment past the grace period of what is made now."""
    return timezone.now() + dt.timedelta(seconds=settings.SWEEP_GRACE + seconds)


def names(published: list[Published]) -> list[tuple[str, tuple[Any, ...]]]:
    return [(call.name, call.args) for call in published]


def submitted(personas: Any, name: str = "employee") -> Review:
    """Submitted, its task lost (this test's transaction never commits: no task is queued)."""
    review = complete(personas, review_of(personas, name), "60", 3, 3)
    return services.review_submit(actor=personas["hr"], review=review)


# -- reviews to score --------------------------------------------------------------------------


def test_it_queues_a_review_submitted_longer_ago_than_the_grace_period(
    fresh_quarter: Any, personas: Any, published: list[Published]
) -> None:
    review = submitted(personas)

    assert services.due_work_sweep(now=timezone.now()).total == 0  # still within the grace
    assert published == []

    swept = services.due_work_sweep(now=later())
    assert (swept.scoring, swept.total) == (1, 1)
    assert names(published) == [("reviews.score_review", (review.pk, review.revision))]


def test_it_leaves_drafts_and_scored_reviews_alone(
    fresh_quarter: Any, personas: Any, published: list[Published]
) -> None:
    scored(personas)
    complete(personas, review_of(personas, "head"), "60", 3, 3)  # complete, still a draft
    assert services.due_work_sweep(now=later()).total == 0


def test_a_quarter_being_rescored_is_left_to_its_job(
    fresh_quarter: Any, personas: Any, published: list[Published]
) -> None:
    submitted(personas)
    job = services.cycle_rescore(actor=personas["hr"], cycle=fresh_quarter)
    assert names(published) == []

    swept = services.due_work_sweep(now=later())
    assert (swept.scoring, swept.jobs) == (0, 1)
    assert names(published) == [("reviews.rescore_cycle", (job.pk,))]


def test_a_repeated_scoring_task_for_a_swept_review_does_nothing(
    fresh_quarter: Any, personas: Any, published: list[Published]
) -> None:
    review = submitted(personas)
    services.due_work_sweep(now=later())
    [call] = published
    assert services.review_score(review_id=call.args[0], revision=call.args[1]) is True
    assert services.review_score(review_id=call.args[0], revision=call.args[1]) is False
    review.refresh_from_db()
    assert review.state == Review.State.SCORED
    assert review.events.filter(action="scored").count() == 1
    assert services.due_work_sweep(now=later(120)).total == 0


# -- cycle jobs --------------------------------------------------------------------------------


def test_it_queues_jobs_never_started_and_jobs_whose_worker_died(
    fresh_quarter: Any, personas: Any, published: list[Published]
) -> None:
    hr = personas["hr"]
    never_started = services.cycle_generate(actor=hr, cycle=fresh_quarter)
    now = timezone.now()
    died = CycleJob.objects.create(
        cycle=fresh_quarter,
        kind=CycleJob.Kind.GENERATE,
        status=CycleJob.Status.RUNNING,
        lease=uuid.uuid4(),
        lease_until=now - dt.timedelta(seconds=1),
    )
    held = CycleJob.objects.create(
        cycle=fresh_quarter,
        kind=CycleJob.Kind.GENERATE,
        status=CycleJob.Status.RUNNING,
        lease=uuid.uuid4(),
        lease_until=now + dt.timedelta(minutes=5),
    )
    CycleJob.objects.create(cycle=fresh_quarter, kind="generate", status=CycleJob.Status.DONE)
    CycleJob.objects.create(cycle=fresh_quarter, kind="generate", status=CycleJob.Status.FAILED)

    assert names(published) == []
    assert services.due_work_sweep(now=now).jobs == 1  # the dead worker's job at once
    assert names(published) == [("reviews.generate_cycle", (died.pk,))]

    published.clear()
    assert services.due_work_sweep(now=later()).jobs == 2
    assert sorted(names(published)) == sorted(
        [("reviews.generate_cycle", (never_started.pk,)), ("reviews.generate_cycle", (died.pk,))]
    )
    assert held.pk not in [call.args[0] for call in published]


# -- warnings and webhooks ---------------------------------------------------------------------


def test_it_queues_the_notices_of_warnings_never_mailed(
    fresh_quarter: Any, personas: Any, published: list[Published]
) -> None:
    warned = scored(personas, actual="10", director=1, hr=1)
    quiet = scored(personas, actual="10", director=1, hr=1, name="head")
    warning, done = VerbalWarning.objects.filter(review__in=[warned, quiet]).order_by("pk")
    assert services.warning_notify(warning_id=done.pk) is True
    published.clear()

    swept = services.due_work_sweep(now=later())
    assert swept.warnings == 1
    assert names(published) == [("reviews.notify_warnings", ([warning.pk],))]


def test_it_queues_overdue_webhook_deliveries(
    fresh_quarter: Any, personas: Any, published: list[Published], allow_private: None
) -> None:
    client = clients_services.client_create(actor=None, name="payroll")
    hook(client, "http://127.0.0.1:9/hooks")
    services.review_approve(actor=personas["director"], review=scored(personas))
    delivery = WebhookDelivery.objects.get()
    published.clear()

    swept = services.due_work_sweep(now=timezone.now() + dt.timedelta(minutes=2))
    assert swept.webhooks == 1
    assert names(published) == [("clients.deliver_webhook", (delivery.pk,))]
    assert isinstance(client, ApiClient)


# -- the sweep itself --------------------------------------------------------------------------


def test_it_takes_the_same_few_queries_however_much_is_due(
    fresh_quarter: Any,
    personas: Any,
    published: list[Published],
    django_assert_num_queries: Any,
) -> None:
    for name in ("employee", "head"):
        submitted(personas, name)
    for _ in range(3):
        services.cycle_generate(actor=personas["hr"], cycle=fresh_quarter)
    when = next_weekday_morning()
    # jobs, reviews, warnings, webhooks, the reminder, prints, notifications and the daily runs
    with django_assert_num_queries(8):
        swept = services.due_work_sweep(now=when)
    assert (swept.jobs, swept.scoring, swept.reminders) == (3, 2, 1)
    assert len(published) == 6


def test_it_stops_queueing_when_the_broker_refuses(
    fresh_quarter: Any, personas: Any, refusing_broker: list[str]
) -> None:
    for name in ("employee", "head"):
        submitted(personas, name)
    assert services.due_work_sweep(now=later()).total == 0
    assert refusing_broker == ["reviews.score_review"]


def test_it_queues_the_directors_reminder_of_the_day_when_the_beat_missed_it(
    db: None, published: list[Published]
) -> None:
    morning = next_weekday_morning()
    assert services.due_work_sweep(now=morning).reminders == 1
    assert names(published) == [("reviews.remind_director", ())]

    published.clear()
    services.director_remind(day=morning.date())  # what the task does
    assert services.due_work_sweep(now=morning).reminders == 0
    before_the_hour = morning.replace(hour=8)
    assert services.due_work_sweep(now=before_the_hour).reminders == 0
    assert published == []
