"""The employee's confirmation (结果确认) of an approved result, or their appeal (申诉).

Both are marks on one approved version of a review: at most one confirmation and at most one
appeal per (review, version), each a unique row, so a repeated request or a repeated scheduled
run never writes a second. An appeal names what it disputes (`AppealItem`: a KPI line, a
rating, or the whole result) and keeps its exchange with HR as ordered steps (`AppealStep`).
The version an accepted appeal's correction was approved as is not stored: it is the approved
result of the version the appeal reopened (`appeals.selectors`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from departments.models import Competency
from reviews.models import AssessorRole, Review, ReviewKpiLine

GROUNDS_MAX = 4000
REASON_MAX = 4000


class Confirmation(models.Model):
    """The approved version is confirmed: by the employee, or by the deadline (silence)."""

    class How(models.TextChoices):
        EMPLOYEE = "employee", _("by the employee")
        DEADLINE = "deadline", _("by the deadline")

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="confirmations")
    version = models.PositiveIntegerField(_("version"))
    how = models.CharField(_("how"), max_length=8, choices=How.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        verbose_name = _("confirmation")
        ordering = ["review_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "version"], name="confirmation_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(how="employee", confirmed_by__isnull=False)
                | Q(how="deadline", confirmed_by__isnull=True),
                name="confirmation_how_and_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} v{self.version} ({self.how})"


class Appeal(models.Model):
    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="appeals")
    version = models.PositiveIntegerField(_("version"))
    grounds = models.TextField(_("grounds"), max_length=GROUNDS_MAX)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.FILED
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    answer_due = models.DateField(_("answer due"))
    reason = models.TextField(_("HR's answer"), blank=True, max_length=REASON_MAX)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The version the review was reopened as when the appeal was accepted.
    reopened_version = models.PositiveIntegerField(_("reopened version"), null=True, blank=True)
    # When the employee was mailed the answer (empty: not yet, or they have no address).
    mailed_at = models.DateTimeField(_("employee mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="appeal_unique_version"),
            models.CheckConstraint(
                condition=Q(status="filed", answered_at__isnull=True)
                | Q(status__in=["accepted", "rejected"], answered_at__isnull=False),
                name="appeal_answered_when_decided",
            ),
            models.CheckConstraint(
                condition=Q(status="accepted", reopened_version__isnull=False)
                | (~Q(status="accepted") & Q(reopened_version__isnull=True)),
                name="appeal_reopened_when_accepted",
            ),
        ]
        indexes = [models.Index(fields=["status", "answer_due"], name="appeal_status_due")]

    def __str__(self) -> str:
        return f"{self.review_id} v{self.version} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.FILED


class AppealItem(models.Model):
    """One thing the appeal disputes: a KPI line (its figure), a rating (a competency as one
    assessor rated it) or the whole result."""

    class Kind(models.TextChoices):
        LINE = "line", _("KPI line")
        RATING = "rating", _("Rating")
        WHOLE = "whole", _("The whole result")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    line = models.ForeignKey(
        ReviewKpiLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessor_role = models.CharField(
        _("assessor"), max_length=20, choices=AssessorRole.choices, blank=True
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="line", line__isnull=False, competency__isnull=True)
                | Q(kind="rating", line__isnull=True, competency__isnull=False)
                | Q(kind="whole", line__isnull=True, competency__isnull=True),
                name="appeal_item_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


class AppealStep(models.Model):
    """One step of the exchange, in order: filed, accepted or rejected (with HR's reason),
    reopened, the employee told. (The re-approval is read from the approved results.)"""

    class Kind(models.TextChoices):
        FILED = "filed", _("Filed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        REOPENED = "reopened", _("Review reopened")
        TOLD = "told", _("Employee told")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    text = models.TextField(_("text"), blank=True)
    # The version it concerns (reopened), or the channel the employee was told by (told).
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=8, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"
