"""The client's address that lockouts and failed-authentication limits count by
(hrperf/lib/addresses.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory, override_settings

from hrperf.lib.addresses import client_address


def request_from(remote: str, forwarded: str | None = None) -> Any:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_proxies_the_connection_is_the_client():
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # The caller wrote the first entries; the trusted proxies appended the last ones.
        (1, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (2, "1.2.3.4, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (1, "198.51.100.7", "198.51.100.7"),
        # Not through as many proxies as trusted, or nonsense: the connection's own address.
        (2, "198.51.100.7", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "1.2.3.4, not-an-address", "10.0.0.1"),
    ],
)
def test_behind_trusted_proxies_the_entry_they_appended_is_the_client(
    proxies: int, forwarded: str, expected: str
):
    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_address(request_from("10.0.0.1", forwarded)) == expected


def test_sign_in_lockouts_count_by_the_same_address(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "hrperf.lib.addresses.client_address"
