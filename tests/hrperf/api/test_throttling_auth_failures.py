"""Failed authentications are counted per address: beyond API_RATE_AUTH_FAILURES they answer
429 in the API's error shape with Retry-After, while valid tokens keep their own rates."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from clients import services
from tests.helpers.api import error_of, new_token, with_token
from tests.helpers.urls import PAYROLL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.helpers.urls")]

LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
BAD_TOKEN = "Token hrp_abcdefgh_" + "x" * 40


@pytest.fixture(autouse=True)
def fresh_counters() -> None:
    cache.clear()


@override_settings(API_RATE_AUTH_FAILURES="5/min", CACHES=LOCAL_CACHE)
def test_a_flood_of_invalid_tokens_gets_429_with_retry_after() -> None:
    cache.clear()
    caller = APIClient(HTTP_AUTHORIZATION=BAD_TOKEN, HTTP_ACCEPT_LANGUAGE="en")
    statuses = [caller.get(PAYROLL).status_code for _ in range(5)]

    response = caller.get(PAYROLL)

    assert statuses == [401] * 5
    error = error_of(response, 429, "throttled")
    assert "failed authentications" in error["message"]
    assert 0 < int(response["Retry-After"]) <= 60


@override_settings(API_RATE_AUTH_FAILURES="5/min", CACHES=LOCAL_CACHE)
def test_anonymous_calls_are_counted_too() -> None:
    cache.clear()
    caller = APIClient()
    for _ in range(5):
        caller.get(PAYROLL)

    error_of(caller.get(PAYROLL), 429, "throttled")


@override_settings(API_RATE_AUTH_FAILURES="3/min", CACHES=LOCAL_CACHE)
def test_a_revoked_token_counts_as_a_failure() -> None:
    cache.clear()
    token, raw = new_token("payroll")
    services.token_revoke(actor=None, token=token)
    caller = with_token(raw)
    assert [caller.get(PAYROLL).status_code for _ in range(4)] == [401, 401, 401, 429]


@override_settings(API_RATE_AUTH_FAILURES="3/min", CACHES=LOCAL_CACHE)
def test_a_valid_token_from_the_same_address_keeps_working() -> None:
    cache.clear()
    _token, raw = new_token("payroll")
    attacker = APIClient(HTTP_AUTHORIZATION=BAD_TOKEN)
    for _ in range(5):
        attacker.get(PAYROLL)

    assert with_token(raw).get(PAYROLL).status_code == 200


@override_settings(API_RATE_AUTH_FAILURES="3/min", CACHES=LOCAL_CACHE)
def test_other_addresses_are_not_held_back() -> None:
    cache.clear()
    attacker = APIClient(HTTP_AUTHORIZATION=BAD_TOKEN, REMOTE_ADDR="10.0.0.66")
    for _ in range(5):
        attacker.get(PAYROLL)

    error_of(APIClient(HTTP_AUTHORIZATION=BAD_TOKEN, REMOTE_ADDR="10.0.0.7").get(PAYROLL), 401)


@override_settings(API_RATE_AUTH_FAILURES="3/min", CACHES=LOCAL_CACHE)
def test_a_forged_forwarded_address_does_not_escape_the_count() -> None:
    cache.clear()
    for number in range(3):
        APIClient(HTTP_AUTHORIZATION=BAD_TOKEN, HTTP_X_FORWARDED_FOR=f"10.1.1.{number}").get(
            PAYROLL
        )

    response = APIClient(HTTP_AUTHORIZATION=BAD_TOKEN, HTTP_X_FORWARDED_FOR="10.1.1.99").get(
        PAYROLL
    )
    error_of(response, 429, "throttled")
