"""What every API view shares: the caller's roles, the two refusals (403 for a list or an
action the role does not give, 404 for an object the caller may not see, whether it exists or
not), reading a checked query or body, and the base of every endpoint (`Api`), which refuses a
query parameter the endpoint does not read instead of ignoring it."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, ClassVar

from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.request import Request
from rest_framework.views import APIView

from hrperf.api.exceptions import ApiError, field_error
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


# Read by the REST framework itself on every endpoint (the response's format).
ALWAYS_READ = frozenset({"format"})


def query_names(*sources: Any) -> frozenset[str]:
    """The names of the query parameters that serializers (their fields) and paginations
    (`cursor`, `page_size`) read."""
    names: set[str] = set()
    for source in sources:
        if isinstance(source, type) and issubclass(source, serializers.Serializer):
            names.update(source().fields)
        elif isinstance(source, str):
            names.add(source)
        else:
            names.update(source.names)
    return frozenset(names)


def refuse_unknown_query(params: Iterable[str], read: Collection[str]) -> None:
    """400 naming each query parameter the endpoint does not read (a filter misspelt or not
    offered would otherwise be ignored, and the whole list come back)."""
    unknown = sorted(set(params) - set(read) - ALWAYS_READ)
    if not unknown:
        return
    accepted = ", ".join(sorted(set(read))) or gettext("none")
    raise ApiError(
        status_code=400,
        code="invalid",
        message=gettext("Unknown query parameter: %(names)s.") % {"names": ", ".join(unknown)},
        fields=[
            field_error(
                name,
                gettext("This endpoint does not read “%(name)s”; it reads: %(accepted)s.")
                % {"name": name, "accepted": accepted},
                "unknown_parameter",
            )
            for name in unknown
        ],
    )


class Api(APIView):
    """The base of every endpoint: before anything else, a query parameter that the endpoint
    does not read is refused with 400 naming it. `query` lists, by method, the ones it reads
    (`query_names(FilterSerializer, PAGES)`); a method not listed reads none."""

    query: ClassVar[Mapping[str, Collection[str]]] = {}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        method = (request.method or "").lower()
        if method == "options" or method not in self.http_method_names or not hasattr(self, method):
            return  # OPTIONS reads no query; a method not offered is a 405
        read = self.query.get("get" if method == "head" else method, ())
        refuse_unknown_query(request.query_params, read)


class JsonApi(Api):
    """An endpoint whose request body, if any, is JSON (and so documented)."""

    parser_classes = [JSONParser]
