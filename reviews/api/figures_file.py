"""The quarter's figures file through the API: HR downloads the template (Excel or CSV, one row
per review × KPI line, streamed as it is written) and uploads it back filled in (multipart,
field `file`), checked and applied as the quarter's page does it (the same reader and service:
all or nothing, every problem named by its row in the file and its column)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from hrperf.api.exceptions import ApiError
from hrperf.api.parsers import declared_length
from hrperf.api.schema import error_responses
from hrperf.api.views import Api, caller_roles, require
from hrperf.lib.errors import FieldError, ValidationFailed
from hrperf.lib.pages import XLSX_CONTENT_TYPE
from hrperf.lib.tables import too_large_message
from reviews import selectors, services, workflow
from reviews.api.common import PERIOD_PARAMETER, cycle_or_404
from reviews.files.figures import (
    ImportRejected,
    figures_template_csv,
    figures_template_xlsx,
    open_figures,
)
from reviews.workflow import Action

FORMATS = {"xlsx": XLSX_CONTENT_TYPE, "csv": "text/csv; charset=utf-8"}
# The multipart body around the file: its boundaries and headers.
ENVELOPE_BYTES = 64 * 1024


class FiguresFileParser(parsers.MultiPartParser):
    """A multipart body of at most the figures file's limit (FIGURES_MAX_UPLOAD_BYTES); a
    larger one is refused (413) before it is read."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        if declared_length(parser_context) > settings.FIGURES_MAX_UPLOAD_BYTES + ENVELOPE_BYTES:
            raise ApiError(
                status_code=413,
                code="too_large",
                message=too_large_message(settings.FIGURES_MAX_UPLOAD_BYTES),
            )
        return super().parse(stream, media_type, parser_context)


class FiguresFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The figures file: CSV (UTF-8 or GB18030) or .xlsx.")


class FiguresFileOutcomeSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="KPI lines changed.")
    created = serializers.IntegerField(help_text="Of those, lines that had no figure before.")
    unchanged = serializers.IntegerField(help_text="Rows that changed nothing.")
    reviews = serializers.IntegerField(help_text="Reviews changed.")


class CycleFiguresTemplateApi(Api):
    @extend_schema(
        operation_id="cycles_figures_template",
        tags=["reviews"],
        summary="Download the quarter's figures template (HR)",
        description=(
            "One row per review × KPI line the caller sees, with the targets and actuals set so "
            "far: `xlsx` (an Excel workbook) or `csv` (UTF-8 with a byte order mark). Streamed "
            "as it is written, whatever the size of the quarter."
        ),
        parameters=[
            PERIOD_PARAMETER,
            OpenApiParameter(
                "file_format", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FORMATS)
            ),
        ],
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            **error_responses(403, 404),
        },
    )
    def get(self, request: Request, period: str, file_format: str) -> StreamingHttpResponse:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        require(roles.is_hr)
        if file_format not in FORMATS:
            raise Http404
        rows = selectors.cycle_figure_rows(viewer_roles=roles, cycle=cycle)
        write = figures_template_xlsx if file_format == "xlsx" else figures_template_csv
        response = StreamingHttpResponse(
            write(cycle.period, rows), content_type=FORMATS[file_format]
        )
        response["Content-Disposition"] = (
            f'attachment; filename="figures-{cycle.period}.{file_format}"'
        )
        return response


class CycleFiguresImportApi(Api):
    parser_classes = [FiguresFileParser]

    @extend_schema(
        operation_id="cycles_figures_import",
        tags=["reviews"],
        summary="Import the quarter's figures file (HR)",
        description=(
            "The template filled in (CSV or .xlsx, at most FIGURES_MAX_UPLOAD_MB), all or "
            "nothing: a file with any bad row changes nothing, each problem named in `fields` "
            "with its `row` (as in the spreadsheet: the header is row 1) and column. Only "
            "reviews back with HR (draft, returned, reopened) of an open quarter may change."
        ),
        parameters=[PERIOD_PARAMETER],
        request={"multipart/form-data": FiguresFileSerializer},
        responses={200: FiguresFileOutcomeSerializer, **error_responses(400, 403, 404, 409, 413)},
    )
    def post(self, request: Request, period: str) -> Response:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        require(workflow.holds(Action.IMPORT_FIGURES, roles))
        upload = request.FILES.get("file")
        if upload is None:
            message = _("Choose a CSV or Excel file to import.")
            raise ValidationFailed([FieldError(field="file", message=message, code="required")])
        try:
            with open_figures(upload, filename=upload.name or "") as table:
                outcome = services.cycle_set_figures(
                    actor=request.user, cycle=cycle, rows=table.rows
                )
        except ImportRejected as rejected:
            raise ValidationFailed(
                [
                    FieldError(field=error.field or "file", message=error.message, row=error.row)
                    for error in rejected.errors
                ]
            ) from None
        return Response(
            FiguresFileOutcomeSerializer(
                {
                    "updated": outcome.updated,
                    "created": outcome.created,
                    "unchanged": outcome.unchanged,
                    "reviews": outcome.reviews,
                }
            ).data
        )
