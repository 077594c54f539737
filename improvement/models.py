"""After a low score: performance conversations (绩效面谈), improvement plans (绩效改进计划)
and written warnings (书面警告).

* A `Conversation` is held about a review with a verbal warning (or graded C or D): when, who
  took part, what was said, the actions agreed (`AgreedAction`); the employee acknowledges it.
* A `Plan` starts from a warned review: measurable `Goal`s with due dates, `CheckIn`s (with
  `GoalProgress` per goal), and an outcome judged by HR against the next quarter's review. An
  employee has at most one open plan (the database says so too).
* A `WrittenWarning` is made by the scoring worker when an employee's verbal warnings within the
  quarter policy's window reach its count; once per triggering review. HR acknowledges it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from departments.models import Employee
from reviews.models import Review, VerbalWarning


class Conversation(models.Model):
    """绩效面谈: a structured record of the conversation held about a low-scoring review."""

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="conversations", verbose_name=_("review")
    )
    warning = models.ForeignKey(
        VerbalWarning,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("verbal warning"),
    )
    held_on = models.DateField(_("held on"))
    # The people present, by name as HR writes them (people outside the system may take part).
    participants = models.JSONField(_("participants"), default=list)
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    employee_comment = models.TextField(_("employee's comment"), blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("performance conversation")
        verbose_name_plural = _("performance conversations")

    def __str__(self) -> str:
        return f"{self.review_id} {self.held_on}"


class AgreedAction(models.Model):
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("conversation"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    action = models.TextField(_("action"))
    owner = models.CharField(_("owner"), max_length=100)
    due_on = models.DateField(_("due on"))

    class Meta:
        ordering = ["conversation", "order"]
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")

    def __str__(self) -> str:
        return self.action[:50]


class Plan(models.Model):
    """绩效改进计划: open until HR judges it passed or failed; extended keeps it open with a new
    end date."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        EXTENDED = "extended", _("Extended")
        FAILED = "failed", _("Failed")

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="plans", verbose_name=_("employee")
    )
    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="plans", verbose_name=_("warned review")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("reason for the outcome"), blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("judged by"),
    )
    judged_at = models.DateTimeField(_("judged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee"],
                condition=models.Q(closed_at__isnull=True),
                name="plan_one_open_per_employee",
            )
        ]
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")

    def __str__(self) -> str:
        return f"{self.employee_id} {self.starts_on}–{self.ends_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Goal(models.Model):
    """A measurable goal: a target as text, or as a number with its unit."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(_("order"))
    description = models.TextField(_("description"))
    target_text = models.CharField(_("target"), max_length=200, blank=True)
    target_value = models.DecimalField(
        _("target figure"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    target_unit = models.CharField(_("unit"), max_length=20, blank=True)
    due_on = models.DateField(_("due on"))

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.description[:50]


class CheckIn(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="check_ins")
    held_on = models.DateField(_("held on"))
    overall = models.TextField(_("overall progress"), blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "held_on", "pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.held_on}"


class GoalProgress(models.Model):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    progress = models.TextField(_("progress"))

    class Meta:
        ordering = ["check_in", "goal__order"]
        constraints = [
            models.UniqueConstraint(fields=["check_in", "goal"], name="progress_once_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.check_in_id} {self.goal_id}"


class WrittenWarning(models.Model):
    """书面警告: the employee's verbal warnings within the policy's window reached its count.
    One per triggering review (and so per triggering warning): a repeated or late scoring makes
    no second one."""

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="written_warnings"
    )
    review = models.OneToOneField(
        Review,
        on_delete=models.PROTECT,
        related_name="written_warning",
        verbose_name=_("triggering review"),
    )
    warning = models.OneToOneField(
        VerbalWarning,
        on_delete=models.PROTECT,
        related_name="written_warning",
        verbose_name=_("triggering verbal warning"),
    )
    counted = models.ManyToManyField(
        VerbalWarning, related_name="+", verbose_name=_("earlier verbal warnings counted")
    )
    warnings_needed = models.PositiveSmallIntegerField(_("verbal warnings that make one"))
    within_quarters = models.PositiveSmallIntegerField(_("within this many quarters"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("written warning")
        verbose_name_plural = _("written warnings")

    def __str__(self) -> str:
        return f"{self.employee_id} {self.review_id}"
