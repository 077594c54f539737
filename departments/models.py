from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from hrperf.lib.bilingual import BilingualMixin

CODE_VALIDATOR = RegexValidator(
    r"^[A-Z][A-Z0-9_]*$",
    _("Use capital letters, digits and underscores, starting with a letter."),
)


class Provenance(models.TextChoices):
    SEED = "seed", _("From the source")
    SEED_PARTIAL = "seed-partial", _("Completed")
    DRAFTED = "drafted", _("Drafted")


class Department(BilingualMixin, models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    seq = models.PositiveSmallIntegerField(_("order"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200)
    head_position_zh = models.CharField(_("head position (Chinese)"), max_length=100)
    head_position_en = models.CharField(_("head position (English)"), max_length=200)
    source = models.CharField(_("provenance"), max_length=16, choices=Provenance.choices)
    education_zh = models.CharField(_("education (Chinese)"), max_length=200, blank=True)
    education_en = models.CharField(_("education (English)"), max_length=300, blank=True)
    experience_years = models.PositiveSmallIntegerField(
        _("years of experience"), null=True, blank=True, validators=[MaxValueValidator(50)]
    )
    experience_zh = models.CharField(_("experience (Chinese)"), max_length=300, blank=True)
    experience_en = models.CharField(_("experience (English)"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.code} {self.tr('name')}"


class Duty(BilingualMixin, models.Model):
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="duties", verbose_name=_("department")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text_zh = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"))

    class Meta:
        ordering = ["department", "order"]
        constraints = [
            models.UniqueConstraint(fields=["department", "order"], name="duty_unique_order")
        ]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self) -> str:
        return f"{self.order}. {self.tr('text')}"


class QualificationItem(BilingualMixin, models.Model):
    """A major the head's education may be in, or an ability the head must have."""

    class Kind(models.TextChoices):
        MAJOR = "major", _("Major")
        ABILITY = "ability", _("Ability")

    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="qualification_items",
        verbose_name=_("department"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    text_zh = models.CharField(_("text (Chinese)"), max_length=200)
    text_en = models.CharField(_("text (English)"), max_length=300)

    class Meta:
        ordering = ["department", "kind", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "order"], name="qualification_unique_order"
            )
        ]
        verbose_name = _("qualification item")
        verbose_name_plural = _("qualification items")

    def __str__(self) -> str:
        return self.tr("text")


class Competency(BilingualMixin, models.Model):
    """One of the competencies common to every department (考核指引), rated 1–5."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    text_zh = models.CharField(_("text (Chinese)"), max_length=200)
    text_en = models.CharField(_("text (English)"), max_length=300)

    class Meta:
        ordering = ["order"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return self.tr("text")


class CompetencyLevel(BilingualMixin, models.Model):
    """What one level (1–5) of a competency looks like in behaviour, for whoever rates it."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text_zh = models.CharField(_("text (Chinese)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=500)

    class Meta:
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="competency_level_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="competency_level_1_5"
            ),
        ]
        verbose_name = _("competency level")
        verbose_name_plural = _("competency levels")

    def __str__(self) -> str:
        return f"{self.competency_id}/{self.level}"


class PolicyItem(BilingualMixin, models.Model):
    """A text of the assessment policy common to all departments."""

    class Kind(models.TextChoices):
        FREQUENCY = "frequency", _("Frequency")
        ASSESSOR = "assessor", _("Assessor")
        RESULT_USE = "result_use", _("Use of results")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(_("order"))
    text_zh = models.CharField(_("text (Chinese)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=500)

    class Meta:
        ordering = ["kind", "order"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "order"], name="policy_unique_order")
        ]
        verbose_name = _("policy text")
        verbose_name_plural = _("policy texts")

    def __str__(self) -> str:
        return self.tr("text")


class Employee(models.Model):
    employee_no = models.CharField(_("employee number"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("department"),
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("login"),
    )
    is_department_head = models.BooleanField(_("department head"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["employee_no"]
        constraints = [
            models.UniqueConstraint(
                Upper("employee_no"),
                name="employee_no_unique_ci",
                violation_error_message=_("An employee with this employee number already exists."),
            )
        ]
        indexes = [
            models.Index(fields=["department", "is_active"]),
            # The payroll feed's validator reads the roster's newest change.
            models.Index(fields=["updated_at"], name="employee_updated_at_idx"),
        ]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self) -> str:
        return f"{self.employee_no} {self.name}"


class CompetencyLevelChange(models.Model):
    """One change of a level's texts by HR (its page: /catalogue/competencies/<code>/levels/):
    the texts before and after, who and when. Append-only: the history of what assessors were
    shown."""

    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="level_changes"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text_zh_before = models.CharField(_("text (Chinese) before"), max_length=300, blank=True)
    text_en_before = models.CharField(_("text (English) before"), max_length=500, blank=True)
    text_zh = models.CharField(_("text (Chinese)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=500)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["competency", "-id"], name="level_change_by_competency")]
        verbose_name = _("change of a competency level")
        verbose_name_plural = _("changes of competency levels")

    def __str__(self) -> str:
        return f"{self.competency_id}/{self.level} {self.changed_at:%Y-%m-%d}"
