"""Acting on reviews: HR's figures, each assessor's ratings, submitting; the director's return,
approval (one or many, all or none) and reopening. Each goes through the service of the same
name, which checks who may do it in which state (the workflow table); a change based on an
older `revision` of the review is refused (409)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from hrperf.api.exceptions import ApiError, field_error
from hrperf.api.fields import (
    StrictCharField,
    StrictIntegerField,
)
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, parse_body, require
from hrperf.lib.errors import Conflict, FieldError, ValidationFailed
from reviews import selectors, services, workflow
from reviews.api.common import BULK_MAX, MAX_ID, MAX_REVISION, MAX_TEXT, WRITE_ERRORS
from reviews.api.reviews import review_or_404, review_response
from reviews.api.serializers import ReviewDetailSerializer, ReviewRowSerializer
from reviews.models import (
    Review,
)
from reviews.workflow import Action

LINES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "By KPI code, the figures to change of that line: `target` and `actual` as decimal "
        "strings (null clears), `weight` a whole percent (a JSON integer). A decimal string is "
        "exactly: ASCII digits 0-9 with at most one `.` that has digits on both sides, at most "
        "4 decimal places (trailing zeros do not count), below 10^14, spaces around it allowed; "
        'nothing else: no sign, no `,` or `_` ("92,5" is refused, not read as 925), no '
        "exponent, no other script's digits, no NaN or Infinity. A JSON number is refused "
        "(1e5 could only be a float). Each figure must also lie within the line's `minimum` "
        "and `maximum`, and be whole where the line counts (unit `count`): a figure outside "
        "them is refused with code `below_minimum`, `above_maximum` or `not_whole`. The "
        "weights of the review must still add up to 100."
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
    reason_code = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=(
            "Why it changes: `calibration`, `new_evidence`, `correction` or `other`. Required "
            "once the review is scored (400 `reason_required`); kept in the history."
        ),
    )
    note = StrictCharField(
        required=False, allow_blank=True, max_length=MAX_TEXT, help_text="A note on why."
    )


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
    reason_code = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=(
            "Why it changes: `calibration`, `new_evidence`, `correction` or `other`. Required "
            "once the review is scored (400 `reason_required`); kept in the history."
        ),
    )
    note = StrictCharField(
        required=False, allow_blank=True, max_length=MAX_TEXT, help_text="A note on why."
    )


class ReturnSerializer(serializers.Serializer):
    comment = StrictCharField(
        allow_blank=True, max_length=MAX_TEXT, help_text="What HR should change."
    )


class ReopenSerializer(serializers.Serializer):
    reason = StrictCharField(
        allow_blank=True, max_length=MAX_TEXT, help_text="Why the approved review is corrected."
    )


class ApproveSerializer(serializers.Serializer):
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
        help_text=(
            "Needed only when the approval breaks a hard limit of the quarter's guideline "
            "(400 on `reason`, code `hard_limit`, naming the limits); kept in the history."
        ),
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
    enum=sorted(workflow.RATING_ACTIONS),
    description=(
        "The assessor the ratings are given as. `self` (the employee's own ratings) is "
        "refused with 403 `self_assessment_only`: those come only with the self-assessment."
    ),
)


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
        review = review_or_404(request, review_id)
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
                reason_code=data.get("reason_code", ""),
                note=data.get("note", ""),
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
        return review_response(request, review)


class ReviewRatingsApi(JsonApi):
    @extend_schema(
        operation_id="reviews_ratings_update",
        tags=["reviews"],
        summary="Rate the competencies as one assessor",
        description=(
            "The marketing director rates as `marketing_director`, HR as `hr`. Only the "
            "competencies given change; nothing is saved if any rating is refused. Nobody "
            "rates as `self` here (403 `self_assessment_only`)."
        ),
        parameters=[ASSESSOR_PARAMETER],
        request=RatingsInputSerializer,
        responses={200: ReviewDetailSerializer, **WRITE_ERRORS},
    )
    def put(self, request: Request, review_id: int, assessor_role: str) -> Response:
        review = review_or_404(request, review_id)
        data = parse_body(RatingsInputSerializer, request)
        review = services.review_rate(
            actor=request.user,
            review=review,
            assessor_role=assessor_role,
            ratings=data["ratings"],
            comments=data.get("comments") or {},
            expected_revision=data["revision"],
            reason_code=data.get("reason_code", ""),
            note=data.get("note", ""),
        )
        return review_response(request, review)


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
        review = services.review_submit(
            actor=request.user, review=review_or_404(request, review_id)
        )
        return review_response(request, review)


class ReviewReturnApi(JsonApi):
    @extend_schema(
        operation_id="reviews_return",
        tags=["reviews"],
        summary="Return a scored review to HR with a comment (director)",
        description=(
            "The comment says what HR should change; it goes into the review's history. HR "
            "edits the review and submits it again."
        ),
        request=ReturnSerializer,
        responses={200: ReviewDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_or_404(request, review_id)
        data = parse_body(ReturnSerializer, request)
        review = services.review_return(actor=request.user, review=review, comment=data["comment"])
        return review_response(request, review)


class ReviewApproveApi(JsonApi):
    @extend_schema(
        operation_id="reviews_approve",
        tags=["reviews"],
        summary="Approve a scored review (director)",
        description=(
            "Its figures freeze, and payroll sees them. Under relative grading the review's "
            "group must be locked first (409 `group_not_locked`, see "
            "`POST /api/v1/cycles/{period}/calibration/locks`); an approval that breaks a hard "
            "limit of the guideline needs a written `reason` (400 `hard_limit` on `reason`). "
            "The body may be empty."
        ),
        request=ApproveSerializer,
        responses={200: ReviewDetailSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_or_404(request, review_id)
        data = parse_body(ApproveSerializer, request) if request.data else {}
        review = services.review_approve(
            actor=request.user, review=review, reason=data.get("reason", "")
        )
        return review_response(request, review)


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
        require(workflow.holds(Action.APPROVE, roles))
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
            "version is approved. While the employee's appeal of the approved version waits for "
            "HR's answer the review cannot be reopened (409 `appeal_open`): HR answers it, and "
            "accepting it reopens the review."
        ),
        request=ReopenSerializer,
        responses={200: ReviewDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_or_404(request, review_id)
        data = parse_body(ReopenSerializer, request)
        review = services.review_reopen(actor=request.user, review=review, reason=data["reason"])
        return review_response(request, review)
