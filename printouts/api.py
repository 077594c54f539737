"""The API of printouts, mounted under /api/v1/: one PDF of many review forms.

POST /api/v1/cycles/<period>/printouts               {"department": "SALES"} or {}  → 202 job
GET  /api/v1/cycles/<period>/printouts/<id>/         the job's progress
GET  /api/v1/cycles/<period>/printouts/<id>/forms.pdf the PDF, once done (application/pdf)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponseBase
from django.urls import path, reverse
from django.utils.translation import get_language, gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from hrperf.api.exceptions import ApiError
from hrperf.api.fields import StrictCharField
from hrperf.api.schema import ErrorSerializer, error_responses
from hrperf.api.views import Api, JsonApi, caller_roles, found, parse_body
from printouts import selectors, services
from printouts.models import PrintJob
from printouts.pages.jobs import download_response
from reviews.api.common import PERIOD_PARAMETER, cycle_or_404

JOB_ID_PARAMETER = OpenApiParameter(
    "job_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The print job's id."
)


class PrintJobStartSerializer(serializers.Serializer):
    department = StrictCharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=(
            "The department's code, such as SALES; left out or empty: the whole quarter (HR and "
            "the director). A department head may print their own department's forms only (it "
            "is taken when they leave it out)."
        ),
    )


class PrintJobSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="cycle.period")
    department = serializers.CharField(
        source="department.code",
        allow_null=True,
        default=None,
        help_text="null: the whole quarter.",
    )
    url = serializers.SerializerMethodField(help_text="Where to follow the job's progress.")
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the PDF once `status` is done; null before."
    )

    class Meta:
        model = PrintJob
        fields = [
            "id",
            "period",
            "department",
            "status",
            "total",
            "done",
            "pages",
            "size",
            "error",
            "created_at",
            "finished_at",
            "url",
            "download_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "total": {"help_text": "How many review forms the PDF holds."},
            "done": {"help_text": "How many are rendered so far (progress: done of total)."},
            "pages": {"help_text": "Pages rendered so far (the PDF's pages when done)."},
            "size": {"help_text": "The PDF's size in bytes, once done."},
            "error": {"help_text": "Why the job failed, when `status` is failed."},
        }

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, job: PrintJob) -> str:
        return self._absolute(
            reverse("api-v1:printout", kwargs={"period": job.cycle.period, "job_id": job.pk})
        )

    def get_download_url(self, job: PrintJob) -> str | None:
        if job.status != PrintJob.Status.DONE:
            return None
        return self._absolute(
            reverse(
                "api-v1:printout-download", kwargs={"period": job.cycle.period, "job_id": job.pk}
            )
        )


def _job(request: Request, period: str, job_id: int) -> PrintJob:
    roles = caller_roles(request)
    cycle = cycle_or_404(roles, period)
    return found(
        selectors.printjob_get(viewer_roles=roles, user=request.user, cycle=cycle, job_id=job_id)
    )


class PrintJobStartApi(JsonApi):
    @extend_schema(
        operation_id="printouts_create",
        tags=["printouts"],
        summary="Start one PDF of every review form of a department or of the quarter",
        description=(
            "The worker renders each review form (考核表) the caller sees, as the print page "
            "shows it, into one A4 PDF: a page break before each form, page numbers in the "
            "footer. HR and the director may print the whole quarter or any department; a "
            "department head their own department's (without their own review); anyone else "
            "gets 403. Answers 202 with the job; follow its `url`, download at `download_url` "
            "when `status` is done. 400 when there is no such department or nothing to print."
        ),
        parameters=[PERIOD_PARAMETER],
        request=PrintJobStartSerializer,
        responses={202: PrintJobSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, period: str) -> Response:
        cycle = cycle_or_404(caller_roles(request), period)
        data = parse_body(PrintJobStartSerializer, request)
        job = services.printjob_start(
            actor=request.user,
            cycle=cycle,
            department_code=data.get("department") or None,
            language=get_language() or "",
        )
        return Response(
            PrintJobSerializer(job, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class PrintJobApi(Api):
    @extend_schema(
        operation_id="printouts_retrieve",
        tags=["printouts"],
        summary="Progress of a print job",
        description=(
            "`done` of `total` forms; `status` is done (with `download_url`) or failed (with "
            "`error`) when it has finished. Seen by HR and the director, and by the head who "
            "asked for it; 404 for anyone else."
        ),
        parameters=[PERIOD_PARAMETER, JOB_ID_PARAMETER],
        responses={200: PrintJobSerializer, **error_responses(404)},
    )
    def get(self, request: Request, period: str, job_id: int) -> Response:
        job = _job(request, period, job_id)
        return Response(PrintJobSerializer(job, context={"request": request}).data)


class _JsonErrors(BaseContentNegotiation):
    """The download renders only its errors through DRF: always as JSON."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return None


class PrintJobDownloadApi(Api):
    renderer_classes = [JSONRenderer]  # for the errors; the file itself is streamed
    content_negotiation_class = _JsonErrors

    @extend_schema(
        operation_id="printouts_download",
        tags=["printouts"],
        summary="The PDF of a finished print job",
        description=(
            "The PDF (application/pdf) as an attachment, once the job is done; 409 "
            "`not_ready` while it is queued or running, or when it failed. Who may read it: "
            "as the job's progress."
        ),
        parameters=[
            PERIOD_PARAMETER,
            JOB_ID_PARAMETER,
            OpenApiParameter(
                "Content-Disposition",
                OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                response=[200],
                description='attachment; filename="review-forms-<period>[-<department>].pdf"',
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF of the forms."
            ),
            (404, "application/json"): OpenApiResponse(ErrorSerializer, description="Not found."),
            (409, "application/json"): OpenApiResponse(
                ErrorSerializer, description="The PDF is not ready (or the job failed)."
            ),
        },
    )
    def get(self, request: Request, period: str, job_id: int) -> HttpResponseBase:
        job = _job(request, period, job_id)
        if job.status != PrintJob.Status.DONE or not job.file:
            raise ApiError(
                status_code=409,
                code="not_ready",
                message=str(_not_ready(job)),
            )
        try:
            stream = job.file.open("rb")
        except OSError:
            raise ApiError(
                status_code=404, code="not_found", message=gettext("Not found.")
            ) from None
        return download_response(stream, job)


def _not_ready(job: PrintJob) -> Any:
    if job.status == PrintJob.Status.FAILED:
        return gettext("The PDF could not be made; start a new one.")
    return gettext("The PDF is not ready yet; follow the job's progress.")


urlpatterns = [
    path("cycles/<str:period>/printouts", PrintJobStartApi.as_view(), name="printouts"),
    path("cycles/<str:period>/printouts/<int:job_id>/", PrintJobApi.as_view(), name="printout"),
    path(
        "cycles/<str:period>/printouts/<int:job_id>/forms.pdf",
        PrintJobDownloadApi.as_view(),
        name="printout-download",
    ),
]
