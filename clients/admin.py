"""Admin views of API clients, tokens, personal tokens, webhooks and deliveries: for looking
only, but for revoking personal tokens. Tokens and
webhooks are made and revoked on HR's API client pages (or with `create_api_token`), which show
a new token or signing secret once; the admin never shows a secret or a hash."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clients import services
from clients.models import ApiClient, ApiToken, PersonalToken, Webhook, WebhookDelivery


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


@admin.register(PersonalToken)
class PersonalTokenAdmin(ReadOnlyAdmin):
    list_display = [
        "prefix",
        "name",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[PersonalToken]) -> None:
        for token in queryset:
            services.personal_token_revoke(actor=request.user, token=token)
        self.message_user(request, _("The selected tokens are revoked."))


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
