"""Where a request comes from: the address that sign-in lockouts and the API's limit on failed
authentications count by.

Without a reverse proxy it is the connection's (REMOTE_ADDR). Behind `TRUSTED_PROXIES` proxies
that each append the address they saw to X-Forwarded-For, it is the entry that many places from
the right: the one the outermost trusted proxy saw. Entries further left are whatever the caller
wrote, and are never read."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any, Protocol

from django.conf import settings


class HasMeta(Protocol):
    """A Django request, or the API's request around one."""

    @property
    def META(self) -> Mapping[str, Any]: ...


def client_address(request: HasMeta) -> str:
    """The address of the client that sent the request, as far as the trusted proxies tell."""
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = settings.TRUSTED_PROXIES
    if proxies < 1:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not through the expected proxies: the connection's own address
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
