"""The Content-Security-Policy of every answer (settings.CONTENT_SECURITY_POLICY): scripts,
styles, images and connections from the site itself only, no inline script, no plugins, no
framing. Pages keep to it: their scripts are static files (static/js/), htmx is told not to
insert its own style (the `htmx-config` meta tag of templates/base.html).

The API documentation pages (Swagger UI, Redoc) render with third-party code that sets inline
styles and starts a worker from a blob; `docs_policy` gives those two views a policy that allows
that, and still no inline script. With CSP_REPORT_ONLY=1 the browser reports instead of blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"
DOCS_EXTRA = {"style-src": "'unsafe-inline'", "worker-src": "'self' blob:", "img-src": "data:"}


def header_name() -> str:
    return REPORT_ONLY_HEADER if settings.CSP_REPORT_ONLY else HEADER


def with_sources(policy: str, extra: dict[str, str]) -> str:
    """The policy with `extra` sources added to its directives (a missing one is added)."""
    directives = [part.strip() for part in policy.split(";") if part.strip()]
    names = [directive.split()[0] for directive in directives]
    result = []
    for directive, name in zip(directives, names, strict=True):
        result.append(f"{directive} {extra[name]}" if name in extra else directive)
    result += [f"{name} {sources}" for name, sources in extra.items() if name not in names]
    return "; ".join(result)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        name = header_name()
        if settings.CONTENT_SECURITY_POLICY and name not in response:
            response[name] = settings.CONTENT_SECURITY_POLICY
        return response


def docs_policy(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The policy of the API documentation pages (see the module's description)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if settings.CONTENT_SECURITY_POLICY:
            response[header_name()] = with_sources(settings.CONTENT_SECURITY_POLICY, DOCS_EXTRA)
        return response

    return wrapped
