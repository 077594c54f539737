"""The thin task of printouts: render a print job's forms into one PDF. Safe to run twice (the
job is claimed and held); an error that retrying cannot mend marks the job failed."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from printouts import services

TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)


@shared_task(
    name="printouts.render_forms",
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
    ignore_result=True,
)
def render_forms(job_id: int) -> str:
    try:
        return services.printjob_run(job_id=job_id).status
    except TRANSIENT:
        raise
    except Exception as error:
        services.printjob_fail(job_id=job_id, error=f"{error.__class__.__name__}: {error}")
        raise
