"""One PDF of many printable review forms (考核表): of a department, or of the whole quarter.

A `PrintJob` is the record of the work, written before its task is queued: the worker claims
it (queued → running, with a `lease` renewed by every chunk, as a quarter's `CycleJob`),
renders the forms chunk by chunk, counting them in `done`, and keeps the PDF through Django's
storage API under a name nobody can guess (`file`). The forms are drawn as the person who
asked for them sees them (`requested_by`), checked again when the worker renders them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def stored_name(instance: Any, filename: str) -> str:
    """Where a PDF is kept: by quarter, under a random name (no name anyone could guess)."""
    return f"printouts/{instance.cycle_id}/{uuid.uuid4().hex}.pdf"


class PrintJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    cycle = models.ForeignKey(
        "reviews.ReviewCycle", on_delete=models.CASCADE, related_name="print_jobs"
    )
    # None: every form of the quarter the requester sees.
    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The interface language the forms are drawn in: the requester's at the time.
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # The forms to print, in print order, fixed when the job was made (review ids).
    review_ids = models.JSONField(_("reviews"), default=list)
    # The rendered chunks not yet joined into the PDF (storage names, in order).
    parts = models.JSONField(_("parts"), default=list)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("forms"), default=0)
    done = models.PositiveIntegerField(_("forms rendered"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    file = models.FileField(_("file"), upload_to=stored_name, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The run that holds the job (claimed with a conditional update), and until when: another
    # run may take over a running job only once the hold has run out (its worker died).
    lease = models.UUIDField(_("held by"), null=True, blank=True)
    lease_until = models.DateTimeField(_("held until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: jobs not finished yet.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="print_job_unfinished",
            ),
            models.Index(fields=["cycle", "-created_at"], name="print_job_recent"),
        ]
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.department_id or '*'} {self.done}/{self.total}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
