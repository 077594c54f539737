"""Feishu's provider of django-allauth, in place of allauth's own
(SOCIALACCOUNT_PROVIDERS["feishu"]["provider_class"]): its views use the product's adapter
(accounts/pages/feishu/views.py)."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.feishu import provider as feishu

from accounts.pages.feishu.views import FeishuAdapter


class FeishuProvider(feishu.FeishuProvider):
    oauth2_adapter_class = FeishuAdapter
    package = "accounts.pages.feishu"

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        email = data.get("enterprise_email") or data.get("email")
        return {"username": data.get("name"), "name": data.get("name"), "email": email}
