from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from departments.models import CODE_VALIDATOR, Department
from hrperf.lib.bilingual import BilingualMixin


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Unit(models.TextChoices):
    PERCENT = "percent", _("%")
    YUAN = "yuan", _("yuan")
    COUNT = "count", _("count")
    POINTS = "points", _("points")


def figure_limit_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A KPI's (or a review line's) limits: a minimum of at least 0, a maximum not below it."""
    return [
        models.CheckConstraint(
            condition=models.Q(minimum__gte=0), name=f"{prefix}_minimum_not_negative"
        ),
        models.CheckConstraint(
            condition=models.Q(maximum__isnull=True) | models.Q(maximum__gte=models.F("minimum")),
            name=f"{prefix}_maximum_not_below_minimum",
        ),
    ]


class Kpi(BilingualMixin, models.Model):
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="kpis", verbose_name=_("department")
    )
    code = models.CharField(_("code"), max_length=64, unique=True, validators=[CODE_VALIDATOR])
    order = models.PositiveSmallIntegerField(_("order"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    default_target = models.DecimalField(
        _("default target"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Empty: HR sets the target each cycle."),
    )
    default_weight = models.PositiveSmallIntegerField(
        _("default weight (%)"), validators=[MaxValueValidator(100)]
    )
    minimum = models.DecimalField(
        _("least figure"),
        max_digits=18,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text=_("The least a target or an actual figure of this KPI may be."),
    )
    maximum = models.DecimalField(
        _("greatest figure"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "The most a target or an actual figure may be: 100 for a share of a whole or a "
            "score out of 100. Empty: no maximum."
        ),
    )
    definition_zh = models.TextField(_("how it is measured (Chinese)"), blank=True)
    definition_en = models.TextField(_("how it is measured (English)"), blank=True)
    is_active = models.BooleanField(
        _("in the catalogue"),
        default=True,
        help_text=_("A KPI removed from the catalogue but used by reviews is kept, inactive."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["department__seq", "order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_weight__lte=100), name="kpi_weight_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(default_target__isnull=True) | models.Q(default_target__gte=0),
                name="kpi_target_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(direction="higher", default_target=0),
                name="kpi_higher_target_not_zero",
            ),
            *figure_limit_constraints("kpi"),
        ]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self) -> str:
        return f"{self.code} {self.tr('name')}"

    def clean(self) -> None:
        """Limits that hold together, and a default target within them (as the catalogue file
        checks them)."""
        from kpis.values import limit_problem, limits_of  # the values module reads this one

        if self.maximum is not None and self.minimum is not None and self.maximum < self.minimum:
            raise ValidationError({"maximum": _("The maximum cannot be less than the minimum.")})
        if self.default_target is not None and self.minimum is not None and self.unit:
            problem = limit_problem(self.default_target, "target", limits_of(self))
            if problem is not None:
                raise ValidationError({"default_target": problem[0]}, code=problem[1])
