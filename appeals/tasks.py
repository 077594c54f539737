"""Thin tasks: the employee mailed HR's answer to their appeal, and the approved results past
their window confirmed by the deadline (run by the beat). Both are safe to run twice."""

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from appeals import services

TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)


def _retrying(name: str) -> Any:
    return shared_task(
        name=name,
        autoretry_for=TRANSIENT,
        retry_backoff=2,
        retry_backoff_max=300,
        retry_jitter=True,
        max_retries=8,
        acks_late=True,
        ignore_result=True,
    )


@_retrying("appeals.mail_answer")
def mail_answer(appeal_id: int) -> bool:
    return services.appeal_mail_answer(appeal_id=appeal_id)


@_retrying("appeals.confirm_by_deadline")
def confirm_by_deadline() -> int:
    """Confirm the results past their window, and mail the answers whose mail was lost."""
    confirmed = services.results_confirm_by_deadline()
    services.answers_mail_due()
    return confirmed
