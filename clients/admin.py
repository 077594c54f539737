"""Admin views of API clients, tokens, webhooks and deliveries: for looking only. Tokens and
webhooks are made and revoked on HR's API client pages (or with `create_api_token`), which show
a new token or signing secret once; the admin never shows a secret or a hash."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from clients.models import ApiClient, ApiToken, Webhook, WebhookDelivery


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "description"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "client", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "client"]
    search_fields = ["prefix", "client__name"]
    exclude = ["key_hash"]


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdmin):
    list_display = ["url", "client", "active", "created_at", "disabled_at"]
    list_filter = ["active", "client"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "event",
        "event_id",
        "webhook",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event"]
    search_fields = ["event_id"]
    list_select_related = ["webhook"]
