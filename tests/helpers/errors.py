"""Helpers of the error tests: the two shapes every error answers in (the API's JSON, the
product's own page), and the site's addresses with a parameter, each filled with a value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# The mark of the product's own error page (templates/error.html).
ERROR_PAGE = 'data-testid="error-page"'
# What Django's debug pages show, and the product's pages never do.
DJANGO_DEBUG_PAGE = ("NONE,NOARCHIVE", "Using the URLconf", "Traceback")


def api_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The error of an API answer, checked to be in the one shape."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    return dict(error)


def error_page(response: Any, status: int) -> str:
    """The HTML of the product's own error page, checked to be one."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    html = response.content.decode()
    assert ERROR_PAGE in html, html[:500]
    for sign in DJANGO_DEBUG_PAGE:
        assert sign not in html
    return html


def answers_in_shape(response: Any, path: str, status: int, code: str) -> None:
    if path.startswith("/api/"):
        api_error(response, status, code)
    else:
        error_page(response, status)


def _filled(pattern: URLPattern | URLResolver, value: str) -> str | None:
    """The pattern's own part of the address with every parameter set to `value`."""
    if isinstance(pattern.pattern, RoutePattern):
        return re.sub(r"<[^>]+>", value, str(pattern.pattern))
    if isinstance(pattern.pattern, RegexPattern):
        regex = str(pattern.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        filled = re.sub(r"\(\?P<\w+>[^)]*\)", value, regex)
        if any(sign in filled for sign in "()[]*+?\\|"):
            return None
        return filled
    return None


def addresses_with_parameters(value: str) -> Iterator[str]:
    """Every address of the site (hrperf/urls.py) that takes a parameter, with `value` in each
    parameter, once per pattern."""
    seen: set[str] = set()

    def walk(patterns: list[Any], prefix: str, has_parameter: bool) -> Iterator[str]:
        for pattern in patterns:
            part = _filled(pattern, value)
            if part is None:
                continue
            takes = has_parameter or value in part
            address = prefix + part
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, address, takes)
            elif takes and address not in seen:
                seen.add(address)
                yield address

    yield from walk(get_resolver("hrperf.urls").url_patterns, "/", False)


def addresses_without_parameters() -> list[str]:
    """Every address of the site that takes no parameter."""
    marker = "\x01"
    with_any = set(addresses_with_parameters(marker))
    everything: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            part = _filled(pattern, marker)
            if part is None:
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + part)
            elif marker not in prefix + part:
                everything.append(prefix + part)

    walk(get_resolver("hrperf.urls").url_patterns, "/")
    return sorted(set(everything) - with_any)
