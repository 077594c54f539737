"""REST API (v1) of the quarterly reviews: quarters and their background jobs, the reviews and
their workflow, and the verbal warnings.

Views parse, call a selector (reads) or a service (writes), and render; they hold no rule of
the domain. Who sees what is the selectors' (`reviews.selectors`): HR and the director see every
review, a department head their own department's (read-only), an employee their own approved
ones. As everywhere in the API: a list or an action that the caller's role does not give gets
403; an object the caller may not see is answered 404, whether it exists or not; a write on an
object the caller sees is allowed or refused (403) by the service.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from departments.api import department_id
from hrperf.api.exceptions import ApiError, field_error
from hrperf.api.fields import (
    STRICT_FIELD_MAPPING,
    BilingualField,
    StrictCharField,
    StrictIntegerField,
)
from hrperf.api.pagination import KeysetPagination, Position
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, found, parse_body, parse_query, require
from hrperf.lib.errors import Conflict, FieldError, ValidationFailed
from hrperf.lib.roles import Roles
from reviews import scoring, selectors, services
from reviews.models import (
    AssessorRole,
    AuditEvent,
    CycleJob,
    Review,
    ReviewCycle,
    ScoringPolicy,
    VerbalWarning,
)
from reviews.policies import POLICY_FIELDS

MAX_REVISION = 2**31 - 1
MAX_ID = 2**63 - 1
MAX_TEXT = 2000
BULK_MAX = 1000

REVIEW_PAGES = KeysetPagination(keys=(int,), default_size=100, max_size=500)
WARNING_PAGES = KeysetPagination(keys=(int,), default_size=100, max_size=500)

# -- quarters and policies -------------------------------------------------------------------


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringPolicy
        fields = ["version", *POLICY_FIELDS, "frozen_at"]
        read_only_fields = fields


class PolicyInputSerializer(serializers.ModelSerializer):
    """The settings to change; those left out keep their value (or the default)."""

    serializer_field_mapping = STRICT_FIELD_MAPPING

    class Meta:
        model = ScoringPolicy
        fields = list(POLICY_FIELDS)
        extra_kwargs = {name: {"required": False} for name in POLICY_FIELDS}


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
    status = serializers.ChoiceField(source="cycle.status", choices=ReviewCycle.Status.choices)
    starts_on = serializers.DateField(source="cycle.starts_on")
    ends_on = serializers.DateField(source="cycle.ends_on")
    created_at = serializers.DateTimeField(source="cycle.created_at")
    closed_at = serializers.DateTimeField(source="cycle.closed_at", allow_null=True)
    policy = PolicySerializer(help_text="The current version of the scoring policy.")
    review_counts = ReviewCountsSerializer()


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


def _cycle(roles: Roles, period: str) -> ReviewCycle:
    """The quarter, for anyone with a role in the division; 404 otherwise."""
    if not roles.sees_catalogue:
        raise NotFound
    cycle: ReviewCycle = found(selectors.cycle_get(period=period))
    return cycle


def _cycle_detail(request: Request, cycle: ReviewCycle) -> Response:
    detail = selectors.cycle_detail(viewer_roles=caller_roles(request), cycle=cycle)
    return Response(CycleSerializer(detail).data)


PERIOD_PARAMETER = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The quarter, such as 2026Q3.",
)


class CycleListApi(JsonApi):
    @extend_schema(
        operation_id="cycles_list",
        tags=["cycles"],
        summary="The quarters, newest first",
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
        parameters=[PERIOD_PARAMETER],
        responses={200: CycleSerializer, **error_responses(404)},
    )
    def get(self, request: Request, period: str) -> Response:
        return _cycle_detail(request, _cycle(caller_roles(request), period))


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
        cycle = _cycle(caller_roles(request), period)
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
        cycle = _cycle(caller_roles(request), period)
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
        parameters=[PERIOD_PARAMETER],
        request=None,
        responses={202: JobSerializer, **error_responses(403, 404)},
    )
    def post(self, request: Request, period: str) -> Response:
        cycle = _cycle(caller_roles(request), period)
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
        cycle = _cycle(roles, period)
        job = found(selectors.job_get(viewer_roles=roles, cycle=cycle, job_id=job_id))
        return Response(JobSerializer(job, context={"request": request}).data)


# -- reviews: reading ------------------------------------------------------------------------


class ReviewFilterSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="A department code, such as SALES.",
    )
    state = serializers.ChoiceField(choices=Review.State.choices, required=False, allow_blank=True)
    grade = serializers.ChoiceField(choices=Review.Grade.choices, required=False, allow_blank=True)
    warning = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="true: only the reviews scored below the warning threshold; false: the others.",
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
    assessor_role = serializers.ChoiceField(choices=AssessorRole.choices)
    weight = serializers.DecimalField(max_digits=8, decimal_places=2)
    score = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text="Mean rating × 20; null until the review is complete.",
    )
    ratings = RatingSerializer(many=True)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


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
    expression = serializers.CharField()
    exact = serializers.CharField()
    rounded = serializers.DecimalField(max_digits=30, decimal_places=2)
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

    class Meta:
        model = AuditEvent
        fields = ["at", "actor", "action", "field", "from_value", "to_value", "reason"]
        read_only_fields = fields

    def get_actor(self, event: AuditEvent) -> str | None:
        return event.actor.get_username() if event.actor else None


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


def _review(request: Request, review_id: int) -> Review:
    review: Review = found(
        selectors.review_get(viewer_roles=caller_roles(request), review_id=review_id)
    )
    return review


def _review_response(request: Request, review: Review) -> Response:
    fresh = _review(request, review.pk)
    return Response(ReviewDetailSerializer(selectors.review_detail(review=fresh)).data)


def _position_id(position: Position | None) -> int | None:
    """The id a keyset position (of one integer key) holds."""
    if position is None:
        return None
    (value,) = position
    assert isinstance(value, int)
    return value


class CycleReviewListApi(JsonApi):
    @extend_schema(
        operation_id="cycles_reviews_list",
        tags=["reviews"],
        summary="The quarter's reviews",
        description=(
            "Those the caller may see (HR and the director: all; a department head: their own "
            "department's; an employee: their own approved ones), by id, page by page."
        ),
        parameters=[PERIOD_PARAMETER, ReviewFilterSerializer, *REVIEW_PAGES.parameters()],
        responses={200: ReviewPageSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request, period: str) -> Response:
        roles = caller_roles(request)
        cycle = _cycle(roles, period)
        require(roles.sees_reviews)
        filters = parse_query(ReviewFilterSerializer, request)
        size = REVIEW_PAGES.page_size(request.query_params)
        query = {
            "period": cycle.period,
            **{
                name: None if filters.get(name) == "" else filters.get(name)
                for name in ("department", "state", "grade", "warning")
            },
        }
        after = REVIEW_PAGES.position(request.query_params, query=query)
        reviews = selectors.review_list(
            viewer_roles=roles,
            cycle=cycle,
            department_id=department_id(filters.get("department")),
            state=filters.get("state"),
            grade=filters.get("grade"),
            warning=filters.get("warning"),
            after_id=_position_id(after),
        )
        page = REVIEW_PAGES.page(
            request,
            list(reviews[: size + 1]),
            size=size,
            query=query,
            key=lambda review: (review.pk,),
        )
        return Response(
            {"next": page.next, "results": ReviewRowSerializer(page.results, many=True).data}
        )


REVIEW_ERRORS = error_responses(404)


class ReviewDetailApi(JsonApi):
    @extend_schema(
        operation_id="reviews_retrieve",
        tags=["reviews"],
        summary="A review: its lines, ratings, score, calculation, what it lacks and its history",
        responses={200: ReviewDetailSerializer, **REVIEW_ERRORS},
    )
    def get(self, request: Request, review_id: int) -> Response:
        review = _review(request, review_id)
        return Response(ReviewDetailSerializer(selectors.review_detail(review=review)).data)


# -- reviews: writing ------------------------------------------------------------------------

LINES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "By KPI code, the figures to change of that line: `target` and `actual` as decimal "
        "strings (at most 4 places; null clears), `weight` a whole percent. The weights of "
        "the review must still add up to 100."
    ),
    "additionalProperties": {
        "type": "object",
        "properties": {
            "target": {"type": "string", "nullable": True, "example": "100"},
            "actual": {"type": "string", "nullable": True, "example": "92.5"},
            "weight": {"type": "integer", "minimum": 0, "maximum": 100, "example": 30},
        },
        "additionalProperties": False,
    },
    "example": {"SALES_PLAN_RATE": {"target": "100", "actual": "92.5", "weight": 30}},
}

RATINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "By competency code, a whole number from 1 to 5.",
    "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5},
    "example": {"culture_loyalty": 4, "customer_industry_knowledge": 3},
}


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@extend_schema_field(LINES_SCHEMA)
class FigureLinesField(serializers.Field):
    """{KPI code: {"target": "…", "actual": "…", "weight": n}}, the values as given (the
    service checks them); here only their JSON types."""

    default_error_messages = {"not_an_object": _("Send an object, by KPI code.")}

    def to_internal_value(self, data: Any) -> dict[str, dict[str, Any]]:
        if not isinstance(data, dict):
            self.fail("not_an_object")
        problems: dict[str, Any] = {}
        for code, values in data.items():
            if not isinstance(values, dict):
                problems[code] = [_("Send an object, by KPI code.")]
                continue
            for name, value in values.items():
                if name in ("target", "actual") and not (value is None or isinstance(value, str)):
                    problems.setdefault(code, {})[name] = [
                        _('Give the number as text, such as "92.5".')
                    ]
                elif name == "weight" and not _is_whole(value):
                    problems.setdefault(code, {})[name] = [_("Enter a whole number from 0 to 100.")]
        if problems:
            raise serializers.ValidationError(problems)
        return data

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(RATINGS_SCHEMA)
class RatingValuesField(serializers.Field):
    default_error_messages = {"not_an_object": _("Send an object, by competency code.")}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail("not_an_object")
        problems = {
            code: [_("A rating is a whole number from 1 to 5.")]
            for code, value in data.items()
            if not _is_whole(value)
        }
        if problems:
            raise serializers.ValidationError(problems)
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class FiguresSerializer(serializers.Serializer):
    revision = StrictIntegerField(
        min_value=1, max_value=MAX_REVISION, help_text="The `revision` the change is based on."
    )
    lines = FigureLinesField()


class RatingsInputSerializer(serializers.Serializer):
    revision = StrictIntegerField(
        min_value=1, max_value=MAX_REVISION, help_text="The `revision` the change is based on."
    )
    ratings = RatingValuesField()
    comments = serializers.DictField(
        child=StrictCharField(allow_blank=True, max_length=MAX_TEXT),
        required=False,
        help_text="By competency code, the assessor's comment.",
    )


class ReturnSerializer(serializers.Serializer):
    comment = StrictCharField(
        allow_blank=True, max_length=MAX_TEXT, help_text="What HR should change."
    )


class ReopenSerializer(serializers.Serializer):
    reason = StrictCharField(
        allow_blank=True, max_length=MAX_TEXT, help_text="Why the approved review is corrected."
    )


class BulkApproveSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=BULK_MAX,
        help_text="The reviews to approve, all or none.",
    )


def _line_field(name: str, codes: Mapping[str, int]) -> str:
    """A service's field name for a KPI line in the request's terms: `lines.<code>.<figure>`,
    and `lines` for the weights taken together."""
    if name.split(".", 1)[0] in codes:
        return f"lines.{name}"
    return "lines" if name == "weight" else name


ASSESSOR_PARAMETER = OpenApiParameter(
    "assessor_role",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=AssessorRole.values,
    description="The assessor the ratings are given as.",
)
WRITE_ERRORS = error_responses(400, 403, 404, 409)


class ReviewFiguresApi(JsonApi):
    @extend_schema(
        operation_id="reviews_figures_update",
        tags=["reviews"],
        summary="Set targets, actual figures and weights of KPI lines (HR)",
        description=(
            "Nothing is saved if any value is refused; each problem names its field "
            "(`lines.<KPI code>.<target|actual|weight>`, or `lines` for the sum of the "
            "weights). A review that was submitted is scored again."
        ),
        request=FiguresSerializer,
        responses={200: ReviewDetailSerializer, **WRITE_ERRORS},
    )
    def patch(self, request: Request, review_id: int) -> Response:
        review = _review(request, review_id)
        data = parse_body(FiguresSerializer, request)
        codes = selectors.review_line_ids(review=review)
        unknown = [code for code in data["lines"] if code not in codes]
        if unknown:
            raise ValidationFailed(
                [
                    FieldError(
                        field=f"lines.{code}",
                        message=_("No such KPI line on this review."),
                        code="unknown_kpi",
                    )
                    for code in unknown
                ]
            )
        try:
            review = services.review_set_figures(
                actor=request.user,
                review=review,
                figures={codes[code]: values for code, values in data["lines"].items()},
                expected_revision=data["revision"],
            )
        except ValidationFailed as failed:
            raise ValidationFailed(
                [
                    FieldError(
                        field=_line_field(error.field, codes),
                        message=error.message,
                        code=error.code,
                        row=error.row,
                    )
                    for error in failed.errors
                ]
            ) from None
        return _review_response(request, review)


class ReviewRatingsApi(JsonApi):
    @extend_schema(
        operation_id="reviews_ratings_update",
        tags=["reviews"],
        summary="Rate the competencies as one assessor",
        description=(
            "The marketing director rates as `marketing_director`, HR as `hr`. Only the "
            "competencies given change; nothing is saved if any rating is refused."
        ),
        parameters=[ASSESSOR_PARAMETER],
        request=RatingsInputSerializer,
        responses={200: ReviewDetailSerializer, **WRITE_ERRORS},
    )
    def put(self, request: Request, review_id: int, assessor_role: str) -> Response:
        review = _review(request, review_id)
        data = parse_body(RatingsInputSerializer, request)
        review = services.review_rate(
            actor=request.user,
            review=review,
            assessor_role=assessor_role,
            ratings=data["ratings"],
            comments=data.get("comments") or {},
            expected_revision=data["revision"],
        )
        return _review_response(request, review)


class ReviewSubmitApi(JsonApi):
    @extend_schema(
        operation_id="reviews_submit",
        tags=["reviews"],
        summary="Submit a complete review for scoring (HR)",
        description="The scoring worker scores it in the background.",
        request=None,
        responses={200: ReviewDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = services.review_submit(actor=request.user, review=_review(request, review_id))
        return _review_response(request, review)


class ReviewReturnApi(JsonApi):
    @extend_schema(
        operation_id="reviews_return",
        tags=["reviews"],
        summary="Return a scored review to HR with a comment (director)",
        request=ReturnSerializer,
        responses={200: ReviewDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = _review(request, review_id)
        data = parse_body(ReturnSerializer, request)
        review = services.review_return(actor=request.user, review=review, comment=data["comment"])
        return _review_response(request, review)


class ReviewApproveApi(JsonApi):
    @extend_schema(
        operation_id="reviews_approve",
        tags=["reviews"],
        summary="Approve a scored review (director)",
        description="Its figures freeze, and payroll sees them.",
        request=None,
        responses={200: ReviewDetailSerializer, **error_responses(403, 404, 409)},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = services.review_approve(actor=request.user, review=_review(request, review_id))
        return _review_response(request, review)


class ReviewsApproveApi(JsonApi):
    @extend_schema(
        operation_id="reviews_approve_many",
        tags=["reviews"],
        summary="Approve many scored reviews at once, all or none (director)",
        description=(
            "If any one cannot be approved, none is: the error names it by its place in "
            "`ids` (`fields[].row`, counting from 0)."
        ),
        request=BulkApproveSerializer,
        responses={200: ReviewRowSerializer(many=True), **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        roles = caller_roles(request)
        require(roles.is_director)
        ids = parse_body(BulkApproveSerializer, request)["ids"]
        reviews = selectors.reviews_by_ids(viewer_roles=roles, review_ids=ids)
        missing = [row for row, review_id in enumerate(ids) if review_id not in reviews]
        if missing:
            raise ValidationFailed(
                [
                    FieldError(field="ids", message=_("Not found."), code="not_found", row=row)
                    for row in missing
                ]
            )
        approved: dict[int, Review] = {}
        # services.reviews_approve's all-or-nothing, one review at a time so that a refusal
        # can name the review refused (by its place in `ids`).
        with transaction.atomic():
            for row, review_id in enumerate(ids):
                if review_id in approved:
                    continue
                try:
                    approved[review_id] = services.review_approve(
                        actor=request.user, review=reviews[review_id]
                    )
                except Conflict as error:
                    raise ApiError(
                        status_code=status.HTTP_409_CONFLICT,
                        code=error.code,
                        message=error.message,
                        fields=[field_error("ids", error.message, error.code, row)],
                    ) from None
        fresh = selectors.reviews_by_ids(viewer_roles=roles, review_ids=list(approved))
        rows = [fresh[review_id] for review_id in approved]
        return Response(ReviewRowSerializer(rows, many=True).data)


class ReviewReopenApi(JsonApi):
    @extend_schema(
        operation_id="reviews_reopen",
        tags=["reviews"],
        summary="Reopen an approved review for a correction (director)",
        description=(
            "A new version begins; payroll keeps the last approved one until the corrected "
            "version is approved."
        ),
        request=ReopenSerializer,
        responses={200: ReviewDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = _review(request, review_id)
        data = parse_body(ReopenSerializer, request)
        review = services.review_reopen(actor=request.user, review=review, reason=data["reason"])
        return _review_response(request, review)


# -- verbal warnings -------------------------------------------------------------------------


class WarningFilterSerializer(serializers.Serializer):
    acknowledged = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="false: those HR has still to acknowledge; true: those acknowledged.",
    )


class WarningSerializer(serializers.ModelSerializer):
    review = serializers.IntegerField(source="review.pk")
    period = serializers.CharField(source="review.cycle.period")
    employee_no = serializers.CharField(source="review.employee.employee_no")
    employee_name = serializers.CharField(source="review.employee.name")
    department = serializers.CharField(source="review.department.code")
    acknowledged_by = serializers.SerializerMethodField()

    class Meta:
        model = VerbalWarning
        fields = [
            "id",
            "review",
            "period",
            "employee_no",
            "employee_name",
            "department",
            "review_version",
            "total_score",
            "created_at",
            "acknowledged_at",
            "acknowledged_by",
            "note",
        ]
        read_only_fields = fields

    def get_acknowledged_by(self, warning: VerbalWarning) -> str | None:
        user = warning.acknowledged_by
        return user.get_username() if user else None


class WarningPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = WarningSerializer(many=True)


class AcknowledgeSerializer(serializers.Serializer):
    note = StrictCharField(
        allow_blank=True, max_length=MAX_TEXT, help_text="A note of the conversation held."
    )


class WarningListApi(JsonApi):
    @extend_schema(
        operation_id="warnings_list",
        tags=["warnings"],
        summary="Verbal warnings (口头警告), newest first",
        description=(
            "HR and the director see all; a department head their own department's; anyone "
            "else gets 403."
        ),
        parameters=[WarningFilterSerializer, *WARNING_PAGES.parameters()],
        responses={200: WarningPageSerializer, **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        roles = caller_roles(request)
        require(roles.sees_warnings)
        acknowledged = parse_query(WarningFilterSerializer, request).get("acknowledged")
        size = WARNING_PAGES.page_size(request.query_params)
        query = {"acknowledged": acknowledged}
        before = WARNING_PAGES.position(request.query_params, query=query)
        warnings = selectors.warning_list(
            viewer_roles=roles,
            acknowledged=acknowledged,
            before_id=_position_id(before),
        )
        page = WARNING_PAGES.page(
            request,
            list(warnings[: size + 1]),
            size=size,
            query=query,
            key=lambda warning: (warning.pk,),
        )
        return Response(
            {"next": page.next, "results": WarningSerializer(page.results, many=True).data}
        )


class WarningAcknowledgeApi(JsonApi):
    @extend_schema(
        operation_id="warnings_acknowledge",
        tags=["warnings"],
        summary="Record that the verbal warning was given (HR)",
        request=AcknowledgeSerializer,
        responses={200: WarningSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, warning_id: int) -> Response:
        roles = caller_roles(request)
        warning = found(selectors.warning_get(viewer_roles=roles, warning_id=warning_id))
        data = parse_body(AcknowledgeSerializer, request)
        warning = services.warning_acknowledge(
            actor=request.user, warning=warning, note=data["note"]
        )
        fresh = selectors.warning_get(viewer_roles=roles, warning_id=warning.pk)
        return Response(WarningSerializer(fresh).data)
