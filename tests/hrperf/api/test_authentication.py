"""Token authentication of the API: who the caller is, and what is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients import services
from clients.models import ApiToken
from tests.helpers.api import error_in, new_token, with_token
from tests.helpers.urls import ECHO, PAYROLL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.helpers.urls")]


def assert_not_authenticated(response: Any) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert error_in(response)["code"] == "not_authenticated"


def test_a_token_authenticates_as_its_clients_service_user() -> None:
    token, raw = new_token("hr")
    response = with_token(raw).get(ECHO)
    assert response.status_code == 200
    assert response.json() == {"user": f"api:{token.client.name}", "scope": "hr"}


def test_a_token_needs_no_csrf_token_to_write() -> None:
    _token, raw = new_token("hr")
    browser = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {raw}")
    response = browser.post(ECHO, {"name": "x"}, content_type="application/json")
    assert response.status_code == 200


def test_a_session_must_send_its_csrf_token_to_write(personas) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas["hr"])
    response = browser.post(ECHO, {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert error_in(response)["code"] == "not_allowed"


@pytest.mark.parametrize(
    "header",
    [
        "Token hrp_abcdefgh_" + "x" * 43,  # well formed, unknown
        "Token",
        "Token  ",
        "Token one two",
        "Token not-a-token",
        "Token hrp_ABCDEFGH_" + "x" * 43,
        "token hrp_abcdefgh_" + "x" * 43,
        "Token hrp_abcdéfgh_" + "x" * 43,
    ],
)
def test_an_unknown_or_malformed_token_is_refused(header: str) -> None:
    new_token("payroll")
    assert_not_authenticated(Client(HTTP_AUTHORIZATION=header).get(ECHO))


def test_a_request_without_credentials_is_refused() -> None:
    assert_not_authenticated(Client().get(ECHO))
    # Another scheme is not ours: it falls through to the session, here none.
    assert_not_authenticated(Client(HTTP_AUTHORIZATION="Bearer abc").get(ECHO))


def test_a_revoked_token_is_refused() -> None:
    token, raw = new_token("hr")
    assert with_token(raw).get(ECHO).status_code == 200
    services.token_revoke(actor=None, token=token)
    assert_not_authenticated(with_token(raw).get(ECHO))


def test_a_copy_of_the_database_does_not_yield_a_working_token() -> None:
    token, raw = new_token("hr")
    row = ApiToken.objects.values("prefix", "key_hash").get(pk=token.pk)
    for guess in (row["key_hash"], f"hrp_{row['prefix']}_{row['key_hash']}"):
        assert_not_authenticated(with_token(guess).get(ECHO))
    assert with_token(raw).get(ECHO).status_code == 200


def test_the_secret_is_compared_not_just_the_prefix() -> None:
    _token, raw = new_token("hr")
    tampered = raw[:-4] + ("aaaa" if not raw.endswith("aaaa") else "bbbb")
    assert_not_authenticated(with_token(tampered).get(ECHO))


def test_last_used_is_recorded_at_most_once_a_minute() -> None:
    token, raw = new_token("payroll")
    browser = with_token(raw)

    browser.get(PAYROLL)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=5)

    with CaptureQueriesContext(connection) as queries:
        browser.get(PAYROLL)
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    browser.get(PAYROLL)
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first
