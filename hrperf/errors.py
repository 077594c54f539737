"""The product's answer to every error, in every mode (DEBUG on or off): the API's one JSON error
shape (`hrperf.api.exceptions`) on /api/ paths, the product's own page (templates/error.html)
elsewhere. Never Django's debug pages, which list every address of the site.

* `RequestGuardMiddleware` refuses, before any view runs, what no address of the product takes
  (PostgreSQL cannot even compare a text with a NUL): a control character in the path (404,
  nothing is there), in a header, the query string or a form's values (400 naming it), an
  address longer than `REQUEST_MAX_URI_CHARS` (414) and a header longer than
  `REQUEST_MAX_HEADER_BYTES` (431). The
  application server's own limits are set higher (Dockerfile), so that these answer first.
* `ErrorShapeMiddleware`, the outermost, turns the error answers that Django makes by itself
  (the debug 404 and 500 pages, a bare 405, a 4xx or 5xx without JSON under /api/) into the
  product's shape. A page's own answer (a form shown again with its errors, 400) stays as is.
* `bad_request`, `permission_denied`, `page_not_found`, `server_error` (hrperf/urls.py) and
  `csrf_failure` (CSRF_FAILURE_VIEW) answer in the same shape.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from hrperf.api.exceptions import (
    STATUS_CODES,
    error_body,
    field_error,
    is_api_request,
    too_large_message,
)

logger = logging.getLogger(__name__)

# Control characters: none in a path; in a value, none but tab, line feed and carriage return;
# in a header, none but tab.
PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
VALUE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

CODES: Mapping[int, str] = {**STATUS_CODES, 414: "uri_too_long", 431: "headers_too_large"}

# The title of each status's page, and what the page and the API say by default.
TITLES: Mapping[int, Promise] = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Not signed in"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    413: gettext_lazy("Too large"),
    414: gettext_lazy("Address too long"),
    431: gettext_lazy("Headers too large"),
    500: gettext_lazy("Something went wrong"),
}
PAGE_MESSAGES: Mapping[int, Promise] = {
    400: gettext_lazy("The request could not be understood."),
    403: gettext_lazy(
        "Your account may not see this page. Ask HR to give your login the role it needs."
    ),
    404: gettext_lazy("There is nothing at this address."),
    405: gettext_lazy("This address does not take this kind of request."),
    500: gettext_lazy("Something went wrong on our side. Please try again later."),
}
API_MESSAGES: Mapping[int, Promise] = {
    400: gettext_lazy("Malformed request."),
    401: gettext_lazy("Authentication credentials were not provided."),
    403: gettext_lazy("You do not have permission to perform this action."),
    404: gettext_lazy("Not found."),
    405: gettext_lazy("Method not allowed."),
    406: gettext_lazy("This endpoint cannot answer in the format the Accept header asks for."),
    415: gettext_lazy("This endpoint does not read a body of this media type."),
    429: gettext_lazy("Too many requests: wait as long as Retry-After says, then try again."),
    500: gettext_lazy("Something went wrong on our side. Please try again later."),
}
# Statuses that no page answers by itself: any such answer not made here is Django's own.
RESHAPED_STATUSES = frozenset({403, 404, 405, 500})
# A sign of Django's debug pages (technical_404.html, technical_500.html).
# Django's debug pages (and its bare CSRF page) carry both; the admin's pages only the first.
DEBUG_PAGE_SIGNS = (b'<meta name="robots" content="NONE,NOARCHIVE">', b'id="summary"')


class ErrorPage(HttpResponse):
    """The product's own error page."""


class ErrorJson(JsonResponse):
    """An error in the API's one shape."""


def answer(
    request: HttpRequest,
    status: int,
    *,
    code: str | None = None,
    message: str | Promise | None = None,
    fields: Iterable[Mapping[str, Any]] = (),
    with_request: bool = True,
) -> HttpResponse:
    """The error `status` in the product's shape: JSON under /api/, the error page elsewhere
    (without the request's context, such as who is logged in, when `with_request` is off)."""
    fields = list(fields)
    if is_api_request(request):
        return ErrorJson(
            error_body(
                code or CODES.get(status, "error"),
                message or API_MESSAGES.get(status) or TITLES.get(status) or "",
                fields,
            ),
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {
        "status": status,
        "title": TITLES.get(status, TITLES[400 if status < 500 else 500]),
        "message": message or PAGE_MESSAGES.get(status, ""),
        "fields": fields,
    }
    return ErrorPage(
        _render(request, context, with_request=with_request and status < 500), status=status
    )


def _render(request: HttpRequest, context: dict[str, Any], *, with_request: bool) -> str:
    """The error page; with the request's context (who is logged in, the language switch)
    when it can be had, without it for a server error or when the request is half-made."""
    if with_request and hasattr(request, "user"):
        try:
            return render_to_string("error.html", context, request=request)
        except Exception:  # the page must answer even when the request's context fails
            logger.exception("The error page could not be shown with the request's context")
    return render_to_string("error.html", context)


# -- Django's error handlers (hrperf/urls.py) and the CSRF failure view ----------------------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return answer(request, 413, message=too_large_message())
    return answer(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return answer(request, 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return answer(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return answer(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return answer(
        request,
        403,
        code="csrf_failed",
        message=gettext(
            "The form was refused because it has expired or came from elsewhere. "
            "Reload the page and try again."
        ),
    )


# -- the middleware --------------------------------------------------------------------------


def _printable(name: str) -> str:
    """A parameter's name as it can be shown: its control characters escaped."""
    return PATH_CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", name)


def _control_fields(values: Iterable[tuple[str, list[str]]]) -> list[dict[str, Any]]:
    return [
        field_error(
            _printable(name),
            gettext("The value of “%(name)s” contains a control character.")
            % {"name": _printable(name)},
            "control_character",
        )
        for name, items in values
        if VALUE_CONTROL.search(name) or any(VALUE_CONTROL.search(item) for item in items)
    ]


def refusal(request: HttpRequest) -> HttpResponse | None:
    """The answer to a request that no address of the product takes, or None."""
    return _too_long(request) or _bad_header(request) or _bad_text(request)


def _too_long(request: HttpRequest) -> HttpResponse | None:
    max_uri = settings.REQUEST_MAX_URI_CHARS
    if len(request.get_full_path()) > max_uri:
        message = gettext("The address is too long: at most %(max)s characters.")
        return answer(request, 414, message=message % {"max": max_uri})
    max_header = settings.REQUEST_MAX_HEADER_BYTES
    for key, value in request.META.items():
        if key.startswith("HTTP_") and len(key) + len(str(value)) > max_header:
            message = gettext("A header of the request is too large: at most %(max)s bytes.")
            return answer(request, 431, message=message % {"max": max_header}, with_request=False)
    return None


def _bad_header(request: HttpRequest) -> HttpResponse | None:
    """A header or a cookie with a control character (a quoted cookie may hide one: "\\000"),
    answered without reading the request's session or token."""
    names = [
        key.removeprefix("HTTP_").replace("_", "-").title()
        for key, value in request.META.items()
        if key.startswith("HTTP_") and HEADER_CONTROL.search(str(value))
    ] + [name for name, value in request.COOKIES.items() if HEADER_CONTROL.search(name + value)]
    for name in names[:1]:
        message = gettext("The header “%(name)s” contains a control character.") % {
            "name": _printable(name)
        }
        return answer(
            request,
            400,
            message=message,
            fields=[field_error(_printable(name), message, "control_character")],
            with_request=False,
        )
    return None


def _bad_text(request: HttpRequest) -> HttpResponse | None:
    """A control character in the path (no address has one: 404), the query or a form."""
    if PATH_CONTROL.search(request.path):
        return answer(request, 404)
    fields = _control_fields(request.GET.lists())
    if not fields and _is_form(request):
        fields = _control_fields(request.POST.lists())
    if fields:
        return answer(request, 400, message=gettext("Invalid input."), fields=fields)
    return None


def _is_form(request: HttpRequest) -> bool:
    """A page's form post (an upload's files are read by its view, with its own limits)."""
    return (
        request.method not in ("GET", "HEAD", "OPTIONS")
        and not is_api_request(request)
        and request.content_type == FORM_CONTENT_TYPE
    )


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return refusal(request) or self.get_response(request)


def is_products(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether an error answer is already in the product's shape."""
    if isinstance(response, ErrorPage | ErrorJson):
        return True
    if is_api_request(request):
        return response.get("Content-Type", "").startswith("application/json")
    if response.status_code in RESHAPED_STATUSES:
        return False
    return response.streaming or not all(sign in response.content for sign in DEBUG_PAGE_SIGNS)


# The reshaped answer keeps every header of the original (the security headers, Allow,
# Retry-After, WWW-Authenticate, Vary…) but those that describe its body.
BODY_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "content-language",
        "content-disposition",
        "etag",
        "last-modified",
    }
)


class ErrorShapeMiddleware:
    """Every error answer in the product's shape (see the module's description)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or is_products(request, response):
            return response
        shaped = answer(request, response.status_code)
        for header, value in response.items():
            if header.lower() not in BODY_HEADERS:
                shaped[header] = value
        shaped.cookies = response.cookies
        return shaped
