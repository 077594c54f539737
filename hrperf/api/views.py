"""What every API view shares: the caller's roles, the two refusals (403 for a list or an
action the role does not give, 404 for an object the caller may not see, whether it exists or
not), reading a checked query or body, and the base of the JSON endpoints."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.request import Request
from rest_framework.views import APIView

from hrperf.api.parsers import JSONParser
from hrperf.lib.roles import Roles, roles_of


def caller_roles(request: Request) -> Roles:
    return roles_of(request.user)


def require(allowed: bool) -> None:
    """403 unless the caller's role gives access to this list or action."""
    if not allowed:
        raise ApiPermissionDenied


def found(obj: Any) -> Any:
    """The object, or 404 when there is none the caller may see."""
    if obj is None:
        raise NotFound
    return obj


def parse_query(serializer_class: type[serializers.Serializer], request: Request) -> Any:
    """The checked query parameters, or 400 naming each bad one."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def parse_body(serializer_class: type[serializers.Serializer], request: Request) -> Any:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class JsonApi(APIView):
    """An endpoint whose request body, if any, is JSON (and so documented)."""

    parser_classes = [JSONParser]
