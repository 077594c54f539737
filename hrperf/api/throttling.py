"""Request rates: per token (the rate of its scope, API_RATE_PAYROLL or API_RATE_HR), per user
for browser sessions and personal tokens and per address for anonymous callers (all at the HR
rate). Failed authentications (a wrong, revoked or expired token; no session, or a lapsed one)
are counted per client address, at API_RATE_AUTH_FAILURES: beyond it they answer 429
(`auth_failure_wait`, asked by the exception handler), while valid tokens from the same address
keep their own rates. The counters live in the cache (Redis when REDIS_URL is set); if the
cache is down, requests are let through rather than refused."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from clients.models import ApiToken, Scope
from hrperf.lib.addresses import client_address

logger = logging.getLogger(__name__)


class TokenRateThrottle(SimpleRateThrottle):
    scope = Scope.HR.value
    cache_format = "throttle_%(scope)s_%(ident)s"

    def __init__(self) -> None:
        # The rate depends on the caller: it is read in allow_request, from the current settings.
        self.ident = ""

    def get_rate(self) -> str | None:
        rates: Any = api_settings.DEFAULT_THROTTLE_RATES
        rate = rates.get(self.scope)
        return None if rate is None else str(rate)

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.auth
        user = request.user
        if isinstance(token, ApiToken):
            self.scope = token.scope
            self.ident = f"token-{token.prefix}"
        elif user is not None and user.is_authenticated:
            self.scope = Scope.HR.value
            # The join date tells apart a user recreated under a reused id.
            joined = getattr(user, "date_joined", None)
            stamp = int(joined.timestamp() * 1_000_000) if joined else 0
            self.ident = f"user-{user.pk}-{stamp}"
        else:
            self.scope = Scope.HR.value
            self.ident = f"addr-{self.get_ident(request)}"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except RedisError:
            logger.warning("Request rates cannot be counted: the cache is not available")
            return True

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def auth_failure_wait(request: Request) -> int | None:
    """Count one failed authentication of the request's address; the seconds it must wait if
    that makes it one too many in the current window of API_RATE_AUTH_FAILURES, else None.

    The address is the client's as `hrperf.lib.addresses.client_address` tells it: the
    connection's, or what the trusted proxies saw; never a header the caller could make up."""
    limit, duration = TokenRateThrottle().parse_rate(settings.API_RATE_AUTH_FAILURES)
    if limit is None or duration is None:
        return None
    now = time.time()
    window = int(now // duration)
    address = client_address(request)
    key = f"throttle_auth_failures_{address}_{window}"
    try:
        cache.add(key, 0, timeout=duration + 1)
        failures = cache.incr(key)
    except (RedisError, ValueError):
        logger.warning("Failed authentications cannot be counted: the cache is not available")
        return None
    if failures <= limit:
        return None
    return max(1, int((window + 1) * duration - now + 0.999))
