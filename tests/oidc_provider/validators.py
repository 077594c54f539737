"""The claims of the test provider's people (OIDC_PROVIDER_PEOPLE, a JSON object of username ->
{password, email, employee_no, groups}), and redirect URIs of the product's callback on any of
the test hosts (the test client's and the live server's, whose ports change)."""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import urlsplit

from oauth2_provider.oauth2_validators import OAuth2Validator

CALLBACK_PATH = "/sso/oidc/login/callback/"
TEST_HOSTS = {"testserver", "localhost", "127.0.0.1"}


def people() -> dict[str, dict[str, Any]]:
    return dict(json.loads(os.environ["OIDC_PROVIDER_PEOPLE"]))


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim, whatever the scopes

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        person = people().get(request.user.username, {})
        return {
            "preferred_username": request.user.username,
            "name": request.user.username,
            "email": person.get("email", ""),
            "email_verified": True,
            "employee_no": person.get("employee_no", ""),
            "groups": person.get("groups", []),
        }

    def validate_redirect_uri(self, client_id: str, redirect_uri: str, request: Any) -> bool:
        parts = urlsplit(redirect_uri)
        return (
            parts.scheme == "http" and parts.hostname in TEST_HOSTS and parts.path == CALLBACK_PATH
        )
