"""Request parsers that keep to the body size limit (DATA_UPLOAD_MAX_MEMORY_SIZE).

REST framework reads a JSON body straight from the request stream, past Django's own limit, and
Django's multipart parser limits only the form fields, not the files; both are checked here, and
a body over the limit raises RequestDataTooBig, which the API answers with 413 `too_large`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers


def _declared_length(parser_context: Mapping[str, Any] | None) -> int:
    request = (parser_context or {}).get("request")
    meta = getattr(request, "META", {})
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


def _too_big() -> RequestDataTooBig:
    return RequestDataTooBig(
        "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE "
        f"({settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes)."
    )


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None:
            if _declared_length(parser_context) > limit:
                raise _too_big()
            data = stream.read(limit + 1)
            if len(data) > limit:
                raise _too_big()
            stream = io.BytesIO(data)
        return super().parse(stream, media_type, parser_context)


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _declared_length(parser_context) > limit:
            raise _too_big()
        return super().parse(stream, media_type, parser_context)
