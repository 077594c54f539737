"""Settings read from the environment (hrperf.settings): the start is refused without a secret
key when debug is off, or with a value it cannot read (DEBUG, an API rate)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _settings_run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)"
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "hrperf.settings"}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = _settings_run({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_set() -> None:
    result = _settings_run({"SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_it_rejects_a_debug_value_it_cannot_read(value: str) -> None:
    result = _settings_run({"DEBUG": value, "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


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


@pytest.mark.parametrize(
    ("owner_url", "message"),
    [
        ("postgres://owner@127.0.0.1:5432/elsewhere", "same PostgreSQL database"),
        ("postgres://owner@10.0.0.1:5432/hrperf", "same PostgreSQL database"),
        ("postgres://app@127.0.0.1:5432/hrperf", "name the same role"),
    ],
)
def test_the_owners_url_must_name_the_same_database_and_another_role(
    owner_url: str, message: str
) -> None:
    result = _settings_run(
        {
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://app@127.0.0.1:5432/hrperf",
            "DATABASE_OWNER_URL": owner_url,
        }
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_the_owners_url_needs_postgresql() -> None:
    result = _settings_run(
        {"SECRET_KEY": "x" * 50, "DATABASE_OWNER_URL": "postgres://owner@127.0.0.1:5432/hrperf"}
    )
    assert result.returncode != 0
    assert "same PostgreSQL database" in result.stderr


def test_the_owners_url_is_optional() -> None:
    result = _settings_run(
        {
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://app@127.0.0.1:5432/hrperf",
            "DATABASE_OWNER_URL": "postgres://owner:secret@127.0.0.1:5432/hrperf",
        }
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("LOGIN_FAILURE_LIMIT", "0", "LOGIN_FAILURE_LIMIT must be at least 1"),
        ("LOGIN_LOCKOUT_MINUTES", "half an hour", "LOGIN_LOCKOUT_MINUTES must be a whole number"),
        ("API_RATE_AUTH_FAILURES", "lots", "API_RATE_AUTH_FAILURES must be a rate"),
    ],
)
def test_a_sign_in_limit_the_settings_cannot_use_stops_the_start(
    name: str, value: str, problem: str
) -> None:
    result = _settings_run({"SECRET_KEY": "x" * 50, name: value})

    assert result.returncode != 0
    assert problem in result.stderr


def test_the_sign_in_limits_come_from_the_environment() -> None:
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.AXES_FAILURE_LIMIT, settings.LOGIN_IP_FAILURE_LIMIT, "
        "int(settings.AXES_COOLOFF_TIME.total_seconds()), settings.API_RATE_AUTH_FAILURES)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "hrperf.settings",
        "SECRET_KEY": "x" * 50,
        "LOGIN_FAILURE_LIMIT": "7",
        "LOGIN_IP_FAILURE_LIMIT": "40",
        "LOGIN_LOCKOUT_MINUTES": "15",
        "API_RATE_AUTH_FAILURES": "10/min",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["7", "40", "900", "10/min"]


def _setting(name: str, env: dict[str, str]) -> str:
    code = (
        "import django; from django.conf import settings; django.setup(); "
        f"print(repr(getattr(settings, {name!r}, None)))"
    )
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "hrperf.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_lasts_a_year_behind_tls_unless_set() -> None:
    assert _setting("SECURE_HSTS_SECONDS", {"SECURE_SSL": "1"}) == "31536000"
    assert _setting("SECURE_HSTS_INCLUDE_SUBDOMAINS", {"SECURE_SSL": "1"}) == "False"
    assert _setting("SECURE_HSTS_SECONDS", {"SECURE_SSL": "1", "SECURE_HSTS_SECONDS": "60"}) == "60"
    on = {"SECURE_SSL": "1", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1"}
    assert _setting("SECURE_HSTS_INCLUDE_SUBDOMAINS", on) == "True"


def test_a_login_lasts_a_working_day_unless_set() -> None:
    assert _setting("SESSION_COOKIE_AGE", {}) == str(8 * 3600)
    assert _setting("SESSION_COOKIE_AGE", {"SESSION_HOURS": "2"}) == str(2 * 3600)


def test_the_content_security_policy_allows_no_inline_script() -> None:
    policy = _setting("CONTENT_SECURITY_POLICY", {})
    assert "script-src 'self';" in policy
    assert "unsafe" not in policy
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in policy
