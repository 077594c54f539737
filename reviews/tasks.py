"""Thin tasks: ids in, a service called. Acknowledged late, so a task whose worker dies is
delivered again; every service here is safe to run twice. Transient database and broker
errors are retried with backoff. The services queue these by name (`hrperf.lib.tasks`); a task
that never reached the worker is queued again by the sweep (`reviews.services.sweep`)."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from reviews import services

TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)


def retrying_task(name: str) -> Any:
    """A task acknowledged late that retries transient errors with backoff (2 s, 4 s … 5 min)."""
    return shared_task(
        name=name,
        autoretry_for=TRANSIENT,
        retry_backoff=2,
        retry_backoff_max=300,
        retry_jitter=True,
        max_retries=8,
        acks_late=True,
    )


@retrying_task("reviews.score_review")
def score_review(review_id: int, revision: int) -> bool:
    return services.review_score(review_id=review_id, revision=revision)


@retrying_task("reviews.generate_cycle")
def generate_cycle(job_id: int, lease: str | None = None) -> int:
    """Generate a quarter's reviews, shared by REVIEWS_JOB_PARALLELISM runners; with `lease`,
    as one more runner of the job under that hold."""
    return _run_job(job_id, lease=lease, runners=settings.REVIEWS_JOB_PARALLELISM)


@retrying_task("reviews.rescore_cycle")
def rescore_cycle(job_id: int, lease: str | None = None) -> int:
    """Rescore a quarter, shared by REVIEWS_JOB_PARALLELISM runners; with `lease`, as one more
    runner of the job under that hold."""
    return _run_job(job_id, lease=lease, runners=settings.REVIEWS_JOB_PARALLELISM)


def _run_job(job_id: int, *, lease: str | None = None, runners: int) -> int:
    try:
        return services.job_run(job_id=job_id, lease=lease, runners=runners).done
    except TRANSIENT:
        raise
    except Exception as error:
        services.job_fail(job_id=job_id, error=repr(error))
        raise


@retrying_task("reviews.notify_warnings")
def notify_warnings(warning_ids: list[int]) -> int:
    """Mail HR about each new warning of a scored chunk; one already mailed is skipped, so a
    redelivered task sends nothing twice."""
    return sum(services.warning_notify(warning_id=warning_id) for warning_id in warning_ids)


@retrying_task("reviews.remind_director")
def remind_director() -> int:
    return services.director_remind()


@shared_task(name="reviews.sweep_due_work", ignore_result=True, acks_late=True)
def sweep_due_work() -> int:
    """Queue again the work that is due and was never picked up (run by the beat)."""
    return services.due_work_sweep().total
