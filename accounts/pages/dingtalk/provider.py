"""DingTalk's provider of django-allauth, in place of allauth's own
(SOCIALACCOUNT_PROVIDERS["dingtalk"]["provider_class"]): its views use the product's adapter
(accounts/pages/dingtalk/views.py)."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.dingtalk import provider as dingtalk

from accounts.pages.dingtalk.views import DingTalkAdapter


class DingTalkProvider(dingtalk.DingTalkProvider):
    oauth2_adapter_class = DingTalkAdapter
    package = "accounts.pages.dingtalk"

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"username": data.get("nick"), "name": data.get("nick"), "email": data.get("email")}
