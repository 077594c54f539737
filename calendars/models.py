"""The working-day calendar (holidays and 调休 working weekends) and each quarter's deadlines.

A working day is a weekday that HR has not listed as a holiday, or a weekend day HR has listed
as a working day (调休). A deadline is a date: what is due on it may be done until the end of
that day in the product's time zone (`TIME_ZONE`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.models import ReviewCycle

DEFAULT_APPEAL_WORKING_DAYS = 5
DEFAULT_ANSWER_WORKING_DAYS = 5
MOST_WORKING_DAYS = 60


class CalendarDay(models.Model):
    """A date that is not what its weekday says: a holiday on a weekday, or a working weekend."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Working day (调休)")

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "workday"]), name="calendar_day_kind"
            )
        ]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"


class QuarterDeadlines(models.Model):
    """A quarter's deadlines; a quarter without a row has none but the default appeal window."""

    cycle = models.OneToOneField(
        ReviewCycle, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("quarter")
    )
    self_assessment_due = models.DateField(_("self-assessment due"), null=True, blank=True)
    rating_due = models.DateField(_("ratings due"), null=True, blank=True)
    approval_due = models.DateField(_("approval due"), null=True, blank=True)
    appeal_working_days = models.PositiveSmallIntegerField(
        _("appeal window (working days after approval)"),
        default=DEFAULT_APPEAL_WORKING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_WORKING_DAYS)],
    )
    answer_working_days = models.PositiveSmallIntegerField(
        _("HR answers an appeal within (working days)"),
        default=DEFAULT_ANSWER_WORKING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_WORKING_DAYS)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(appeal_working_days__gte=1)
                & models.Q(appeal_working_days__lte=MOST_WORKING_DAYS),
                name="deadlines_appeal_days_range",
            ),
            models.CheckConstraint(
                condition=models.Q(answer_working_days__gte=1)
                & models.Q(answer_working_days__lte=MOST_WORKING_DAYS),
                name="deadlines_answer_days_range",
            ),
        ]
        verbose_name = _("quarter's deadlines")
        verbose_name_plural = _("quarters' deadlines")

    def __str__(self) -> str:
        return f"{self.cycle_id}"
