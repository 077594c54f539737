"""One error shape for every API error, in the caller's language (Accept-Language):

    {"error": {"code": "<stable code>", "message": "<text>",
               "fields": [{"field": "...", "row": null|int, "code": "...", "message": "..."}]}}

`exception_handler` (REST framework's EXCEPTION_HANDLER) shapes the errors of API views,
including the domain's errors (`hrperf.lib.errors`: ValidationFailed → 400 with its fields,
NotAllowed → 403, Conflict → 409, each with its own code) and Django's own ones raised in a
view. A failed authentication (401) is counted against the caller's address
(`hrperf.api.throttling.auth_failure_wait`) and answered 429 with Retry-After once too many.
Errors that never reach an API view answer the same shape through `hrperf.errors`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from hrperf.api.throttling import auth_failure_wait
from hrperf.lib.errors import Conflict, DomainError, FieldError, NotAllowed, ValidationFailed

API_PREFIX = "/api/"

# The code of each status, unless the error brings a more precise one.
STATUS_CODES: Mapping[int, str] = {
    400: "invalid",
    401: "not_authenticated",
    403: "not_allowed",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}
# Codes an error may bring for these statuses, instead of the status's own.
PRECISE_CODES: Mapping[int, frozenset[str]] = {
    403: frozenset({"insufficient_scope", "not_allowed"}),
    409: frozenset({"conflict", "stale", "frozen", "bad_transition"}),
}


class ApiError(exceptions.APIException):
    """An error already in the API's terms: status, code, message and field errors."""

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        message: str | Promise,
        fields: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(detail=str(message), code=code)
        self.status_code = status_code
        self.error_code = code
        self.message = str(message)
        self.fields = [dict(item) for item in fields]


def error_body(
    code: str, message: str | Promise, fields: Iterable[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": list(fields)}}


def field_error(
    field: str, message: str | Promise, code: str = "invalid", row: int | None = None
) -> dict[str, Any]:
    return {"field": field, "row": row, "code": code, "message": str(message)}


def too_large_message() -> str:
    return gettext("The request body is too large: at most %(max)s MB.") % {
        "max": (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) // (1024 * 1024)
    }


# -- API views -------------------------------------------------------------------------------


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """REST framework's EXCEPTION_HANDLER: every handled error in the one shape; None (a 500)
    for anything else."""
    exc = _as_api_exception(exc)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        exc = _throttled_if_too_many(exc, context.get("request"))
    response = drf_exception_handler(exc, dict(context))
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    response.data = _body(exc, response.status_code)
    return response


def _throttled_if_too_many(exc: exceptions.APIException, request: Any) -> exceptions.APIException:
    """A failed authentication counts against its address; one too many is answered 429."""
    if request is None:
        return exc
    wait = auth_failure_wait(request)
    if wait is None:
        return exc
    return exceptions.Throttled(
        wait=wait,
        detail=gettext("Too many failed authentications from your address."),
    )


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, ValidationFailed):
        return ApiError(
            status_code=status.HTTP_400_BAD_REQUEST,
            code="invalid",
            message=gettext("Invalid input."),
            fields=[_domain_field(error) for error in exc.errors],
        )
    if isinstance(exc, NotAllowed):
        return ApiError(status_code=403, code=exc.code, message=exc.message)
    if isinstance(exc, Conflict):
        return ApiError(status_code=409, code=exc.code, message=exc.message)
    if isinstance(exc, DomainError):
        return ApiError(status_code=400, code=exc.code, message=exc.message)
    if isinstance(exc, DjangoValidationError):
        return ApiError(
            status_code=400,
            code="invalid",
            message=gettext("Invalid input."),
            fields=_django_fields(exc),
        )
    if isinstance(exc, RequestDataTooBig):
        return ApiError(status_code=413, code="too_large", message=too_large_message())
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*(str(arg) for arg in exc.args[:1]))
    if isinstance(exc, exceptions.ParseError):
        return ApiError(
            status_code=400,
            code="invalid",
            message=gettext("Malformed request."),
            fields=[field_error("body", str(exc.detail), "parse_error")],
        )
    return exc


def _domain_field(error: FieldError) -> dict[str, Any]:
    return field_error(error.field, error.message, error.code, error.row)


def _django_fields(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            field_error(name, message, error.code or "invalid")
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [
        field_error(api_settings.NON_FIELD_ERRORS_KEY, message, error.code or "invalid")
        for error in exc.error_list
        for message in error.messages
    ]


def _body(exc: exceptions.APIException, status_code: int) -> dict[str, Any]:
    if isinstance(exc, ApiError):
        return error_body(exc.error_code, exc.message, exc.fields)
    if isinstance(exc, exceptions.ValidationError):
        return error_body("invalid", gettext("Invalid input."), _flatten(exc.detail))
    detail = exc.detail
    if isinstance(detail, dict | list):
        return error_body(
            STATUS_CODES.get(status_code, "error"), gettext("Invalid input."), _flatten(detail)
        )
    precise = getattr(detail, "code", None)
    if precise in PRECISE_CODES.get(status_code, ()):
        code = str(precise)
    else:
        code = STATUS_CODES.get(status_code, str(precise or "error"))
    return error_body(code, str(detail))


def _child_path(path: str, key: Any) -> str:
    if isinstance(key, int):  # an item of a list: lines[0]
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _flatten(detail: Any, path: str = "") -> list[dict[str, Any]]:
    """Serializer errors, nested or not, as a flat list: `lines[0].actual`, `name` …"""
    if isinstance(detail, dict):
        return [
            item
            for key, value in detail.items()
            for item in _flatten(value, _child_path(path, key))
        ]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [
                field_error(
                    path or api_settings.NON_FIELD_ERRORS_KEY,
                    str(item),
                    str(getattr(item, "code", None) or "invalid"),
                )
                for item in detail
            ]
        return [
            item
            for index, value in enumerate(detail)
            for item in _flatten(value, _child_path(path, index))
        ]
    return [
        field_error(
            path or api_settings.NON_FIELD_ERRORS_KEY,
            str(detail),
            str(getattr(detail, "code", None) or "invalid"),
        )
    ]


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)
