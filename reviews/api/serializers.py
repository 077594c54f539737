"""How a review reads in the API: a row of a list, and the whole review with its lines, ratings,
calculation, what it lacks and its history."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hrperf.api.fields import (
    BilingualField,
)
from kpis.api import MAXIMUM_HELP, MINIMUM_HELP
from reviews import events, scoring, selectors
from reviews.models import (
    AssessorRole,
    AuditEvent,
    Review,
)


class ReviewRowSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="cycle.period")
    employee_no = serializers.CharField(source="employee.employee_no")
    employee_name = serializers.CharField(source="employee.name")
    department = serializers.CharField(source="department.code")
    grade = serializers.SerializerMethodField()
    missing_count = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "period",
            "employee_no",
            "employee_name",
            "department",
            "state",
            "version",
            "revision",
            "kpi_score",
            "competency_score",
            "total_score",
            "grade",
            "pay_coefficient",
            "verbal_warning",
            "missing_count",
            "submitted_at",
            "scored_at",
            "approved_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Review.Grade.choices, allow_null=True))
    def get_grade(self, review: Review) -> str | None:
        return review.grade or None

    def get_missing_count(self, review: Review) -> int:
        return len(review.incomplete_reasons or [])


class ReviewPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ReviewRowSerializer(many=True)


class ReviewEmployeeSerializer(serializers.Serializer):
    employee_no = serializers.CharField()
    name = serializers.CharField()
    position = serializers.CharField()


class ReviewDepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = BilingualField()


class LineSerializer(serializers.Serializer):
    code = serializers.CharField(source="line.code")
    order = serializers.IntegerField(source="line.order")
    name = BilingualField("name", of="line")
    direction = serializers.CharField(source="line.direction")
    unit = serializers.CharField(source="line.unit")
    target = serializers.DecimalField(
        source="line.target", max_digits=18, decimal_places=4, allow_null=True
    )
    actual = serializers.DecimalField(
        source="line.actual", max_digits=18, decimal_places=4, allow_null=True
    )
    weight = serializers.IntegerField(source="line.weight")
    minimum = serializers.DecimalField(
        source="line.minimum", max_digits=18, decimal_places=4, help_text=MINIMUM_HELP
    )
    maximum = serializers.DecimalField(
        source="line.maximum",
        max_digits=18,
        decimal_places=4,
        allow_null=True,
        help_text=MAXIMUM_HELP + " The line keeps the KPI's limits as they were when it was made.",
    )
    achievement = serializers.DecimalField(
        max_digits=30,
        decimal_places=2,
        allow_null=True,
        help_text="Percent, before the cap and floor; null until the review is complete.",
    )
    score = serializers.DecimalField(
        max_digits=30,
        decimal_places=2,
        allow_null=True,
        help_text="The line's score; null until the review is complete.",
    )
    capped = serializers.BooleanField(allow_null=True)
    below_floor = serializers.BooleanField(allow_null=True)


class RatingSerializer(serializers.Serializer):
    competency = serializers.CharField(source="competency.code")
    text = BilingualField("text", of="competency")
    value = serializers.IntegerField(allow_null=True, help_text="1 to 5; null: not rated yet.")
    comment = serializers.CharField(allow_blank=True)
    rated_by = serializers.CharField(allow_null=True)
    rated_at = serializers.DateTimeField(allow_null=True)


class AssessorSerializer(serializers.Serializer):
    assessor_role = serializers.ChoiceField(
        choices=AssessorRole.choices,
        help_text=(
            "`marketing_director` and `hr` rate; `self` holds the employee's own ratings from "
            "their self-assessment."
        ),
    )
    weight = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        help_text="The assessor's weight in the competency score (the quarter's policy).",
    )
    advisory = serializers.BooleanField(
        help_text=(
            "True when the weight is 0: the ratings are shown but neither required nor "
            "counted in the competency score."
        )
    )
    score = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text=(
            "Mean rating × 20; null until the review is complete, and always for an advisory "
            "assessor."
        ),
    )
    ratings = RatingSerializer(many=True)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Such as `actual_missing` or `rating_missing`.")
    field = serializers.CharField(
        help_text=(
            "What lacks it, named as the writes name it: `lines.<KPI code>.<target|actual>`, "
            "`ratings.<assessor>.<competency>`, `lines`, `ratings` or `review`."
        )
    )
    message = serializers.CharField(help_text="In words, naming the KPI and competency.")


class TotalsSerializer(serializers.ModelSerializer):
    """The review's score as the scoring worker recorded it (null until it is scored)."""

    grade = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "kpi_score",
            "competency_score",
            "total_score",
            "grade",
            "pay_coefficient",
            "verbal_warning",
            "scored_revision",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Review.Grade.choices, allow_null=True))
    def get_grade(self, review: Review) -> str | None:
        return review.grade or None


class StepSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(kind.value, kind.value) for kind in scoring.StepKind])
    key = serializers.CharField(allow_blank=True)
    rule = serializers.CharField()
    expression = serializers.CharField(
        help_text="The arithmetic with the figures it uses rounded to 2 places, as reported."
    )
    exact_expression = serializers.CharField(
        help_text=(
            "The same arithmetic with the exact values it really uses (each in full, or cut "
            "after 6 decimals with “…”, never rounded): recomputing it gives `exact`. Only the "
            "reported figures (line scores, K, C, T) are rounded, each from its exact value; "
            "the grade and the warning go by the rounded total."
        )
    )
    exact = serializers.CharField(help_text="The step's exact result, in full.")
    rounded = serializers.DecimalField(
        max_digits=30, decimal_places=2, help_text="The result as reported: 2 places, half up."
    )
    params = serializers.DictField(child=serializers.CharField())


class CalculationSerializer(serializers.Serializer):
    """The calculation as the review's inputs stand now, step by step (scoring.md)."""

    kpi_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    competency_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    total_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    grade = serializers.CharField()
    pay_coefficient = serializers.DecimalField(max_digits=4, decimal_places=2)
    verbal_warning = serializers.BooleanField()
    steps = StepSerializer(many=True)


class HistorySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    # Text, as before the actions were a fixed set: the schema stays the same.
    action = serializers.CharField(
        read_only=True, label=AuditEvent._meta.get_field("action").verbose_name
    )
    params = serializers.SerializerMethodField(
        help_text=(
            "The event's parameters by its action: state `from`, `to` (and `cause` when the "
            "system moved it); figure `kpi`, `figure`; rating `assessor`, `competency`; scored "
            "`grade`, `revision`."
        )
    )

    class Meta:
        model = AuditEvent
        fields = ["at", "actor", "action", "field", "from_value", "to_value", "reason", "params"]
        read_only_fields = fields

    def get_actor(self, event: AuditEvent) -> str | None:
        return event.actor.get_username() if event.actor else None

    @extend_schema_field(serializers.DictField())
    def get_params(self, event: AuditEvent) -> dict[str, Any]:
        return events.params_of(event)


class ReviewDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="review.pk")
    period = serializers.CharField(source="review.cycle.period")
    employee = ReviewEmployeeSerializer(source="review.employee")
    department = ReviewDepartmentSerializer(source="review.department")
    state = serializers.ChoiceField(source="review.state", choices=Review.State.choices)
    version = serializers.IntegerField(source="review.version")
    revision = serializers.IntegerField(
        source="review.revision",
        help_text="Send it back with a change: a change based on an older one is refused (409).",
    )
    submitted_at = serializers.DateTimeField(source="review.submitted_at", allow_null=True)
    scored_at = serializers.DateTimeField(source="review.scored_at", allow_null=True)
    approved_at = serializers.DateTimeField(source="review.approved_at", allow_null=True)
    updated_at = serializers.DateTimeField(source="review.updated_at")
    totals = TotalsSerializer(source="review")
    grade_basis = serializers.JSONField(
        source="review.grade_basis",
        allow_null=True,
        help_text=(
            "What the grade rests on once the director locked the review's group (relative "
            "grading, scoring.md v2): `basis` (`relative`, or `absolute` for a group smaller "
            "than the policy's minimum), `group`, `rank`, `size`, `minimum`, `seats`, `lock`, "
            "`grade`, `coefficient`, `absolute_grade` (the bands' grade). Null: the bands' "
            "grade. The calculation's last step (`basis`) says the same."
        ),
    )
    grade_provisional = serializers.BooleanField(
        help_text=(
            "True while the quarter grades relatively and the review's group is not locked "
            "yet: its grade is the bands' and may still change at calibration."
        )
    )
    lines = LineSerializer(many=True)
    ratings = AssessorSerializer(source="assessors", many=True)
    missing = ReasonSerializer(many=True, help_text="What the review lacks before scoring.")
    calculation = serializers.SerializerMethodField()
    history = HistorySerializer(many=True)

    @extend_schema_field(CalculationSerializer(allow_null=True))
    def get_calculation(self, detail: selectors.ReviewDetail) -> Any:
        result = detail.result
        if result is None:
            return None
        return CalculationSerializer(
            {
                "kpi_score": result.kpi_score,
                "competency_score": result.competency_score,
                "total_score": result.total_score,
                "grade": result.grade,
                "pay_coefficient": result.pay_coefficient,
                "verbal_warning": result.verbal_warning,
                "steps": detail.steps,
            }
        ).data
