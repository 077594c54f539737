"""Quarterly review cycles, reviews, their KPI lines and ratings, warnings and the audit trail.

A review copies its department and KPI lines from the catalogue when it is made, so later
catalogue edits never rewrite history. An approved review is frozen (the database refuses
changes too, see migration 0002) and its figures are kept per version in ApprovedResult,
which is what payroll reads.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from departments.models import Competency, Department, Employee
from hrperf.lib.bilingual import BilingualMixin
from hrperf.lib.periods import PERIOD_PATTERN, validate_period
from kpis.models import Direction, Kpi, Unit, figure_limit_constraints


class AssessorRole(models.TextChoices):
    MARKETING_DIRECTOR = "marketing_director", _("Marketing director")
    HR = "hr", _("Human resources")
    # The employee rating themself (自评): advisory unless the policy gives it a weight.
    SELF = "self", _("Self-assessment")


class ReviewCycle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    period = models.CharField(_("period"), max_length=6, unique=True, validators=[validate_period])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("review cycle")
        verbose_name_plural = _("review cycles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="cycle_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(period__regex=PERIOD_PATTERN.pattern),
                name="cycle_period_canonical",
            ),
        ]

    def __str__(self) -> str:
        return self.period


class Grading(models.TextChoices):
    ABSOLUTE = "absolute", _("Absolute (grade bands)")
    RELATIVE = "relative", _("Relative (forced distribution)")


class GradingGroup(models.TextChoices):
    DEPARTMENT = "department", _("Each department")
    QUARTER = "quarter", _("The whole quarter")


def _share(label: Any, default: int) -> models.PositiveSmallIntegerField:
    """A grade's share of a group, whole percent: the quota and the guideline."""
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )


def _limit(label: Any) -> models.PositiveSmallIntegerField:
    """A hard limit of a grade's share, whole percent; empty: none."""
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class ScoringPolicy(models.Model):
    """A cycle's scoring settings (scoring.md). Frozen once a review scored with it is approved;
    a later change makes a new version, and approved reviews keep the one they were scored with."""

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="policies", verbose_name=_("cycle")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    kpi_share = models.DecimalField(
        _("KPI share of the total (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(80),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    director_weight = models.DecimalField(
        _("marketing director's weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(0)],
    )
    hr_weight = models.DecimalField(
        _("HR's weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(40),
        validators=[MinValueValidator(0)],
    )
    # scoring.md v2: the employee's own ratings; 0 (the default) keeps them advisory.
    self_weight = models.DecimalField(
        _("self-assessment weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
    )
    achievement_cap = models.DecimalField(
        _("achievement cap (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(120),
        validators=[MinValueValidator(100)],
    )
    achievement_floor = models.DecimalField(
        _("achievement floor (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
    )
    warning_threshold = models.DecimalField(
        _("warning threshold"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("60.00"),
        validators=[MinValueValidator(0)],
    )
    band_s = models.DecimalField(
        _("lowest total for S"), max_digits=6, decimal_places=2, default=Decimal(95)
    )
    band_a = models.DecimalField(
        _("lowest total for A"), max_digits=6, decimal_places=2, default=Decimal(85)
    )
    band_b = models.DecimalField(
        _("lowest total for B"), max_digits=6, decimal_places=2, default=Decimal(75)
    )
    band_c = models.DecimalField(
        _("lowest total for C"), max_digits=6, decimal_places=2, default=Decimal(60)
    )
    coefficient_s = models.DecimalField(
        _("pay coefficient S"), max_digits=4, decimal_places=2, default=Decimal("1.20")
    )
    coefficient_a = models.DecimalField(
        _("pay coefficient A"), max_digits=4, decimal_places=2, default=Decimal("1.10")
    )
    coefficient_b = models.DecimalField(
        _("pay coefficient B"), max_digits=4, decimal_places=2, default=Decimal("1.00")
    )
    coefficient_c = models.DecimalField(
        _("pay coefficient C"), max_digits=4, decimal_places=2, default=Decimal("0.90")
    )
    coefficient_d = models.DecimalField(
        _("pay coefficient D"), max_digits=4, decimal_places=2, default=Decimal("0.70")
    )
    # Escalation (product.md v2): this many verbal warnings of one employee within this many
    # quarters make a written warning (书面警告).
    escalation_warnings = models.PositiveSmallIntegerField(
        _("verbal warnings that make a written warning"),
        default=2,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
    )
    escalation_quarters = models.PositiveSmallIntegerField(
        _("within this many quarters"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    # Relative grading and calibration (scoring.md v2, product.md v2 step 3).
    grading = models.CharField(
        _("grading"), max_length=8, choices=Grading.choices, default=Grading.ABSOLUTE
    )
    grading_group = models.CharField(
        _("group graded together"),
        max_length=10,
        choices=GradingGroup.choices,
        default=GradingGroup.DEPARTMENT,
    )
    relative_min_group = models.PositiveSmallIntegerField(
        _("smallest group graded relatively"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    share_s = _share(_("share of S (%)"), 10)
    share_a = _share(_("share of A (%)"), 20)
    share_b = _share(_("share of B (%)"), 40)
    share_c = _share(_("share of C (%)"), 20)
    share_d = _share(_("share of D (%)"), 10)
    tolerance = models.DecimalField(
        _("guideline tolerance (percentage points)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(5),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_share_s = _limit(_("at most S (%)"))
    max_share_a = _limit(_("at most A (%)"))
    max_share_b = _limit(_("at most B (%)"))
    max_share_c = _limit(_("at most C (%)"))
    max_share_d = _limit(_("at most D (%)"))
    min_share_s = _limit(_("at least S (%)"))
    min_share_a = _limit(_("at least A (%)"))
    min_share_b = _limit(_("at least B (%)"))
    min_share_c = _limit(_("at least C (%)"))
    min_share_d = _limit(_("at least D (%)"))
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["cycle", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="policy_unique_version"),
            models.CheckConstraint(
                condition=models.Q(band_s__gt=models.F("band_a"))
                & models.Q(band_a__gt=models.F("band_b"))
                & models.Q(band_b__gt=models.F("band_c")),
                name="policy_bands_descending",
            ),
            models.CheckConstraint(
                condition=models.Q(director_weight__gt=0) | models.Q(hr_weight__gt=0),
                name="policy_some_assessor_weight",
            ),
        ]
        verbose_name = _("scoring policy")
        verbose_name_plural = _("scoring policies")

    def __str__(self) -> str:
        return f"{self.cycle} v{self.version}"


class Review(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        SCORED = "scored", _("Scored")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        REOPENED = "reopened", _("Reopened")

    class Grade(models.TextChoices):
        S = "S", "S"
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("cycle")
    )
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("employee")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("department")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Rises with every change of an input figure or rating; scoring writes its result only if
    # the revision it read is still current, so a late or repeated task never overwrites.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    scored_revision = models.PositiveIntegerField(_("scored revision"), null=True, blank=True)
    policy = models.ForeignKey(
        ScoringPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("scoring policy"),
    )
    kpi_score = models.DecimalField(
        _("KPI score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    competency_score = models.DecimalField(
        _("competency score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    total_score = models.DecimalField(
        _("total score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    pay_coefficient = models.DecimalField(
        _("pay coefficient"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    verbal_warning = models.BooleanField(_("verbal warning"), default=False)
    # What the grade rests on once the director locked its group (relative grading): basis,
    # group, rank, size, seats, lock. Empty: the bands (provisional under a relative policy).
    grade_basis = models.JSONField(_("grade basis"), null=True, blank=True)
    incomplete_reasons = models.JSONField(_("what is missing"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["cycle", "employee__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="review_unique_employee"),
        ]
        indexes = [
            models.Index(fields=["cycle", "state"]),
            models.Index(fields=["cycle", "department"]),
            # The sweep: submitted reviews waiting longest for the worker.
            models.Index(
                fields=["updated_at"],
                condition=models.Q(state="submitted"),
                name="review_awaiting_score",
            ),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.employee_id} v{self.version}"


class ReviewKpiLine(BilingualMixin, models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="kpi_lines", verbose_name=_("review")
    )
    kpi = models.ForeignKey(
        Kpi, on_delete=models.PROTECT, related_name="review_lines", verbose_name=_("KPI")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=64)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    target = models.DecimalField(
        _("target"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    actual = models.DecimalField(
        _("actual"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    weight = models.PositiveSmallIntegerField(_("weight (%)"), validators=[MaxValueValidator(100)])
    # The KPI's limits as they were when the line was made: its figures are checked against
    # these, whatever the library says later.
    minimum = models.DecimalField(
        _("least figure"), max_digits=18, decimal_places=4, default=Decimal(0)
    )
    maximum = models.DecimalField(
        _("greatest figure"), max_digits=18, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["review", "order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "kpi"], name="line_unique_kpi"),
            models.CheckConstraint(
                condition=models.Q(target__isnull=True) | models.Q(target__gte=0),
                name="line_target_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(actual__isnull=True) | models.Q(actual__gte=0),
                name="line_actual_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(direction="higher", target=0),
                name="line_higher_target_not_zero",
            ),
            models.CheckConstraint(condition=models.Q(weight__lte=100), name="line_weight_max"),
            *figure_limit_constraints("line"),
        ]
        verbose_name = _("KPI line")
        verbose_name_plural = _("KPI lines")

    def __str__(self) -> str:
        return self.code


class CompetencyRating(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("review")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    assessor_role = models.CharField(_("assessor"), max_length=20, choices=AssessorRole.choices)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    value = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), auto_now=True)

    class Meta:
        ordering = ["review", "assessor_role", "competency__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "competency", "assessor_role"], name="rating_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1) & models.Q(value__lte=5), name="rating_1_to_5"
            ),
        ]
        verbose_name = _("competency rating")
        verbose_name_plural = _("competency ratings")

    def __str__(self) -> str:
        return f"{self.assessor_role}:{self.competency_id}={self.value}"


class ApprovedResult(models.Model):
    """The figures of one approved version of a review: what payroll pulls."""

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="approved_results", verbose_name=_("review")
    )
    version = models.PositiveIntegerField(_("version"))
    policy = models.ForeignKey(ScoringPolicy, on_delete=models.PROTECT, related_name="+")
    kpi_score = models.DecimalField(_("KPI score"), max_digits=6, decimal_places=2)
    competency_score = models.DecimalField(_("competency score"), max_digits=6, decimal_places=2)
    total_score = models.DecimalField(_("total score"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=1, choices=Review.Grade.choices)
    pay_coefficient = models.DecimalField(_("pay coefficient"), max_digits=4, decimal_places=2)
    verbal_warning = models.BooleanField(_("verbal warning"))
    approved_at = models.DateTimeField(_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(_("lines and ratings as approved"))
    grade_basis = models.JSONField(_("grade basis"), null=True, blank=True)

    class Meta:
        ordering = ["review", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="approved_unique_version")
        ]
        indexes = [models.Index(fields=["approved_at", "id"])]
        verbose_name = _("approved result")
        verbose_name_plural = _("approved results")

    def __str__(self) -> str:
        return f"{self.review_id} v{self.version}"


class VerbalWarning(models.Model):
    """口头警告: at most one per review version, made by the scoring worker."""

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("review")
    )
    review_version = models.PositiveIntegerField(_("review version"))
    total_score = models.DecimalField(_("total score"), max_digits=6, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("HR notified at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    note = models.TextField(_("note of the conversation"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "review_version"], name="warning_once_per_version"
            )
        ]
        indexes = [
            # The sweep: warnings HR has not been mailed about.
            models.Index(
                fields=["created_at"],
                condition=models.Q(notified_at__isnull=True),
                name="warning_not_notified",
            )
        ]
        verbose_name = _("verbal warning")
        verbose_name_plural = _("verbal warnings")

    def __str__(self) -> str:
        return f"{self.review_id} v{self.review_version}"


class AuditEvent(models.Model):
    """Append-only: every change of state or figure of a review, or of a cycle.

    Each kind of event has one constructor in `reviews.events`, which writes its structured
    parameters (`params`) beside the columns every event has. Events written before `params`
    existed have none (NULL); they keep their columns and still read (see `reviews.events`)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Review created")
        STATE = "state", _("State changed")
        FIGURE = "figure", _("Figure changed")
        RATING = "rating", _("Rating changed")
        SCORED = "scored", _("Scored")
        WARNING_ACKNOWLEDGED = "warning_acknowledged", _("Verbal warning acknowledged")
        QUARTER_OPENED = "cycle_opened", _("Quarter opened")
        POLICY_CHANGED = "policy_changed", _("Scoring policy changed")
        # the employee's side of the quarter (each app's `events.py` builds its own)
        DEADLINES_CHANGED = "deadlines_changed", _("Deadlines changed")
        SELF_ASSESSED = "self_assessed", _("Self-assessment submitted")
        RESULT_CONFIRMED = "result_confirmed", _("Result confirmed")
        APPEAL_FILED = "appeal_filed", _("Appeal filed")
        APPEAL_ANSWERED = "appeal_answered", _("Appeal answered")
        CONVERSATION_RECORDED = "conversation_recorded", _("Performance conversation recorded")
        CONVERSATION_ACKNOWLEDGED = "conversation_acknowledged", _("Conversation acknowledged")
        PLAN_CHANGED = "plan_changed", _("Improvement plan changed")
        WRITTEN_WARNING = "written_warning", _("Written warning recorded")
        # calibration (绩效校准)
        GROUP_LOCKED = "group_locked", _("Group locked for calibration")
        GRADE_CALIBRATED = "grade_calibrated", _("Grade set by calibration")
        # closing
        QUARTER_CLOSED = "cycle_closed", _("Quarter closed")
        QUARTER_REOPENED = "cycle_reopened", _("Quarter reopened")

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="events", verbose_name=_("cycle")
    )
    review = models.ForeignKey(
        Review,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("review"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    field = models.CharField(_("field"), max_length=100, blank=True)
    from_value = models.CharField(_("from"), max_length=200, blank=True)
    to_value = models.CharField(_("to"), max_length=200, blank=True)
    reason = models.TextField(_("why"), blank=True)  # a person's reason, as they wrote it
    # Nullable, so that adding it rewrote no row of the append-only table.
    params = models.JSONField(_("parameters"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["review", "at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)


class CalibrationLock(models.Model):
    """The director's lock of a group of a quarter under relative grading: its seats and the
    totals ranked, as they were. A review of the group rescored later ranks into these."""

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="locks", verbose_name=_("cycle")
    )
    # "quarter", or "department:<id>"
    group = models.CharField(_("group"), max_length=40)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    policy = models.ForeignKey(ScoringPolicy, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(_("basis"), max_length=8)  # relative, or absolute (small group)
    seats = models.JSONField(_("seats"))  # {grade: count}, best first
    totals = models.JSONField(_("totals locked"))  # {review id: rounded total}
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)
    reason = models.TextField(_("why"))

    class Meta:
        ordering = ["cycle", "group"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "group"], name="calibration_lock_once")
        ]
        verbose_name = _("calibration lock")
        verbose_name_plural = _("calibration locks")

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.group}"


class CycleJob(models.Model):
    """Progress of a cycle's background work (generating or rescoring), polled by a page."""

    class Kind(models.TextChoices):
        GENERATE = "generate", _("Generate reviews")
        RESCORE = "rescore", _("Rescore the cycle")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The run that holds the job (claimed with a conditional update), and until when: another
    # run may take over a running job only once the hold has run out (its worker died).
    lease = models.UUIDField(_("held by"), null=True, blank=True)
    lease_until = models.DateTimeField(_("held until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweep: jobs not finished yet.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="cycle_job_unfinished",
            )
        ]
        verbose_name = _("cycle job")
        verbose_name_plural = _("cycle jobs")

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.kind} {self.done}/{self.total}"


class DirectorReminder(models.Model):
    """The day the director's morning reminder was sent: claimed before the mail goes, so it is
    sent once a day however often its task runs."""

    day = models.DateField(_("day"), unique=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("director's reminder")
        verbose_name_plural = _("director's reminders")

    def __str__(self) -> str:
        return f"{self.day}"
