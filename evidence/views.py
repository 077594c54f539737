"""Downloading an evidence file: streamed as an attachment, with the kind its content was found
to be, after checking that the viewer sees its owner (404 otherwise)."""

from __future__ import annotations

from typing import cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from evidence import selectors
from hrperf.lib.pages import allowed, found
from hrperf.lib.roles import roles_of


@require_safe
@allowed("signed_in")
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = found(
        selectors.evidence_get(viewer_roles=roles_of(request.user), evidence_id=evidence_id)
    )
    try:
        stream = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return cast(HttpResponse, response)  # streamed; the page decorators type HttpResponse
