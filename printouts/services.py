"""Printing many review forms at once: starting a job, the worker's run, its failure, and the
sweep's share.

A job is claimed, held and resumed as a quarter's job is (`reviews.services.jobs`): a run claims
it with a conditional update (queued → running, a new `lease`), renews the hold with every
chunk and lets it go after an error, so a repeated task does nothing while the job is held and a
job whose worker died is taken over once its hold has run out. Each chunk renders the next
PRINTOUTS_CHUNK_SIZE forms to a PDF part for each of PRINTOUTS_PROCESSES processes, side by
side (`files.Renderers`), keeps the parts through the storage API (so another worker can resume
the job) and records them with the progress in one transaction; the last step joins the parts
into the one PDF, keeps it under a random name and deletes the parts. Each form is a document of
its own, its pages numbered "p of q", its footer "form k of N": no part depends on another.

The HTML of the forms is the pages' (the same template as the print page); the app's config
hands its renderer to `renderer_use`, so this module never imports the web layer.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from hrperf.lib import leases
from hrperf.lib.bilingual import localized
from hrperf.lib.errors import FieldError, NotAllowed, ValidationFailed
from hrperf.lib.leases import Claim
from hrperf.lib.roles import roles_of
from hrperf.lib.tasks import publish, publish_on_commit
from printouts import files
from printouts.models import PrintJob
from printouts.selectors import print_order, printable_reviews
from reviews import workflow
from reviews.models import ReviewCycle
from reviews.workflow import Action

logger = logging.getLogger(__name__)

Status = PrintJob.Status
TASK = "printouts.render_forms"
SWEEP_BATCH = 500


@dataclass(frozen=True, slots=True)
class Sheets:
    """What a part is drawn from: whose eyes, which reviews, in which language, the number of
    its first form among all of the job's (`total`), and the header's text."""

    user: Any
    review_ids: list[int]
    language: str
    first_number: int
    total: int
    heading: str


# The HTML of a run of forms, a document each (printouts.pages.sheets.forms_html, handed over
# by the app's config): the same template as the print page.
Renderer = Callable[[Sheets], list[str]]
_renderer: Renderer | None = None


def renderer_use(renderer: Renderer) -> None:
    global _renderer
    _renderer = renderer


def _render(sheets: Sheets) -> list[str]:
    if _renderer is None:  # pragma: no cover - the app's config sets it
        raise RuntimeError("printouts: no renderer (PrintoutsConfig.ready sets it)")
    return _renderer(sheets)


# -- starting a job ----------------------------------------------------------------------------


def printjob_start(
    *, actor: Any, cycle: ReviewCycle, department_code: str | None, language: str
) -> PrintJob:
    """One PDF of the forms of a department (or, for HR and the director, of the whole quarter)
    that the actor sees, queued for the worker. A head prints their own department's only."""
    roles = roles_of(actor)
    workflow.require(Action.PRINT_FORMS, roles)
    department: Department | None = None
    if department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            raise ValidationFailed(
                [FieldError("department", _("There is no department with this code."))]
            )
    if not roles.sees_all_reviews:
        headed = roles.headed_department_id
        if headed is None or (department is not None and department.pk != headed):
            raise NotAllowed(_("A department head prints their own department's forms only."))
        department = Department.objects.get(pk=headed)
    reviews = printable_reviews(viewer_roles=roles, cycle=cycle, department=department)
    review_ids = list(print_order(reviews).values_list("pk", flat=True))
    if not review_ids:
        raise ValidationFailed(
            [FieldError("department", _("There are no review forms to print here."))]
        )
    with transaction.atomic():
        job = PrintJob.objects.create(
            cycle=cycle,
            department=department,
            requested_by=actor,
            language=language[:10] or settings.LANGUAGE_CODE,
            review_ids=review_ids,
            total=len(review_ids),
        )
        publish_on_commit(TASK, job.pk)
    return job


# -- the worker's run --------------------------------------------------------------------------


def printjob_run(*, job_id: int, chunk_size: int | None = None) -> PrintJob:
    """Render the job's forms chunk by chunk and keep the PDF. A run that cannot claim the job
    (finished, or held by a live run) does nothing."""
    chunk_size = chunk_size or settings.PRINTOUTS_CHUNK_SIZE
    job = PrintJob.objects.get(pk=job_id)
    claim = _claim(job)
    if claim is None:
        job.refresh_from_db()
        return job
    try:
        with files.Renderers(settings.PRINTOUTS_PROCESSES) as renderers:
            while _chunk(job.pk, claim.lease, chunk_size, renderers):
                pass
        _finish(job.pk, claim.lease)
    except Exception:
        _release(job.pk, claim.lease)
        raise
    job.refresh_from_db()
    return job


def printjob_fail(*, job_id: int, error: str) -> None:
    """Mark a job failed (an error that retrying cannot mend), so its page stops waiting; its
    parts are deleted."""
    job = PrintJob.objects.filter(pk=job_id).first()
    if job is None:
        return
    failed = (
        PrintJob.objects.filter(pk=job_id)
        .exclude(status=Status.DONE)
        .update(
            status=Status.FAILED,
            error=error[:2000],
            finished_at=timezone.now(),
            lease=None,
            lease_until=None,
            parts=[],
        )
    )
    if failed:
        _delete(job.parts)


def _held_until() -> dt.datetime:
    return leases.held_until(settings.PRINTOUTS_LEASE)


def _claim(job: PrintJob) -> Claim | None:
    """Claim the job for this run (`hrperf.lib.leases.claim`)."""
    return leases.claim(PrintJob.objects.filter(pk=job.pk), hold_seconds=settings.PRINTOUTS_LEASE)


def _heading(job: PrintJob) -> str:
    if job.department is None:
        return str(job.cycle.period)
    with translation.override(job.language):
        return f"{job.cycle.period} · {localized(job.department, 'name')}"


def _chunk(job_id: int, lease: uuid.UUID, chunk_size: int, renderers: files.Renderers) -> bool:
    """Render the next chunk of forms (a part of `chunk_size` forms for each of the renderers'
    processes, side by side) and record it, if this run still holds the job (renewing the hold,
    which also locks the job's row until the chunk commits); False when nothing is left or the
    run no longer holds the job."""
    with transaction.atomic():
        held = PrintJob.objects.filter(pk=job_id, lease=lease).update(lease_until=_held_until())
        if not held:
            return False
        job = PrintJob.objects.select_related("cycle", "department", "requested_by").get(pk=job_id)
        starts = range(
            job.done, min(job.total, job.done + chunk_size * renderers.processes), chunk_size
        )
        if not starts:
            return False
        documents = [
            _render(
                Sheets(
                    user=job.requested_by,
                    review_ids=job.review_ids[start : start + chunk_size],
                    language=job.language,
                    first_number=start + 1,
                    total=job.total,
                    heading=_heading(job),
                )
            )
            for start in starts
        ]
        rendered = renderers.render(documents)
        names = [
            default_storage.save(
                f"printouts/parts/{job.pk}/{start:06d}-{uuid.uuid4().hex}.pdf", ContentFile(body)
            )
            for start, (body, _pages) in zip(starts, rendered, strict=True)
        ]
        forms = len(job.review_ids[starts[0] : starts[-1] + chunk_size])
        PrintJob.objects.filter(pk=job_id).update(
            done=F("done") + forms,
            pages=F("pages") + sum(pages for _body, pages in rendered),
            parts=[*job.parts, *names],
        )
    return True


def _finish(job_id: int, lease: uuid.UUID) -> None:
    """Join the parts into the one PDF, keep it, and mark the job done."""
    job = PrintJob.objects.get(pk=job_id)
    if job.lease != lease or job.status != Status.RUNNING:
        return
    with tempfile.TemporaryDirectory(prefix="printout-") as folder:
        target = Path(folder) / "forms.pdf"
        files.join(job.parts, target, open_part=lambda name: default_storage.open(name, "rb"))
        size = target.stat().st_size
        with target.open("rb") as handle:
            stored = PrintJob(cycle_id=job.cycle_id)
            stored.file.save("forms.pdf", File(handle), save=False)
    finished = PrintJob.objects.filter(pk=job_id, lease=lease, status=Status.RUNNING).update(
        status=Status.DONE,
        file=stored.file.name,
        size=size,
        parts=[],
        finished_at=timezone.now(),
        lease=None,
        lease_until=None,
    )
    if finished:
        _delete(job.parts)
    else:  # another run took the job over meanwhile: its own file is the one kept
        _delete([stored.file.name])


def _release(job_id: int, lease: uuid.UUID) -> None:
    """Let the job go after an error, so the task's retry (or the sweep) resumes it at once."""
    try:
        PrintJob.objects.filter(pk=job_id, lease=lease, status=Status.RUNNING).update(
            lease_until=timezone.now()
        )
    except DatabaseError:
        logger.warning("Could not release print job %s; resumed when its hold runs out", job_id)


def _delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete %s", name)


# -- the sweep ---------------------------------------------------------------------------------


def printjobs_sweep(*, now: dt.datetime) -> int:
    """Queue again the print jobs queued and never started for SWEEP_GRACE seconds, and the
    running ones whose hold ran out (their worker died); one query, on the index made for it."""
    waited_since = now - dt.timedelta(seconds=settings.SWEEP_GRACE)
    due = (
        PrintJob.objects.filter(status__in=[Status.QUEUED, Status.RUNNING])
        .filter(
            Q(status=Status.QUEUED, created_at__lte=waited_since)
            | Q(status=Status.RUNNING, lease_until__isnull=True)
            | Q(status=Status.RUNNING, lease_until__lte=now)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    queued = 0
    for job_id in due:
        if not publish(TASK, job_id):
            break
        queued += 1
    return queued
