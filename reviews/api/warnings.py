"""The verbal warnings' endpoints: the list (HR and the director: all; a head: their own
department's) and HR's acknowledgement with a note of the conversation held."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from hrperf.api.fields import (
    StrictCharField,
)
from hrperf.api.pagination import KeysetPagination
from hrperf.api.schema import error_responses
from hrperf.api.views import (
    JsonApi,
    caller_roles,
    found,
    parse_body,
    parse_query,
    query_names,
    require,
)
from reviews import selectors, services
from reviews.api.common import MAX_TEXT, WRITE_ERRORS, position_id
from reviews.models import (
    VerbalWarning,
)

WARNING_PAGES = KeysetPagination(keys=(int,), default_size=100, max_size=500)


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
    query = {"get": query_names(WarningFilterSerializer, WARNING_PAGES)}

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
            before_id=position_id(before),
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
        description=(
            "With a note of the conversation held (绩效面谈). A warning is acknowledged once: "
            "a second time is 409."
        ),
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
