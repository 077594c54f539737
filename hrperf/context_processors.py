from typing import Any

from django.http import HttpRequest

from hrperf.lib.roles import roles_of


def roles(request: HttpRequest) -> dict[str, Any]:
    return {"roles": roles_of(request.user)}
