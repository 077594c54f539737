"""The API of confirmations and appeals (v1):

    POST /api/v1/reviews/<id>/confirm         the employee confirms their approved result
    POST /api/v1/reviews/<id>/appeals         the employee appeals it
    GET  /api/v1/appeals/                     the appeals the caller sees, newest first
    GET  /api/v1/appeals/<id>                 one appeal with its exchange
    POST /api/v1/appeals/<id>/accept          HR accepts it: the review reopens
    POST /api/v1/appeals/<id>/reject          HR rejects it: the result stands

The services decide (who, which state, the window, once); this module parses and renders.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from appeals import selectors, services
from appeals.inputs import LINE, RATING, WHOLE, Disputed
from appeals.models import GROUNDS_MAX, REASON_MAX, Appeal, AppealItem, Confirmation
from evidence.api import (
    EvidenceMultiPartParser,
    EvidenceSerializer,
    UploadSerializer,
    evidence_rows,
)
from evidence.models import Purpose
from evidence.selectors import evidence_of
from hrperf.api.fields import StrictCharField, StrictIntegerField
from hrperf.api.pagination import KeysetPagination
from hrperf.api.schema import error_responses
from hrperf.api.views import Api, JsonApi, caller_roles, found, parse_body, parse_query, query_names
from hrperf.api.views import require as require_role
from hrperf.lib.errors import FieldError, ValidationFailed
from hrperf.lib.periods import PERIOD_HELP, clean_period, is_period
from reviews.api.common import MAX_ID, position_id
from reviews.api.reviews import review_or_404
from reviews.models import AssessorRole

APPEAL_PAGES = KeysetPagination(keys=(int,), default_size=100, max_size=500)
WRITE_ERRORS = error_responses(400, 403, 404, 409)


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


class ResultConfirmationSerializer(serializers.ModelSerializer[Confirmation]):
    confirmed_by = serializers.SerializerMethodField(
        help_text="The employee's login; null when confirmed by the deadline."
    )

    class Meta:
        model = Confirmation
        fields = ["review", "version", "how", "confirmed_by", "confirmed_at"]
        read_only_fields = fields
        extra_kwargs = {
            "review": {"help_text": "The review's id."},
            "version": {"help_text": "The approved version confirmed."},
            "how": {"help_text": "`employee`, or `deadline`: the window passed in silence."},
        }

    def get_confirmed_by(self, confirmation: Confirmation) -> str | None:
        return _username(confirmation.confirmed_by)


class ItemSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=[LINE, RATING, WHOLE],
        help_text="`line`: a KPI line's figure; `rating`: an assessor's rating of a competency; "
        "`whole`: the whole result.",
    )
    line = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="For `line`: the KPI line's id on this review (the review's `lines[].id`).",
    )
    assessor = serializers.ChoiceField(
        required=False,
        allow_blank=True,
        choices=[AssessorRole.MARKETING_DIRECTOR.value, AssessorRole.HR.value],
        help_text="For `rating`: who gave the rating.",
    )
    competency = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="For `rating`: the competency's code.",
    )


class ItemOutSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="`line`, `rating` or `whole`.")
    line = serializers.IntegerField(source="line_id", allow_null=True)
    kpi = serializers.SerializerMethodField(help_text="The KPI's code, for a line.")
    assessor = serializers.CharField(source="assessor_role", help_text="For a rating.")
    competency = serializers.SerializerMethodField(help_text="The competency's code, for a rating.")

    def get_kpi(self, item: AppealItem) -> str | None:
        return item.line.code if item.line is not None else None

    def get_competency(self, item: AppealItem) -> str | None:
        return item.competency.code if item.competency is not None else None


class AppealStepSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=["filed", "accepted", "rejected", "reopened", "told", "reapproved"],
        help_text="What happened: filed, accepted or rejected (with HR's reason in `text`), "
        "the review reopened (as `version`), the employee told (`channel`: page or mail), the "
        "correction approved again (as `version`).",
    )
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField()
    text = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    channel = serializers.CharField()

    def get_by(self, step: selectors.Step) -> str | None:
        return _username(step.actor)


@extend_schema_field({"type": "string", "example": "filed"})
class AppealStatusField(serializers.CharField):
    """The appeal's status: one of Appeal.Status (described, not an enum component: the list's
    and the detail's components share it, which the schema cannot name)."""


class AppealSerializer(serializers.ModelSerializer[Appeal]):
    status = AppealStatusField(
        read_only=True,
        help_text="`filed` (waiting for HR's answer), `accepted` (the review was reopened for "
        "the correction) or `rejected` (the result stands).",
    )
    period = serializers.CharField(source="review.cycle.period")
    employee_no = serializers.CharField(source="review.employee.employee_no")
    employee_name = serializers.CharField(source="review.employee.name")
    department = serializers.CharField(source="review.department.code")
    items = ItemOutSerializer(many=True)
    filed_by = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(
        help_text="Not answered and its answer date has passed."
    )
    reapproved_version = serializers.IntegerField(
        allow_null=True,
        read_only=True,
        help_text="For an accepted appeal: the version the correction was approved as, once it "
        "is; null before.",
    )

    class Meta:
        model = Appeal
        fields = [
            "id",
            "review",
            "period",
            "employee_no",
            "employee_name",
            "department",
            "version",
            "status",
            "items",
            "grounds",
            "filed_by",
            "filed_at",
            "answer_due",
            "overdue",
            "reason",
            "answered_by",
            "answered_at",
            "reopened_version",
            "reapproved_version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "version": {"help_text": "The approved version appealed."},
            "answer_due": {"help_text": "The last day for HR's answer."},
            "reason": {"help_text": "HR's answer."},
            "reopened_version": {"help_text": "For an accepted appeal: the version reopened."},
        }

    def get_filed_by(self, appeal: Appeal) -> str | None:
        return _username(appeal.filed_by)

    def get_answered_by(self, appeal: Appeal) -> str | None:
        return _username(appeal.answered_by)

    def get_overdue(self, appeal: Appeal) -> bool:
        return selectors.is_overdue(appeal, now=self.context.get("now"))


class AppealDetailSerializer(AppealSerializer):
    exchange = serializers.SerializerMethodField()

    class Meta(AppealSerializer.Meta):
        fields = [*AppealSerializer.Meta.fields, "exchange"]
        read_only_fields = fields

    @extend_schema_field(AppealStepSerializer(many=True))
    def get_exchange(self, appeal: Appeal) -> list[dict[str, Any]]:
        return list(AppealStepSerializer(selectors.exchange(appeal), many=True).data)


class AppealInputSerializer(serializers.Serializer[Any]):
    items = ItemSerializer(
        many=True,
        help_text="What is disputed: one or more KPI lines, ratings, or the whole result.",
    )
    grounds = StrictCharField(
        allow_blank=True,
        max_length=GROUNDS_MAX,
        help_text="Why the employee disputes it (required).",
    )


class AnswerSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(
        allow_blank=True, max_length=REASON_MAX, help_text="HR's reason, shown to the employee."
    )


@extend_schema_field({"type": "string", "enum": Appeal.Status.values})
class StatusChoiceField(serializers.ChoiceField):
    """A status to filter by (an enum written in place); given empty, it is refused rather
    than read as absent."""

    def get_value(self, dictionary: Any) -> Any:
        if self.field_name in dictionary and dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)


class AppealFilterSerializer(serializers.Serializer[Any]):
    period = StrictCharField(
        required=False, max_length=16, help_text="Only the appeals of this quarter, such as 2026Q3."
    )
    status = StatusChoiceField(
        required=False, choices=Appeal.Status.values, help_text="Only the appeals in this status."
    )


def _disputed(items: list[dict[str, Any]]) -> list[Disputed]:
    return [
        Disputed(
            kind=item["kind"],
            line_id=item.get("line"),
            assessor=item.get("assessor") or "",
            competency=item.get("competency") or "",
        )
        for item in items
    ]


def _appeal_response(request: Request, appeal_id: int, status_code: int = 200) -> Response:
    appeal = found(selectors.appeal_get(viewer_roles=caller_roles(request), appeal_id=appeal_id))
    data = AppealDetailSerializer(appeal, context={"now": timezone.now()}).data
    return Response(data, status=status_code)


_REFUSALS = (
    " Refused with 409 and a code naming the rule: `not_approved`, `window_closed` (the "
    "message names the window's last day), `already_confirmed`, `already_appealed` (one "
    "appeal per approved version), `confirmed`, `appeal_open`. 403 for anyone but the "
    "review's own employee; 404 for a review the caller may not see. Nothing is saved on any "
    "refusal."
)


class ReviewConfirmApi(JsonApi):
    @extend_schema(
        operation_id="reviews_confirm",
        tags=["appeals"],
        summary="Confirm one's approved result (the employee, 结果确认)",
        description=(
            "Marks the review's current approved version as confirmed by its employee, within "
            "the appeal window (by default 5 working days after the approval) and while no "
            "appeal on it is open. Once per version." + _REFUSALS
        ),
        request=None,
        responses={201: ResultConfirmationSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_or_404(request, review_id)
        confirmation = services.result_confirm(
            user=request.user, roles=caller_roles(request), review=review
        )
        return Response(
            ResultConfirmationSerializer(confirmation).data, status=status.HTTP_201_CREATED
        )


class ReviewAppealApi(JsonApi):
    @extend_schema(
        operation_id="reviews_appeal",
        tags=["appeals"],
        summary="Appeal one's approved result (the employee, 申诉)",
        description=(
            "Names what is disputed and why. One appeal per approved version, within the appeal "
            "window, before confirming. The review stays approved, and in the payroll feed, "
            "while HR decides; HR answers by `answer_due`. Each item must be a KPI line or a "
            "rating of this review (400 `not_on_review`, naming its row)." + _REFUSALS
        ),
        request=AppealInputSerializer,
        responses={201: AppealDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_or_404(request, review_id)
        data = parse_body(AppealInputSerializer, request)
        appeal = services.appeal_file(
            user=request.user,
            roles=caller_roles(request),
            review=review,
            items=_disputed(data["items"]),
            grounds=data["grounds"],
        )
        return _appeal_response(request, appeal.pk, status.HTTP_201_CREATED)


class AppealPageSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(allow_null=True, help_text="The next page's URL; null on the last.")
    results = AppealSerializer(many=True)


class AppealListApi(JsonApi):
    query = {"get": query_names(AppealFilterSerializer, APPEAL_PAGES)}

    @extend_schema(
        operation_id="appeals_list",
        tags=["appeals"],
        summary="Appeals, newest first",
        description=(
            "HR and the director see every appeal; a department head their department's (and "
            "their own); an employee their own. Anyone else gets 403."
        ),
        parameters=[AppealFilterSerializer, *APPEAL_PAGES.parameters()],
        responses={200: AppealPageSerializer, **error_responses(400, 403)},
    )
    def get(self, request: Request) -> Response:
        roles = caller_roles(request)
        require_role(selectors.sees_appeals(roles))
        filters = parse_query(AppealFilterSerializer, request)
        size = APPEAL_PAGES.page_size(request.query_params)
        period = clean_period(filters.get("period") or "")
        if "period" in request.query_params and not is_period(period):
            raise ValidationFailed([FieldError("period", PERIOD_HELP)])
        query = {"period": period or None, "status": filters.get("status")}
        before = APPEAL_PAGES.position(request.query_params, query=query)
        appeals = selectors.appeal_list(
            viewer_roles=roles,
            period=period or None,
            status=filters.get("status"),
            before_id=position_id(before),
        )
        page = APPEAL_PAGES.page(
            request,
            list(appeals[: size + 1]),
            size=size,
            query=query,
            key=lambda appeal: (appeal.pk,),
        )
        results = AppealSerializer(page.results, many=True, context={"now": timezone.now()}).data
        return Response({"next": page.next, "results": results})


class AppealDetailApi(JsonApi):
    @extend_schema(
        operation_id="appeals_get",
        tags=["appeals"],
        summary="One appeal, with its exchange",
        description=(
            "What is disputed and why, its status, HR's answer and every step of the exchange "
            "in order. 404 for an appeal the caller may not see."
        ),
        responses={200: AppealDetailSerializer, **error_responses(403, 404)},
    )
    def get(self, request: Request, appeal_id: int) -> Response:
        return _appeal_response(request, appeal_id)


class AppealEvidenceApi(Api):
    parser_classes = [EvidenceMultiPartParser]

    @extend_schema(
        operation_id="appeals_evidence_list",
        tags=["appeals"],
        summary="The evidence files of an appeal",
        description=(
            "Seen by whoever sees the appeal (the employee, HR, the director, the head of the "
            "employee's department); each downloads from its `url` with a signed-in session."
        ),
        responses={200: EvidenceSerializer(many=True), **error_responses(403, 404)},
    )
    def get(self, request: Request, appeal_id: int) -> Response:
        appeal = found(
            selectors.appeal_get(viewer_roles=caller_roles(request), appeal_id=appeal_id)
        )
        files = evidence_of(review=appeal.review_id, purpose=Purpose.APPEAL, ref=appeal.pk)
        return Response(EvidenceSerializer(evidence_rows(files), many=True).data)

    @extend_schema(
        operation_id="appeals_evidence_upload",
        tags=["appeals"],
        summary="Attach an evidence file to one's appeal (the employee)",
        description=(
            "multipart/form-data with one `file`, while HR has not answered the appeal (409 "
            "`already_answered` afterwards). Its kind is told from its content (PDF, PNG, JPEG, "
            "GIF, WebP, Excel .xlsx, Word .docx) and must match its name; refused with 400 on "
            "`file` (code `file_type`, `too_large`, `total_too_large`, `too_many_files`, "
            "`empty`) naming the rule and the file, 413 when the body is past the size limit. "
            "Nothing is kept on a refusal. Only the employee whose appeal it is (403)."
        ),
        request={"multipart/form-data": UploadSerializer},
        responses={201: EvidenceSerializer, **error_responses(400, 403, 404, 409, 413, 415)},
    )
    def post(self, request: Request, appeal_id: int) -> Response:
        roles = caller_roles(request)
        appeal = found(selectors.appeal_get(viewer_roles=roles, appeal_id=appeal_id))
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                [
                    FieldError(
                        field="file", message=gettext("Choose a file to attach."), code="required"
                    )
                ]
            )
        evidence = services.appeal_evidence_add(
            user=request.user, roles=roles, appeal=appeal, upload=upload
        )
        return Response(
            EvidenceSerializer(evidence_rows([evidence])[0]).data, status=status.HTTP_201_CREATED
        )


class _AnswerApi(JsonApi):
    accept = True

    def post(self, request: Request, appeal_id: int) -> Response:
        roles = caller_roles(request)
        appeal = found(selectors.appeal_get(viewer_roles=roles, appeal_id=appeal_id))
        data = parse_body(AnswerSerializer, request)
        answer = services.appeal_accept if self.accept else services.appeal_reject
        answer(user=request.user, roles=roles, appeal=appeal, reason=data["reason"])
        return _appeal_response(request, appeal.pk)


_ANSWER_REFUSALS = (
    " A reason is required (400 `required`). An appeal is answered once (409 "
    "`already_answered`); an appeal whose version is no longer the approved result (the "
    "director reopened the review meanwhile) is 409 `bad_transition`. Only HR (403)."
)


class AppealAcceptApi(_AnswerApi):
    accept = True

    @extend_schema(
        operation_id="appeals_accept",
        tags=["appeals"],
        summary="Accept an appeal (HR): the review reopens for the correction",
        description=(
            "In one step the appeal is accepted and the review reopened as version + 1 with the "
            "appeal as its cause. HR corrects it and submits it; the director approves it "
            "again, and payroll sees the new version like any re-approval. The employee is "
            "told." + _ANSWER_REFUSALS
        ),
        request=AnswerSerializer,
        responses={200: AppealDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, appeal_id: int) -> Response:
        return super().post(request, appeal_id)


class AppealRejectApi(_AnswerApi):
    accept = False

    @extend_schema(
        operation_id="appeals_reject",
        tags=["appeals"],
        summary="Reject an appeal (HR): the result stands",
        description=(
            "The review stays approved as it was; the employee is told, and may still "
            "confirm it within the window (silence confirms it by the deadline)." + _ANSWER_REFUSALS
        ),
        request=AnswerSerializer,
        responses={200: AppealDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, appeal_id: int) -> Response:
        return super().post(request, appeal_id)


urlpatterns = [
    path("reviews/<int:review_id>/confirm", ReviewConfirmApi.as_view(), name="review-confirm"),
    path("reviews/<int:review_id>/appeals", ReviewAppealApi.as_view(), name="review-appeal"),
    path("appeals/", AppealListApi.as_view(), name="appeal-list"),
    path("appeals/<int:appeal_id>", AppealDetailApi.as_view(), name="appeal-detail"),
    path("appeals/<int:appeal_id>/evidence", AppealEvidenceApi.as_view(), name="appeal-evidence"),
    path("appeals/<int:appeal_id>/accept", AppealAcceptApi.as_view(), name="appeal-accept"),
    path("appeals/<int:appeal_id>/reject", AppealRejectApi.as_view(), name="appeal-reject"),
]
