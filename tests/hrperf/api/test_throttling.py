"""Request rates of the API: per token scope, per session user, and what happens when the
counters cannot be reached."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client, override_settings

from tests.helpers.api import error_in, new_token, with_token
from tests.helpers.urls import PAYROLL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.helpers.urls")]


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
