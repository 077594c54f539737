"""Systems that call the REST API (payroll, …): their tokens and the webhooks that tell them
about approved and reopened reviews.

A client acts through a service user of its own (username ``api:<name>``) so that the domain's
role checks treat it like any other caller. A token is stored as the SHA-256 of its secret,
looked up by its prefix: the raw token is shown once, when it is made, and never again.
A webhook's secret, by contrast, is kept: every delivery is signed with it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CLIENT_NAME_VALIDATOR = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*$",
    _("Use lower-case letters, digits, hyphens and underscores, starting with a letter or digit."),
)
TOKEN_PREFIX_LENGTH = 8
CLIENT_NAME_MAX_LENGTH = 64
PERSONAL_TOKEN_NAME_MAX_LENGTH = 100


class Scope(models.TextChoices):
    PAYROLL = "payroll", _("Payroll (reads approved scores only)")
    HR = "hr", _("HR (everything HR may do)")


class WebhookEvent(models.TextChoices):
    REVIEW_APPROVED = "review.approved", _("A review was approved")
    REVIEW_REOPENED = "review.reopened", _("An approved review was reopened")


class ApiClient(models.Model):
    name = models.CharField(
        _("name"),
        max_length=CLIENT_NAME_MAX_LENGTH,
        unique=True,
        validators=[CLIENT_NAME_VALIDATOR],
    )
    description = models.TextField(_("description"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("service user"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("client")
    )
    prefix = models.CharField(_("prefix"), max_length=TOKEN_PREFIX_LENGTH, unique=True)
    # SHA-256 (hex) of the token's secret part; the raw token is never stored.
    key_hash = models.CharField(_("key hash"), max_length=64)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Updated at most once a minute, so a busy client does not write on every request.
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ["client", "-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.client_id}:{self.prefix}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PersonalToken(models.Model):
    """A person's own API token (HR or the director): whoever holds it acts as that person, so
    every role and object check of the API applies to it as to their pages. Stored like a
    client's token (the SHA-256 of its secret, found by its prefix), with a name to tell it
    apart, an optional expiry, and its last use."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personal_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=PERSONAL_TOKEN_NAME_MAX_LENGTH)
    prefix = models.CharField(_("prefix"), max_length=TOKEN_PREFIX_LENGTH, unique=True)
    # SHA-256 (hex) of the token's secret part; the raw token is never stored.
    key_hash = models.CharField(_("key hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Updated at most once a minute, like a client's token.
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["user", "-created_at", "-id"]
        verbose_name = _("personal API token")
        verbose_name_plural = _("personal API tokens")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.prefix}"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired()


class Webhook(models.Model):
    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("client")
    )
    url = models.URLField(_("URL"), max_length=500)
    # Kept (not hashed): every delivery is signed with it. Shown once, when the webhook is made.
    secret = models.CharField(_("signing secret"), max_length=100)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)

    class Meta:
        ordering = ["client", "-created_at", "-id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.url}"

    def event_labels(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookDelivery(models.Model):
    """One event for one webhook: written in the domain's transaction (an outbox), sent by the
    worker after the commit, retried with backoff until it is delivered or gives up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField(_("event ID"), default=uuid.uuid4)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # A worker sending it holds it until then; another worker may take it over only afterwards.
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event_id"], name="webhook_delivery_unique_event"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_log"),
        ]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} {self.event_id} → {self.webhook_id}"
