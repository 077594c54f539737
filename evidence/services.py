"""Attaching evidence files to their owner (a self-assessment, an appeal) and removing them.

The owner's app decides when its owner may still change (its state, its deadline) and checks
that before it calls these, inside its own transaction if it likes; these check the rest: who
may attach (the employee whose review it is, by the workflow table), what the file is (by its
content, `hrperf.lib.filetypes`) and the limits (`EVIDENCE_MAX_FILE_BYTES`,
`EVIDENCE_MAX_TOTAL_BYTES` per review and purpose, `EVIDENCE_MAX_FILES` per owner). A refused
file leaves nothing behind: no row, no stored file.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence.models import EvidenceFile, Purpose
from hrperf.lib import filetypes
from hrperf.lib.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from hrperf.lib.roles import Roles
from reviews import workflow
from reviews.models import Review

ACTIONS = {
    Purpose.SELF_ASSESSMENT: workflow.Action.SELF_ASSESS,
    Purpose.APPEAL: workflow.Action.APPEAL,
}
OWNER_WORDS = {
    Purpose.SELF_ASSESSMENT: gettext_lazy("one self-assessment"),
    Purpose.APPEAL: gettext_lazy("one appeal"),
}
NOT_YOURS = gettext_lazy("Only the employee whose review it is may attach evidence to it.")
MB = 1024 * 1024


def megabytes(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")


def _refused(message: str, code: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field="file", message=message, code=code)])


def evidence_attach(
    *, user: Any, roles: Roles, review: Review, purpose: str, ref: int, upload: Any
) -> EvidenceFile:
    """Keep `upload` (a Django UploadedFile, or any file with `name` and `read()`) as evidence
    of the owner `ref` of `purpose` on `review`; ValidationFailed on field `file` naming the
    rule and the file."""
    if purpose not in ACTIONS:
        raise ValueError(f"unknown purpose {purpose!r}")
    workflow.require(ACTIONS[Purpose(purpose)], roles)
    if roles.employee is None or review.employee_id != roles.employee.pk:
        raise NotAllowed(NOT_YOURS)
    name = filetypes.clean_name(getattr(upload, "name", "") or "")
    limit = settings.EVIDENCE_MAX_FILE_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(name, size, limit)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name, len(data), limit)
    if not data:
        raise _refused(_("The file “%(name)s” is empty.") % {"name": name}, "empty")
    try:
        kind = filetypes.identify(data, name)
    except filetypes.FileRefused as refused:
        raise _refused(str(refused), "file_type") from None
    with transaction.atomic():
        # One upload at a time per review, so that two cannot pass the limits together.
        Review.objects.select_for_update().filter(pk=review.pk).values_list("pk").first()
        _check_room(review, purpose, ref, name, len(data))
        evidence = EvidenceFile(
            review=review,
            purpose=purpose,
            ref=ref,
            original_name=name,
            content_type=kind.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=user,
        )
        evidence.file.save(name, ContentFile(data), save=False)
        try:
            evidence.save()
        except BaseException:
            evidence.file.delete(save=False)
            raise
    return evidence


def _too_large(name: str, size: int, limit: int) -> ValidationFailed:
    return _refused(
        _("The file “%(name)s” is %(size)s MB; a file may be at most %(max)s MB.")
        % {"name": name, "size": megabytes(size), "max": megabytes(limit)},
        "too_large",
    )


def _check_room(review: Review, purpose: str, ref: int, name: str, size: int) -> None:
    """Refuse a file past the number of files of its owner or the total of its review."""
    totals = EvidenceFile.objects.filter(review=review, purpose=purpose).aggregate(
        total=Sum("size"), owned=Count("pk", filter=Q(ref=ref))
    )
    most = settings.EVIDENCE_MAX_FILES
    if (totals["owned"] or 0) >= most:
        raise _refused(
            _(
                "The file “%(name)s” was not added: at most %(max)s files may be attached to "
                "%(owner)s."
            )
            % {"name": name, "max": most, "owner": OWNER_WORDS[Purpose(purpose)]},
            "too_many_files",
        )
    total = (totals["total"] or 0) + size
    limit = settings.EVIDENCE_MAX_TOTAL_BYTES
    if total > limit:
        raise _refused(
            _(
                "The file “%(name)s” was not added: the files of one review for this purpose "
                "may be at most %(max)s MB together, and with it they would be %(total)s MB."
            )
            % {"name": name, "max": megabytes(limit), "total": megabytes(total)},
            "total_too_large",
        )


def evidence_remove(*, user: Any, evidence: EvidenceFile, editable: bool) -> None:
    """Remove a file: only its uploader, only while its owner may still change (`editable`, as
    the owner's app decides; it should refuse with its own reason first). The stored file goes
    once the removal commits."""
    if evidence.uploaded_by_id != getattr(user, "pk", None):
        raise NotAllowed(_("Only the person who uploaded a file may remove it."))
    if not editable:
        raise Conflict(
            _("The file “%(name)s” can no longer be removed: what it is attached to is final.")
            % {"name": evidence.original_name},
            code="not_editable",
        )
    with transaction.atomic():
        deleted, _rows = EvidenceFile.objects.filter(pk=evidence.pk).delete()
        if deleted:
            stored = evidence.file.name
            storage = evidence.file.storage
            transaction.on_commit(lambda: storage.delete(stored))
