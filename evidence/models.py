"""Evidence files attached to a self-assessment or an appeal, checked by their content.

A file belongs to a review and to one owner on it: its `purpose` says which kind of owner (a
self-assessment, an appeal) and `ref` which one (the owner's id). The file itself is kept
through Django's storage API (`STORAGES["default"]`) under a name nobody can guess, never the
name it was uploaded with; that name (cleaned), the kind its content is, its size and digest
are kept here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    APPEAL = "appeal", _("Appeal")


def stored_name(instance: Any, filename: str) -> str:
    """Where a file is kept: by review, under a random name (the uploaded one is not used)."""
    return f"evidence/{instance.review_id}/{uuid.uuid4().hex}"


class EvidenceFile(models.Model):
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="evidence_files"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    ref = models.PositiveBigIntegerField(_("owner"))
    file = models.FileField(_("file"), upload_to=stored_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["review", "purpose", "ref"], name="evidence_owner")]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name
