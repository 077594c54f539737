"""Uploads refused as soon as they pass the size limit, before the whole file is read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from hrperf.lib.tables import RowError, errors_csv, too_large_message


class UploadLimit(FileUploadHandler):
    """Skips an uploaded file as soon as it passes the size limit, and remembers that it did,
    so that the page can say why instead of reading (and storing) the whole file."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limit_uploads(request: HttpRequest, limit: int | None = None) -> UploadLimit:
    """Put the size limit (`limit`, by default `settings.MAX_UPLOAD_BYTES`) in front of the
    request's upload handlers; call it before the request's files are read (a view exempt from
    the CSRF check, which reads the body, and checking CSRF itself afterwards). A file larger
    than FILE_UPLOAD_MAX_MEMORY_SIZE goes to a temporary file, as Django's handlers do."""
    handler = UploadLimit(request, settings.MAX_UPLOAD_BYTES if limit is None else limit)
    request.upload_handlers = [handler, *request.upload_handlers]
    return handler


def max_upload_mb(limit: int | None = None) -> int:
    return int((settings.MAX_UPLOAD_BYTES if limit is None else limit) // (1024 * 1024))


class UploadForm(forms.Form):
    """A form of one file (its `file` field, declared by each form, not required so that this
    check runs first): a file over the limit (`max_bytes`, by default
    `settings.MAX_UPLOAD_BYTES`) is refused saying so, a missing one asked for."""

    max_bytes: int | None = None

    def __init__(self, *args: Any, upload_too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload_too_large = upload_too_large

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        limit = settings.MAX_UPLOAD_BYTES if self.max_bytes is None else self.max_bytes
        if self.upload_too_large or (upload is not None and (upload.size or 0) > limit):
            raise forms.ValidationError(too_large_message(limit), code="too_large")
        if upload is None:
            raise forms.ValidationError(_("Choose a CSV or Excel file to import."), code="required")
        return upload


# At most this many problems of a rejected file are kept for its download (the page shows all).
KEPT_ERRORS = 5000


def keep_errors(request: HttpRequest, key: str, errors: list[RowError]) -> None:
    """Keep the problems of a rejected file in the session under `key`, for `errors_download`
    (the error page links to it); an import that succeeds forgets them."""
    if errors:
        request.session[key] = [
            [error.row, error.field, error.value, error.message] for error in errors[:KEPT_ERRORS]
        ]
    else:
        request.session.pop(key, None)


def errors_download(request: HttpRequest, key: str, filename: str) -> HttpResponse:
    """The kept problems as a CSV file (row, column, value, problem); a 404 when there are
    none."""
    kept = request.session.get(key)
    if not kept:
        raise Http404
    errors = [
        RowError(row=row, field=field, message=message, value=value or "")
        for row, field, value, message in kept
    ]
    response = HttpResponse(errors_csv(errors), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
