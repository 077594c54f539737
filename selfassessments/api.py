"""The API of self-assessments: the employee reads and saves their draft, submits it and
attaches evidence (with their session); HR, the director (submitted ones only) and the head of
the department read them (HR and the director with their personal tokens too)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from evidence.api import (
    EvidenceMultiPartParser,
    EvidenceSerializer,
    UploadSerializer,
    evidence_rows,
)
from evidence.models import EvidenceFile, Purpose
from evidence.selectors import evidence_of
from hrperf.api.fields import StrictCharField, StrictIntegerField
from hrperf.api.schema import error_responses
from hrperf.api.views import Api, JsonApi, caller_roles, found, parse_body
from hrperf.lib.errors import FieldError, ValidationFailed
from hrperf.lib.numbers import plain
from reviews.models import Review
from selfassessments import selectors, services
from selfassessments.models import COMMENT_MAX, SUMMARY_MAX

TAGS = ["self-assessments"]
WRITE_ERRORS = error_responses(400, 403, 404, 409)
CLOSED_CODES = (
    "`already_submitted`, `quarter_closed`, `review_submitted` (HR has submitted the review) "
    "or `deadline_passed`"
)


class ClosedSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=f"The rule that closes it: {CLOSED_CODES}.")
    message = serializers.CharField(help_text="The rule in words.")


class SelfAssessmentLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The KPI line's id: the key of `lines` in a PUT.")
    code = serializers.CharField(help_text="The KPI's code.")
    name = serializers.CharField(help_text="The KPI's name in the caller's language.")
    target = serializers.CharField(
        allow_null=True, help_text="The target as a decimal string, null while HR has set none."
    )
    weight = serializers.IntegerField(help_text="The line's weight, in percent.")
    summary = serializers.CharField(help_text="What the employee wrote about this line.")


class LevelSerializer(serializers.Serializer):
    level = serializers.IntegerField(help_text="The level, 1–5.")
    text = serializers.CharField(help_text="What the level looks like, in the caller's language.")


class SelfRatingSerializer(serializers.Serializer):
    competency = serializers.CharField(help_text="The competency's code.")
    name = serializers.CharField(help_text="The competency in the caller's language.")
    value = serializers.IntegerField(
        allow_null=True, help_text="The employee's own rating, 1–5; null: not rated yet."
    )
    comment = serializers.CharField(help_text="The employee's comment on the rating.")
    levels = LevelSerializer(many=True, help_text="What each level 1–5 looks like.")


class SelfAssessmentSerializer(serializers.Serializer):
    review = serializers.IntegerField(help_text="The review's id.")
    state = serializers.CharField(
        help_text="`draft` (also before anything was saved) or `submitted`.",
    )
    summary = serializers.CharField(help_text="The overall summary.")
    saved_at = serializers.DateTimeField(allow_null=True, help_text="When it was last saved.")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="When it was submitted.")
    due = serializers.DateField(
        allow_null=True,
        help_text="The quarter's self-assessment deadline (passed at the end of that day, "
        "Asia/Shanghai time); null: none set.",
    )
    missed = serializers.BooleanField(
        help_text="The deadline passed with nothing submitted: not self-assessed (未自评). "
        "It blocks nothing."
    )
    editable = serializers.BooleanField(help_text="Whether it may still change.")
    closed = ClosedSerializer(allow_null=True, help_text="Why it may no longer change, if so.")
    lines = SelfAssessmentLineSerializer(
        many=True, help_text="The review's KPI lines with their summaries."
    )
    ratings = SelfRatingSerializer(
        many=True, help_text="The four competencies, rated by the employee."
    )
    evidence = EvidenceSerializer(many=True, help_text="The files attached.")


class SaveSerializer(serializers.Serializer):
    summary = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=SUMMARY_MAX,
        help_text="The overall summary (left as it is when not sent).",
    )
    lines = serializers.DictField(
        child=StrictCharField(allow_blank=True, trim_whitespace=False, max_length=SUMMARY_MAX),
        required=False,
        help_text="By KPI line id (as text), the summary of that line.",
    )
    ratings = serializers.DictField(
        child=StrictIntegerField(min_value=1, max_value=5, allow_null=True),
        required=False,
        help_text="By competency code, a whole number 1–5; null clears the rating.",
    )
    comments = serializers.DictField(
        child=StrictCharField(allow_blank=True, max_length=COMMENT_MAX),
        required=False,
        help_text="By competency code, a comment on the rating (needs the rating).",
    )


def representation(view: selectors.SelfAssessmentView) -> dict[str, Any]:
    own = view.self_assessment
    return {
        "review": view.review.pk,
        "state": view.state,
        "summary": view.summary,
        "saved_at": own.saved_at if own else None,
        "submitted_at": own.submitted_at if own else None,
        "due": view.due,
        "missed": view.missed,
        "editable": view.editable,
        "closed": (
            {"code": view.closed.code, "message": view.closed.message} if view.closed else None
        ),
        "lines": [
            {
                "id": row.line.pk,
                "code": row.line.code,
                "name": row.name,
                "target": plain(row.line.target) if row.line.target is not None else None,
                "weight": row.line.weight,
                "summary": row.summary,
            }
            for row in view.lines
        ],
        "ratings": [
            {
                "competency": row.competency.code,
                "name": row.name,
                "value": row.value,
                "comment": row.comment,
                "levels": [{"level": level, "text": text} for level, text in row.levels],
            }
            for row in view.ratings
        ],
        "evidence": evidence_rows(view.evidence),
    }


def _review(request: Request, review_id: int) -> Review:
    review: Review = found(
        selectors.review_of(viewer_roles=caller_roles(request), review_id=review_id)
    )
    return review


def _files(review: Review) -> list[EvidenceFile]:
    own = selectors.self_assessment_of(review=review)
    return evidence_of(review=review, purpose=Purpose.SELF_ASSESSMENT, ref=own.pk) if own else []


def _response(review: Review, code: int = status.HTTP_200_OK) -> Response:
    view = selectors.self_assessment_view(review=review)
    return Response(SelfAssessmentSerializer(representation(view)).data, status=code)


class SelfAssessmentApi(JsonApi):
    @extend_schema(
        operation_id="self_assessment_read",
        tags=TAGS,
        summary="A review's self-assessment",
        description=(
            "The employee reads their own (an empty draft before anything is saved), HR and the "
            "head of the department any state of it, the marketing director only once it is "
            "submitted (a draft is 404 to them)."
        ),
        responses={200: SelfAssessmentSerializer, **error_responses(403, 404)},
    )
    def get(self, request: Request, review_id: int) -> Response:
        return _response(_review(request, review_id))

    @extend_schema(
        operation_id="self_assessment_save",
        tags=TAGS,
        summary="Save the self-assessment as a draft (the employee)",
        description=(
            "Only the fields sent change. Refused with 409 and the rule's code once it may no "
            f"longer change: {CLOSED_CODES}; with 400 naming each bad field (`summary`, "
            "`lines.<id>`, `ratings.<code>`, `comments.<code>`). Nothing is saved on a refusal."
        ),
        request=SaveSerializer,
        responses={200: SelfAssessmentSerializer, **WRITE_ERRORS},
    )
    def put(self, request: Request, review_id: int) -> Response:
        review = _review(request, review_id)
        data = parse_body(SaveSerializer, request)
        services.self_assessment_save(
            user=request.user,
            roles=caller_roles(request),
            review=review,
            summary=data.get("summary"),
            line_summaries=data.get("lines"),
            ratings=data.get("ratings"),
            comments=data.get("comments"),
        )
        return _response(review)


class SelfAssessmentSubmitApi(JsonApi):
    @extend_schema(
        operation_id="self_assessment_submit",
        tags=TAGS,
        summary="Submit the self-assessment (the employee)",
        description=(
            "Needs an overall summary and a rating of every competency (400 naming each "
            "missing one). The ratings are written to the review as the assessor `self` "
            "(advisory unless the quarter weighs them) and it can no longer change. Refused "
            f"with 409 and the rule's code: {CLOSED_CODES}."
        ),
        request=None,
        responses={200: SelfAssessmentSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = _review(request, review_id)
        services.self_assessment_submit(
            user=request.user, roles=caller_roles(request), review=review
        )
        return _response(review)


class SelfAssessmentEvidenceApi(Api):
    parser_classes = [EvidenceMultiPartParser]

    @extend_schema(
        operation_id="self_assessment_evidence_list",
        tags=TAGS,
        summary="The evidence files of a self-assessment",
        description="Seen by whoever sees the self-assessment; each downloads from its `url`.",
        responses={200: EvidenceSerializer(many=True), **error_responses(403, 404)},
    )
    def get(self, request: Request, review_id: int) -> Response:
        files = _files(_review(request, review_id))
        return Response(EvidenceSerializer(evidence_rows(files), many=True).data)

    @extend_schema(
        operation_id="self_assessment_evidence_upload",
        tags=TAGS,
        summary="Attach an evidence file to the self-assessment (the employee)",
        description=(
            "multipart/form-data with one `file`. Its kind is told from its content (PDF, PNG, "
            "JPEG, GIF, WebP, Excel .xlsx, Word .docx) and must match its name; refused with "
            "400 on `file` (code `file_type`, `too_large`, `total_too_large`, "
            "`too_many_files`, `empty`) naming the rule and the file, 413 when the body is "
            f"past the size limit, 409 once the self-assessment may no longer change "
            f"({CLOSED_CODES}). Nothing is kept on a refusal."
        ),
        request={"multipart/form-data": UploadSerializer},
        responses={
            201: EvidenceSerializer,
            **error_responses(400, 403, 404, 409, 413, 415),
        },
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = _review(request, review_id)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                [FieldError(field="file", message=_("Choose a file to attach."), code="required")]
            )
        evidence = services.self_assessment_attach(
            user=request.user, roles=caller_roles(request), review=review, upload=upload
        )
        return Response(
            EvidenceSerializer(evidence_rows([evidence])[0]).data, status=status.HTTP_201_CREATED
        )


class SelfAssessmentEvidenceItemApi(JsonApi):
    @extend_schema(
        operation_id="self_assessment_evidence_delete",
        tags=TAGS,
        summary="Remove an evidence file from the self-assessment (the employee)",
        description=(
            "Only the employee who uploaded it, while the self-assessment may still change "
            f"(409 otherwise: {CLOSED_CODES})."
        ),
        request=None,
        responses={204: OpenApiResponse(description="Removed."), **WRITE_ERRORS},
    )
    def delete(self, request: Request, review_id: int, evidence_id: int) -> Response:
        review = _review(request, review_id)
        found(next((item for item in _files(review) if item.pk == evidence_id), None))
        services.self_assessment_detach(
            user=request.user, roles=caller_roles(request), review=review, evidence_id=evidence_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
