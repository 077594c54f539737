"""What every server-rendered page shares: who may open it, and how it answers.

`allowed("<permission>")` is the one access check of the pages: `permission` names a property
of `hrperf.lib.roles.Roles` (`is_hr`, `sees_quarters`…). Anonymous visitors go to the login
page; a user whose roles do not give it gets a 403, and so does an action a service refuses on
the way (`NotAllowed` is a PermissionDenied). Which objects a viewer may see is the selectors'
business: an object outside them answers 404 (`found`), never a hint that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from operator import attrgetter
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from hrperf.lib.roles import Roles, roles_of

View = Callable[..., HttpResponse]
T = TypeVar("T")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def allowed(permission: str) -> Callable[[View], View]:
    """Open the page to users whose roles have `permission` (a property of `Roles`)."""
    if not hasattr(Roles, permission) and permission not in Roles.__dataclass_fields__:
        raise ImproperlyConfigured(f"Roles has no permission {permission!r}")
    holds = attrgetter(permission)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not holds(roles_of(request.user)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def found(value: T | None) -> T:
    """The object, or a 404 when there is none the viewer may see."""
    if value is None:
        raise Http404
    return value


def is_htmx(request: HttpRequest) -> bool:
    """Whether the request came from htmx (and wants a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"
