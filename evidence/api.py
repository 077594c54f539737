"""The API's shared pieces of evidence files: how a file is shown, the upload's body and its
parser (refusing a body past the size limit before reading it). The owners' APIs (the
self-assessment's, the appeal's) use them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import parsers, serializers

from evidence.models import EvidenceFile
from evidence.services import megabytes
from hrperf.api.exceptions import ApiError


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The file's id.")
    name = serializers.CharField(help_text="The file's name as uploaded (cleaned).")
    content_type = serializers.CharField(help_text="The type its content was found to be.")
    size = serializers.IntegerField(help_text="Its size in bytes.")
    sha256 = serializers.CharField(help_text="The SHA-256 digest of its content, in hex.")
    uploaded_at = serializers.DateTimeField(help_text="When it was uploaded.")
    url = serializers.CharField(help_text="Where a signed-in viewer downloads it (a page).")


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A PDF, PNG, JPEG, GIF, WebP, Excel (.xlsx) or Word (.docx) file, told by its "
        "content; its name must say the same kind."
    )


def evidence_rows(files: list[EvidenceFile]) -> list[dict[str, Any]]:
    return [
        {
            "id": item.pk,
            "name": item.original_name,
            "content_type": item.content_type,
            "size": item.size,
            "sha256": item.sha256,
            "uploaded_at": item.uploaded_at,
            "url": f"/evidence/{item.pk}/",
        }
        for item in files
    ]


class EvidenceMultiPartParser(parsers.MultiPartParser):
    """A multipart body of one evidence file: refused past the evidence limit, before reading."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        request = (parser_context or {}).get("request")
        try:
            length = int(getattr(request, "META", {}).get("CONTENT_LENGTH") or 0)
        except (TypeError, ValueError):
            length = 0
        limit = settings.EVIDENCE_MAX_FILE_BYTES
        if length > limit + 64 * 1024:
            raise ApiError(
                status_code=413,
                code="too_large",
                message=gettext("A file may be at most %(max)s MB.") % {"max": megabytes(limit)},
            )
        return super().parse(stream, media_type, parser_context)
