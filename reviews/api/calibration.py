"""Calibration (绩效校准) of a quarter: each department's and the division's grade distribution
against the guideline (HR and the director), and the director's lock of a group under
relative grading (scoring.md v2)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from hrperf.api.fields import StrictCharField
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, parse_body, require
from hrperf.lib.errors import FieldError, ValidationFailed
from reviews.api.common import MAX_TEXT, PERIOD_PARAMETER, WRITE_ERRORS, cycle_or_404
from reviews.selectors.calibration import Group, calibration_overview
from reviews.services.calibration import group_lock


class GradeShareSerializer(serializers.Serializer):
    grade = serializers.CharField()
    count = serializers.IntegerField(help_text="Reviews of the group with this current grade.")
    share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        help_text="Percent of the group's graded reviews, 2 places (a string).",
    )
    guideline = serializers.IntegerField(help_text="The policy's share of the grade, percent.")
    least = serializers.IntegerField(allow_null=True, help_text="Hard limit, percent; or null.")
    most = serializers.IntegerField(allow_null=True, help_text="Hard limit, percent; or null.")
    off_guideline = serializers.BooleanField(
        help_text="Further from the guideline than the policy's tolerance (soft)."
    )
    beyond_limit = serializers.BooleanField(help_text="Outside a hard limit.")


class LockSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    basis = serializers.CharField(
        help_text="`relative`, or `absolute` (the group was smaller than the policy's minimum)."
    )
    seats = serializers.DictField(child=serializers.IntegerField(), help_text="Seats per grade.")
    locked_by = serializers.CharField(source="locked_by.username")
    locked_at = serializers.DateTimeField()
    reason = serializers.CharField()


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="`quarter` (the division), or `department:<id>`.")
    department = serializers.SerializerMethodField(help_text="The department's code; null.")
    size = serializers.IntegerField(help_text="Every review of the group.")
    graded = serializers.IntegerField(help_text="Those with a grade.")
    unscored = serializers.IntegerField(help_text="Those not scored yet.")
    ranked = serializers.BooleanField(
        help_text="Relative grading ranks this group (a department, or the whole quarter)."
    )
    lockable = serializers.BooleanField(
        help_text="Ranked, every review of it scored, not locked yet."
    )
    lock = LockSerializer(allow_null=True)
    shares = GradeShareSerializer(many=True)

    def get_department(self, group: Group) -> str | None:
        return group.department.code if group.department else None


class OverviewSerializer(serializers.Serializer):
    period = serializers.CharField(source="cycle.period")
    grading = serializers.CharField(source="policy.grading", help_text="absolute or relative.")
    grading_group = serializers.CharField(source="policy.grading_group")
    tolerance = serializers.DecimalField(
        source="policy.tolerance", max_digits=5, decimal_places=2, help_text="Percentage points."
    )
    division = GroupSerializer()
    departments = GroupSerializer(many=True)


class LockInputSerializer(serializers.Serializer):
    department = StrictCharField(
        required=False,
        allow_null=True,
        max_length=32,
        help_text=(
            "The department's code, when the policy ranks each department; left out or null "
            "when it ranks the whole quarter."
        ),
    )
    reason = StrictCharField(
        allow_blank=True, max_length=MAX_TEXT, help_text="Why the group's grades are final."
    )


def _overview(request: Request, period: str) -> Any:
    roles = caller_roles(request)
    cycle = cycle_or_404(roles, period)
    overview = calibration_overview(viewer_roles=roles, cycle=cycle)
    require(overview is not None)
    return overview


class CalibrationApi(JsonApi):
    @extend_schema(
        operation_id="cycles_calibration",
        tags=["calibration"],
        summary="The quarter's grade distribution against its guideline (HR, director)",
        description=(
            "Each department's and the division's reviews counted by their current grade "
            "(the relative grade once the group is locked, else the bands' grade, provisional "
            "under relative grading), with the share of each grade against the policy's "
            "guideline, its tolerance and hard limits, and the lock of each group. Others: 403."
        ),
        parameters=[PERIOD_PARAMETER],
        responses={200: OverviewSerializer, **error_responses(403, 404)},
    )
    def get(self, request: Request, period: str) -> Response:
        return Response(OverviewSerializer(_overview(request, period)).data)


class CalibrationLocksApi(JsonApi):
    @extend_schema(
        operation_id="cycles_calibration_lock",
        tags=["calibration"],
        summary="Lock a group: its grades follow the quotas (director)",
        description=(
            "Relative grading (scoring.md v2): every review of the group must be scored (409 "
            "`not_all_scored`); each takes the grade of its rank by the quotas' seats (a group "
            "smaller than the policy's minimum keeps the bands' grades), with its pay "
            "coefficient and its basis; the warning stays absolute. 409 `not_relative` under "
            "absolute grading, `already_locked` for a group locked before; 400 on `reason` "
            "without one, on `department` for a group the policy does not rank. Answers 201 "
            "with the quarter's distribution."
        ),
        parameters=[PERIOD_PARAMETER],
        request=LockInputSerializer,
        responses={201: OverviewSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, period: str) -> Response:
        overview = _overview(request, period)
        data = parse_body(LockInputSerializer, request)
        code = data.get("department")
        department = None
        if code:
            department = next(
                (g.department for g in overview.departments if g.department.code == code), None
            )
            if department is None:
                raise ValidationFailed(
                    [FieldError(field="department", message=_("Not found."), code="not_found")]
                )
        group_lock(
            actor=request.user, cycle=overview.cycle, department=department, reason=data["reason"]
        )
        return Response(
            OverviewSerializer(_overview(request, period)).data, status=status.HTTP_201_CREATED
        )
