"""The site's URLs plus a few test-only API views that exercise the API's shared machinery
(authentication, permissions, throttling, parsers, errors). Use with
`@pytest.mark.urls("tests.helpers.urls")`; `ECHO` and `PAYROLL` are the addresses of two of them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hrperf import urls as site
from hrperf.lib.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from payroll.permissions import PayrollReader

ECHO = "/api/test/echo/"
PAYROLL = "/api/test/payroll/"


class LineSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    actual = serializers.DecimalField(max_digits=6, decimal_places=2)


class EchoSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=10)
    lines = LineSerializer(many=True, required=False)


class Echo(APIView):
    """Default permissions: any authenticated caller but a payroll token."""

    def get(self, request: Request) -> Response:
        return Response(
            {
                "user": request.user.get_username(),
                "scope": getattr(request.auth, "scope", None),
            }
        )

    def post(self, request: Request) -> Response:
        serializer = EchoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"name": serializer.validated_data["name"]})


class Upload(APIView):
    def post(self, request: Request) -> Response:
        return Response({"fields": sorted(request.data.keys())})


class Payroll(APIView):
    permission_classes = [PayrollReader]

    def get(self, request: Request) -> Response:
        return Response({"user": request.user.get_username()})


class Fail(APIView):
    def get(self, request: Request, kind: str) -> Response:
        if kind == "validation":
            raise ValidationFailed(
                [
                    FieldError("employee_no", "Unknown employee number.", "unknown", row=3),
                    FieldError("actual", "Not a number.", "invalid", row=4),
                ]
            )
        if kind == "not-allowed":
            raise NotAllowed("Only the marketing director may do this.")
        if kind == "stale":
            raise Conflict("The review changed meanwhile.", code="stale")
        if kind == "http404":
            raise Http404("No Review matches the given query.")
        if kind == "permission-denied":
            raise PermissionDenied("Only HR can change the roster.")
        raise RuntimeError(kind)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def plain(request: HttpRequest) -> JsonResponse:
    """A plain Django view under /api/ that reads the form body."""
    if request.GET.get("deny"):
        raise PermissionDenied
    if request.GET.get("boom"):
        raise RuntimeError("boom")
    return JsonResponse({"fields": sorted(request.POST.keys())})


def crash(request: HttpRequest) -> JsonResponse:
    """A page that fails."""
    raise RuntimeError("crash")


urlpatterns: list[URLPattern | URLResolver] = [
    path("test/crash/", crash),
    path("api/test/echo/", Echo.as_view()),
    path("api/test/upload/", Upload.as_view()),
    path("api/test/payroll/", Payroll.as_view()),
    path("api/test/fail/<str:kind>/", Fail.as_view()),
    path("api/test/plain/", plain),
    *site.urlpatterns,
]

handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500
