"""The quarters' endpoints: the list, one quarter with its policy and its reviews counted by
state, opening one (HR), changing its policy, generating and rescoring its reviews in the
background, following a job's progress, closing a quarter (HR) and reopening it (director)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from hrperf.api.fields import (
    STRICT_FIELD_MAPPING,
    StrictCharField,
)
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, found, parse_body, require
from hrperf.lib.errors import FieldError, ValidationFailed
from reviews import selectors, services
from reviews.api.common import MAX_TEXT, PERIOD_PARAMETER, cycle_or_404
from reviews.models import (
    AssessorRole,
    CycleJob,
    ReviewCycle,
    ScoringPolicy,
)
from reviews.policies import CHOICE_SETTINGS, POLICY_FIELDS, WHOLE_SETTINGS, setting_limits

DECIMAL_TEXT = (
    "A decimal string: ASCII digits 0-9 with at most one `.` that has digits on both sides, at "
    "most 2 decimal places; no sign, `,`, `_`, exponent or other script's digits. A JSON number "
    "is refused."
)
# What a setting does, where its name alone does not say it (scoring.md v2, product.md v2).
POLICY_HELP = {
    "self_weight": (
        "The weight of the employee's own competency ratings (self-assessment) in the "
        "competency score, beside `director_weight` and `hr_weight`. 0 (the default) keeps "
        "them advisory: collected and shown, not required, not counted."
    ),
    "escalation_warnings": (
        "How many verbal warnings of one employee, within `escalation_quarters` quarters, make "
        "a written warning. Default 2."
    ),
    "escalation_quarters": (
        "The number of quarters, up to and including the current one, in which verbal "
        "warnings are counted for `escalation_warnings`. Default 4."
    ),
}


POLICY_HELP.update(
    {
        "grading": (
            "`absolute` (the default): each total gets the grade of its band. `relative` "
            "(forced distribution, scoring.md v2): once the director locks a group "
            "(`POST /api/v1/cycles/{period}/calibration/locks`), grades follow the shares "
            "`share_s`…`share_d` by rank."
        ),
        "grading_group": (
            "The group ranked together under relative grading: `department` (the default) or "
            "`quarter` (the whole division)."
        ),
        "relative_min_group": (
            "The smallest group graded relatively; a smaller one keeps its absolute grades. "
            "Default 10."
        ),
        "tolerance": (
            "How far, in percentage points, a grade's share may stray from its share before "
            "the calibration page marks it (soft). Default 5."
        ),
        **{
            f"share_{grade.lower()}": (
                f"Grade {grade}'s share in whole percent: the quota of relative grading and "
                "the distribution guideline. The five shares add up to 100 (default 10, 20, "
                "40, 20, 10)."
            )
            for grade in "SABCD"
        },
        **{
            f"{kind}_share_{grade.lower()}": (
                f"A hard limit: the {word} share of grade {grade} in a department or the "
                "division, whole percent; null for none (the default). Approving reviews that "
                "break it needs a written `reason`."
            )
            for grade in "SABCD"
            for kind, word in (("max", "greatest"), ("min", "least"))
        },
    }
)


def _input_help(name: str) -> str:
    if name in CHOICE_SETTINGS:
        return POLICY_HELP[name]
    if name not in WHOLE_SETTINGS:
        return " ".join(filter(None, (POLICY_HELP.get(name), DECIMAL_TEXT)))
    lowest, highest = setting_limits(name)
    return f"{POLICY_HELP[name]} A whole number (a JSON integer) from {lowest} to {highest}."


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringPolicy
        fields = ["version", *POLICY_FIELDS, "frozen_at"]
        read_only_fields = fields
        extra_kwargs = {name: {"help_text": text} for name, text in POLICY_HELP.items()}


class PolicyInputSerializer(serializers.ModelSerializer):
    """The settings to change; those left out keep their value (or the default)."""

    serializer_field_mapping = STRICT_FIELD_MAPPING

    class Meta:
        model = ScoringPolicy
        fields = list(POLICY_FIELDS)
        extra_kwargs = {
            name: {"required": False, "help_text": _input_help(name)} for name in POLICY_FIELDS
        }


class CycleCreateSerializer(serializers.Serializer):
    period = StrictCharField(max_length=16, help_text="A year and a quarter, such as 2026Q3.")
    policy = PolicyInputSerializer(
        required=False, help_text="The scoring policy; scoring.md's defaults where left out."
    )


class ReviewCountsSerializer(serializers.Serializer):
    """How many of the quarter's reviews (that the caller sees) are in each state."""

    draft = serializers.IntegerField()
    submitted = serializers.IntegerField()
    scored = serializers.IntegerField()
    returned = serializers.IntegerField()
    approved = serializers.IntegerField()
    reopened = serializers.IntegerField()


class CycleSerializer(serializers.Serializer):
    """A quarter, its current scoring policy and its reviews (those the caller sees) by state."""

    period = serializers.CharField(source="cycle.period")
    status = serializers.ChoiceField(
        source="cycle.status",
        choices=ReviewCycle.Status.choices,
        help_text=(
            "`open`, or `closed`: read-only, every change of its reviews, figures, ratings, "
            "deadlines, policy and appeals answers 409 `quarter_closed`."
        ),
    )
    starts_on = serializers.DateField(source="cycle.starts_on")
    ends_on = serializers.DateField(source="cycle.ends_on")
    created_at = serializers.DateTimeField(source="cycle.created_at")
    closed_at = serializers.DateTimeField(
        source="cycle.closed_at",
        allow_null=True,
        help_text=(
            "When HR closed the quarter (null while it is open): from then on it is read-only "
            "and its reports are final."
        ),
    )
    policy = PolicySerializer(help_text="The current version of the scoring policy.")
    review_counts = ReviewCountsSerializer()


class CycleReopenSerializer(serializers.Serializer):
    reason = StrictCharField(
        allow_blank=True,
        max_length=MAX_TEXT,
        help_text="Why the closed quarter is reopened (required; kept in the audit trail).",
    )


class JobSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="cycle.period")
    url = serializers.SerializerMethodField(help_text="Where to follow the job's progress.")

    class Meta:
        model = CycleJob
        fields = [
            "id",
            "period",
            "kind",
            "status",
            "total",
            "done",
            "error",
            "created_at",
            "finished_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, job: CycleJob) -> str:
        path = reverse("api-v1:cycle-job", kwargs={"period": job.cycle.period, "job_id": job.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def _unknown_keys(raw: object, known: tuple[str, ...]) -> dict[str, Any]:
    """The keys of a JSON object that are not `known`, for the service to name."""
    if not isinstance(raw, Mapping):
        return {}
    return {key: value for key, value in raw.items() if key not in known}


# The scoring rules name a policy's settings in their own terms; the API in the request's.
_SCORING_POLICY_FIELDS = {
    "assessor_weights": "hr_weight",
    f"assessor_weights.{AssessorRole.MARKETING_DIRECTOR}": "director_weight",
    f"assessor_weights.{AssessorRole.HR}": "hr_weight",
    f"assessor_weights.{AssessorRole.SELF}": "self_weight",
    **{f"grade_bands.{grade}": f"band_{grade.lower()}" for grade in "SABC"},
    **{f"pay_coefficients.{grade}": f"coefficient_{grade.lower()}" for grade in "SABCD"},
}


def _policy_errors(failed: ValidationFailed, prefix: str = "") -> ValidationFailed:
    """The service's refusal of a policy, each field named as in the request."""
    return ValidationFailed(
        [
            FieldError(
                field=(
                    error.field
                    if error.field == "period"
                    else prefix + _SCORING_POLICY_FIELDS.get(error.field, error.field)
                ),
                message=error.message,
                code=error.code,
                row=error.row,
            )
            for error in failed.errors
        ]
    )


def _cycle_detail(request: Request, cycle: ReviewCycle) -> Response:
    detail = selectors.cycle_detail(viewer_roles=caller_roles(request), cycle=cycle)
    return Response(CycleSerializer(detail).data)


class CycleListApi(JsonApi):
    @extend_schema(
        operation_id="cycles_list",
        tags=["cycles"],
        summary="The quarters, newest first",
        description=(
            "Every quarter opened, each with its period, dates, status, current scoring policy "
            "and the reviews the caller may see counted by state. For anyone with a role in "
            "the division; a login without one gets 403."
        ),
        responses={200: CycleSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        roles = caller_roles(request)
        require(roles.sees_catalogue)
        return Response(
            CycleSerializer(selectors.cycle_details(viewer_roles=roles), many=True).data
        )

    @extend_schema(
        operation_id="cycles_create",
        tags=["cycles"],
        summary="Open a quarter (HR)",
        description="With its scoring policy: scoring.md's defaults for the settings left out.",
        request=CycleCreateSerializer,
        responses={201: CycleSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request) -> Response:
        data = parse_body(CycleCreateSerializer, request)
        policy = data.get("policy")
        if policy is not None:
            raw = request.data.get("policy")
            policy = {**policy, **_unknown_keys(raw, POLICY_FIELDS)}
        try:
            cycle = services.cycle_open(actor=request.user, period=data["period"], policy=policy)
        except ValidationFailed as failed:
            raise _policy_errors(failed, prefix="policy.") from None
        response = _cycle_detail(request, cycle)
        response.status_code = status.HTTP_201_CREATED
        return response


class CycleDetailApi(JsonApi):
    @extend_schema(
        operation_id="cycles_retrieve",
        tags=["cycles"],
        summary="A quarter, its current scoring policy and its reviews counted by state",
        description=(
            "The counts are of the reviews the caller may see. A period never opened is 404 "
            "`quarter_not_found`, naming it."
        ),
        parameters=[PERIOD_PARAMETER],
        responses={200: CycleSerializer, **error_responses(404)},
    )
    def get(self, request: Request, period: str) -> Response:
        return _cycle_detail(request, cycle_or_404(caller_roles(request), period))


class CyclePolicyApi(JsonApi):
    @extend_schema(
        operation_id="cycles_policy_update",
        tags=["cycles"],
        summary="Change a quarter's scoring policy (HR)",
        description=(
            "Only the settings given change. In place while no review scored with the policy "
            "is approved, otherwise as a new version; the reviews not yet approved are "
            "rescored in the background."
        ),
        parameters=[PERIOD_PARAMETER],
        request=PolicyInputSerializer,
        responses={200: PolicySerializer, **error_responses(400, 403, 404)},
    )
    def patch(self, request: Request, period: str) -> Response:
        cycle = cycle_or_404(caller_roles(request), period)
        values = {
            **parse_body(PolicyInputSerializer, request),
            **_unknown_keys(request.data, POLICY_FIELDS),
        }
        try:
            policy = services.cycle_policy_update(actor=request.user, cycle=cycle, values=values)
        except ValidationFailed as failed:
            raise _policy_errors(failed) from None
        return Response(PolicySerializer(policy).data)


class CycleGenerateApi(JsonApi):
    @extend_schema(
        operation_id="cycles_generate",
        tags=["cycles"],
        summary="Generate the quarter's reviews in the background (HR)",
        description=(
            "One review for every active employee who has none yet, with the KPI lines of "
            "their department. Follow the job's progress at its `url`."
        ),
        parameters=[PERIOD_PARAMETER],
        request=None,
        responses={202: JobSerializer, **error_responses(403, 404, 409)},
    )
    def post(self, request: Request, period: str) -> Response:
        cycle = cycle_or_404(caller_roles(request), period)
        return _job_accepted(request, services.cycle_generate(actor=request.user, cycle=cycle))


def _job_accepted(request: Request, job: CycleJob) -> Response:
    """202 with the background job to poll."""
    return Response(
        JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
    )


class CycleRescoreApi(JsonApi):
    @extend_schema(
        operation_id="cycles_rescore",
        tags=["cycles"],
        summary="Rescore the quarter's submitted and scored reviews in the background (HR)",
        description=(
            "After a change of the quarter's policy: the worker scores every submitted or "
            "scored review again (approved reviews keep their result). Answers 202 with the "
            "job; follow its `url` for the progress."
        ),
        parameters=[PERIOD_PARAMETER],
        request=None,
        responses={202: JobSerializer, **error_responses(403, 404)},
    )
    def post(self, request: Request, period: str) -> Response:
        cycle = cycle_or_404(caller_roles(request), period)
        return _job_accepted(request, services.cycle_rescore(actor=request.user, cycle=cycle))


class CycleJobApi(JsonApi):
    @extend_schema(
        operation_id="cycles_job_retrieve",
        tags=["cycles"],
        summary="Progress of a background job (HR)",
        description="`done` of `total`; `status` is done or failed when it has finished.",
        parameters=[PERIOD_PARAMETER],
        responses={200: JobSerializer, **error_responses(404)},
    )
    def get(self, request: Request, period: str, job_id: int) -> Response:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        job = found(selectors.job_get(viewer_roles=roles, cycle=cycle, job_id=job_id))
        return Response(JobSerializer(job, context={"request": request}).data)


class CycleCloseApi(JsonApi):
    @extend_schema(
        operation_id="cycles_close",
        tags=["cycles"],
        summary="Close a quarter (HR)",
        description=(
            "Once every review of the quarter is approved, no appeal of one waits for HR's "
            "answer and no background job of it runs. From then on the quarter is read-only "
            "(every change answers 409 `quarter_closed`; the employee's confirmation of a "
            "result is still recorded) and its reports are final. Refused with 409 "
            "`quarter_not_ready`, its message counting what keeps it open (reviews not "
            "approved, open appeals, jobs running); 409 `quarter_closed` when it is closed "
            "already. Answers the quarter, `status` closed with its `closed_at`."
        ),
        parameters=[PERIOD_PARAMETER],
        request=None,
        responses={200: CycleSerializer, **error_responses(403, 404, 409)},
    )
    def post(self, request: Request, period: str) -> Response:
        cycle = cycle_or_404(caller_roles(request), period)
        return _cycle_detail(request, services.cycle_close(actor=request.user, cycle=cycle))


class CycleReopenApi(JsonApi):
    @extend_schema(
        operation_id="cycles_reopen",
        tags=["cycles"],
        summary="Reopen a closed quarter (director)",
        description=(
            "With a written `reason`, kept in the audit trail. The quarter can change again "
            "and its reports are no longer final until HR closes it again. A blank reason is "
            "400; a quarter that is open is 409 `quarter_open`."
        ),
        parameters=[PERIOD_PARAMETER],
        request=CycleReopenSerializer,
        responses={200: CycleSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, period: str) -> Response:
        cycle = cycle_or_404(caller_roles(request), period)
        data = parse_body(CycleReopenSerializer, request)
        cycle = services.cycle_reopen(actor=request.user, cycle=cycle, reason=data["reason"])
        return _cycle_detail(request, cycle)
