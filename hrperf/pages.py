"""What every server-rendered page shares: who may open it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from hrperf.roles import Roles, roles_of

View = Callable[..., HttpResponse]


def allowed(test: Callable[[Roles], bool]) -> Callable[[View], View]:
    """Anonymous visitors go to the login page; a user whose roles fail `test` gets a 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not test(roles_of(request.user)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def is_htmx(request: HttpRequest) -> bool:
    """Whether the request came from htmx (and wants a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"
