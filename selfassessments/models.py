"""The employee's self-assessment (自评) of an open review.

One per review: a summary per KPI line and overall, and the employee's own ratings of the four
competencies, kept here while it is a draft. Submitting it writes those ratings to the review as
`CompetencyRating`s by the assessor "self" (advisory unless the quarter's policy weighs them).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SUMMARY_MAX = 4000
COMMENT_MAX = 1000


class SelfAssessment(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    review = models.OneToOneField(
        "reviews.Review", on_delete=models.PROTECT, related_name="self_assessment"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    summary = models.TextField(_("overall summary"), blank=True, max_length=SUMMARY_MAX)
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")

    def __str__(self) -> str:
        return f"{self.review_id} {self.state}"


class LineSummary(models.Model):
    """What the employee writes about one KPI line of their review."""

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="line_summaries"
    )
    line = models.ForeignKey("reviews.ReviewKpiLine", on_delete=models.CASCADE, related_name="+")
    summary = models.TextField(_("summary"), blank=True, max_length=SUMMARY_MAX)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "line"], name="selfassessment_line_once"
            )
        ]
        verbose_name = _("KPI line summary")
        verbose_name_plural = _("KPI line summaries")

    def __str__(self) -> str:
        return f"{self.self_assessment_id}/{self.line_id}"


class SelfRating(models.Model):
    """The employee's rating of one competency while the self-assessment is a draft."""

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="self_ratings"
    )
    competency = models.ForeignKey(
        "departments.Competency", on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "competency"], name="selfrating_competency_once"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=5), name="selfrating_value_1_5"
            ),
        ]
        verbose_name = _("self-rating")
        verbose_name_plural = _("self-ratings")

    def __str__(self) -> str:
        return f"{self.self_assessment_id}/{self.competency_id}={self.value}"
