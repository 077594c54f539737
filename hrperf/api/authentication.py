"""`Authorization: Token hrp_<prefix>_<secret>`: the caller is the client's service user
(`request.user`) holding the token (`request.auth`, an `ApiToken` with its `.scope`).
`Authorization: Token hrpu_<prefix>_<secret>`: a person's own token (`request.auth`, a
`PersonalToken`); the caller is that person, HR or the director, and every role and object
check applies as on their pages.

A header that says `Token` but carries no valid live token is refused with 401 (never treated
as anonymous); other schemes are left to the next authentication class (the session).
The OpenAPI schema documents it as the `Token` scheme (hrperf.api.schema.TokenScheme, loaded
with the schema class).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from clients import selectors, services, tokens
from clients.models import ApiToken, PersonalToken


class TokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken | PersonalToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode("ascii"):
            return None
        if len(parts) == 1:
            raise AuthenticationFailed(_("Invalid token header. No credentials provided."))
        if len(parts) > 2:
            raise AuthenticationFailed(
                _("Invalid token header. Token string should not contain spaces.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(
                _("Invalid token header. Token string should not contain invalid characters.")
            ) from None
        if tokens.is_personal(raw):
            personal = selectors.personal_token_for_raw(raw)
            if personal is None:
                raise AuthenticationFailed(_("Invalid token."))
            services.token_touch(token=personal)
            return personal.user, personal
        token = selectors.token_for_raw(raw)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        services.token_touch(token=token)
        return token.client.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
