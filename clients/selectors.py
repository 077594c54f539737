"""Reads of API clients, tokens, webhooks and deliveries."""

from __future__ import annotations

import hmac
from typing import Any, TypeVar

from django.db.models import Prefetch, QuerySet

from clients import tokens
from clients.models import ApiClient, ApiToken, PersonalToken, Webhook, WebhookDelivery
from hrperf.lib.roles import roles_of


def client_list() -> QuerySet[ApiClient]:
    """Every client with its service user, tokens (newest first) and webhooks, in 3 queries."""
    return ApiClient.objects.select_related("user", "created_by").prefetch_related(
        Prefetch(
            "tokens",
            queryset=ApiToken.objects.select_related("created_by", "revoked_by").order_by(
                "-created_at", "-id"
            ),
        ),
        Prefetch("webhooks", queryset=Webhook.objects.order_by("-created_at", "-id")),
    )


def client_get(*, pk: int) -> ApiClient | None:
    return ApiClient.objects.filter(pk=pk).select_related("user").first()


def token_get(*, pk: int) -> ApiToken | None:
    return ApiToken.objects.filter(pk=pk).select_related("client").first()


def webhook_get(*, pk: int) -> Webhook | None:
    return Webhook.objects.filter(pk=pk).select_related("client").first()


def webhook_deliveries(*, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """A webhook's delivery log, newest first."""
    return WebhookDelivery.objects.filter(webhook=webhook).order_by("-created_at", "-id")


Token = TypeVar("Token", ApiToken, PersonalToken)


def _matching(candidates: QuerySet[Token], raw: str, keyword: str) -> Token | None:
    """The token of `candidates` whose prefix and secret are those of `raw`, live or not. The
    secret is compared in constant time, against its stored hash only."""
    parsed = tokens.parse(raw, keyword)
    if parsed is None:
        return None
    prefix, secret = parsed
    token = candidates.filter(prefix=prefix).first()
    offered = tokens.hash_secret(secret)
    if token is None or not hmac.compare_digest(offered, token.key_hash):
        return None
    return token


def token_for_raw(raw: str) -> ApiToken | None:
    """The live token whose raw form is `raw`, or None: malformed, unknown, wrong secret,
    revoked, or its client or service user is inactive. The secret is compared in constant
    time, against its stored hash only."""
    token = _matching(ApiToken.objects.select_related("client__user"), raw, tokens.KEYWORD)
    if token is None:
        return None
    if token.revoked_at is not None or not token.client.active or not token.client.user.is_active:
        return None
    return token


def personal_tokens_of(user: Any) -> QuerySet[PersonalToken]:
    """A person's own tokens, newest first (revoked and expired ones too)."""
    return PersonalToken.objects.filter(user=user).order_by("-created_at", "-id")


def personal_token_get(*, user: Any, pk: int) -> PersonalToken | None:
    """One of `user`'s own tokens, or None (someone else's is none of theirs)."""
    return PersonalToken.objects.filter(user=user, pk=pk).first()


def personal_token_for_raw(raw: str) -> PersonalToken | None:
    """The live personal token whose raw form is `raw`, or None: malformed, unknown, wrong
    secret, revoked, expired, its person inactive or no longer HR or the director."""
    token = _matching(PersonalToken.objects.select_related("user"), raw, tokens.PERSONAL_KEYWORD)
    if token is None:
        return None
    if not token.is_active or not token.user.is_active:
        return None
    if not roles_of(token.user).holds_personal_tokens:
        return None
    return token
