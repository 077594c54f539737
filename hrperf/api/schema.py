"""OpenAPI helpers: the `Error` component and `error_responses(...)` to reference it, the
`Token` security scheme, and an AutoSchema that documents the errors every endpoint can return.

In a view::

    @extend_schema(responses={200: ReviewSerializer, **error_responses(400, 404, 409)})

The AutoSchema adds, where a view does not document them itself, the errors that come from the
API's own machinery: 401, 403, 406 and 429 on every operation, 400 on every endpoint built on
`hrperf.api.views.Api` (an unknown query parameter), and 400, 413 and 415 on those that take a
request body.
"""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from hrperf.api.views import Api

ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Invalid input: `fields` lists each problem with its field (and row, for files); a "
    "query parameter the endpoint does not read is refused too (`unknown_parameter`).",
    401: "Not authenticated: no token, or an unknown, revoked, expired or malformed one.",
    403: "Not allowed: the token's scope (`insufficient_scope`) or the caller's role "
    "(`not_allowed`) does not permit this.",
    404: "Not found (`not_found`; a quarter never opened: `quarter_not_found`, naming it).",
    405: "Method not allowed.",
    406: "Not acceptable: the Accept header asks for a format this endpoint does not give.",
    409: "Conflict: the object changed meanwhile (`stale`), is frozen (`frozen`), or is in a "
    "state that forbids this (`bad_transition`, `conflict`).",
    413: "Request body too large.",
    415: "Unsupported media type.",
    429: "Too many requests, or too many failed authentications from the caller's address: "
    "wait the number of seconds in Retry-After.",
}
ALWAYS = (401, 403, 406, 429)
WITH_BODY = (400, 413, 415)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ErrorFieldSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="The field (or column) at fault.")
    row = serializers.IntegerField(
        allow_null=True, help_text="The row of an uploaded file, counting the header as row 1."
    )
    code = serializers.CharField(help_text="A stable code for the problem, such as `required`.")
    message = serializers.CharField(help_text="The problem, in the caller's language.")


class ErrorBodySerializer(serializers.Serializer[Any]):
    code = serializers.CharField(
        help_text="Stable: invalid, not_authenticated, insufficient_scope, not_allowed, "
        "not_found, quarter_not_found, method_not_allowed, not_acceptable, conflict, stale, "
        "frozen, bad_transition, too_large, unsupported_media_type, throttled."
    )
    message = serializers.CharField(help_text="In the language of Accept-Language.")
    fields = ErrorFieldSerializer(many=True)  # type: ignore[assignment]


class ErrorSerializer(serializers.Serializer[Any]):
    """Every error of the API."""

    error = ErrorBodySerializer()


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """`{status: Error response}` for `extend_schema(responses={...})`."""
    return {
        code: OpenApiResponse(
            response=ErrorSerializer, description=ERROR_DESCRIPTIONS.get(code, "")
        )
        for code in codes
    }


RETRY_AFTER_HEADER = {
    "schema": {"type": "integer"},
    "description": "Seconds to wait before the next request.",
}
WWW_AUTHENTICATE_HEADER = {
    "schema": {"type": "string", "example": "Token"},
    "description": "The authentication scheme to use: Token.",
}


class AutoSchema(SpectacularAutoSchema):
    def get_description(self) -> str:  # type: ignore[override]
        """The operation's own description (`extend_schema(description=…)`) only: never the
        docstring of the view's class or of a base class, which says how the code is built,
        not what the operation does (tests/hrperf/api/test_schema_docs.py asks every operation
        for one)."""
        return ""

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ALWAYS + (WITH_BODY if self.method in BODY_METHODS else ())
        if isinstance(self.view, Api):
            codes += (400,)
        for code, response in error_responses(*codes).items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(response, str(code))
        if "429" in responses:
            responses["429"].setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER_HEADER)
        if "401" in responses:
            responses["401"].setdefault("headers", {}).setdefault(
                "WWW-Authenticate", WWW_AUTHENTICATE_HEADER
            )
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "hrperf.api.authentication.TokenAuthentication"
    name = "Token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token hrp_<prefix>_<secret>`, a client's token made by HR on the "
            "API clients page or with `manage.py create_api_token`; or `Token "
            "hrpu_<prefix>_<secret>`, a personal token that HR or the director makes on the My "
            "API tokens page, with which they act as themselves (a director's may approve, an "
            "HR one may not). A wrong, revoked or expired token answers 401; too many failed "
            "authentications from one address answer 429 with `Retry-After`.",
        }
