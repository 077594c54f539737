"""Token authentication, scopes and request rates of the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
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


@pytest.fixture
def low_rates() -> Callable[..., Any]:
    """`with low_rates(payroll="2/min"):` a fresh in-memory cache and these rates."""

    def make(**rates: str) -> Any:
        current: dict[str, Any] = settings.REST_FRAMEWORK
        framework = {
            **current,
            "DEFAULT_THROTTLE_RATES": {**current["DEFAULT_THROTTLE_RATES"], **rates},
        }
        return override_settings(
            REST_FRAMEWORK=framework,
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        )

    return make


# -- who the caller is -----------------------------------------------------------------------


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


# -- scopes ----------------------------------------------------------------------------------


def test_a_payroll_token_may_only_read_payroll() -> None:
    _token, raw = new_token("payroll")
    browser = with_token(raw)

    assert browser.get(PAYROLL).status_code == 200
    for response in (browser.get(ECHO), browser.post(ECHO, {}, content_type="application/json")):
        assert response.status_code == 403
        assert error_in(response)["code"] == "insufficient_scope"


def test_an_hr_token_may_read_payroll_too() -> None:
    _token, raw = new_token("hr")
    assert with_token(raw).get(PAYROLL).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 403),
        ("head", 403),
        ("employee", 403),
        ("outsider", 403),
        (None, 401),
    ],
)
def test_payroll_is_readable_in_a_session_by_hr_only(
    client_for: Callable[[str | None], Client], persona: str | None, status: int
) -> None:
    response = client_for(persona).get(PAYROLL)
    assert response.status_code == status
    if status == 403:
        assert error_in(response)["code"] == "not_allowed"


# -- request rates ---------------------------------------------------------------------------


def test_a_token_over_its_rate_gets_429_with_retry_after(low_rates: Any) -> None:
    _token, raw = new_token("payroll")
    _other, other_raw = new_token("payroll")
    with low_rates(payroll="2/min"):
        cache.clear()
        browser = with_token(raw)
        assert [browser.get(PAYROLL).status_code for _ in range(2)] == [200, 200]
        response = browser.get(PAYROLL)

        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 60
        assert error_in(response)["code"] == "throttled"
        # Each token counts on its own.
        assert with_token(other_raw).get(PAYROLL).status_code == 200


def test_each_scope_has_its_own_rate(low_rates: Any) -> None:
    _payroll, payroll_raw = new_token("payroll")
    _hr, hr_raw = new_token("hr")
    with low_rates(payroll="1/min", hr="3/min"):
        cache.clear()
        assert [with_token(payroll_raw).get(PAYROLL).status_code for _ in range(2)] == [200, 429]
        assert [with_token(hr_raw).get(PAYROLL).status_code for _ in range(4)] == [
            200,
            200,
            200,
            429,
        ]


def test_a_session_user_is_counted_per_user(
    low_rates: Any, client_for: Callable[[str | None], Client]
) -> None:
    with low_rates(hr="2/min"):
        cache.clear()
        hr = client_for("hr")
        assert [hr.get(PAYROLL).status_code for _ in range(3)] == [200, 200, 429]
        colleague = User.objects.create_user(username="hr2")
        colleague.groups.add(Group.objects.get(name="hr"))
        other = Client()
        other.force_login(colleague)
        assert other.get(PAYROLL).status_code == 200


def test_requests_go_through_when_the_rate_counters_cannot_be_reached() -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _token, raw = new_token("payroll")
    redis_down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    with override_settings(CACHES=redis_down):
        assert with_token(raw).get(PAYROLL).status_code == 200


def test_a_rate_the_settings_cannot_read_stops_the_start() -> None:
    import subprocess
    import sys

    code = "import django; from django.conf import settings; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "hrperf.settings",
            "SECRET_KEY": "x" * 50,
            "API_RATE_PAYROLL": "lots",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert "API_RATE_PAYROLL must be a rate such as 120/min" in result.stderr
