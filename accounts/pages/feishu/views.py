"""Feishu's sign-in views: allauth's, with the product's adapter (its addresses start with the
provider's BASE_URL setting, SSO_FEISHU_BASE_URL: Feishu's own by default; a private
deployment's, or a test's stand-in server). The endpoints are Feishu's documented ones:
/open-apis/authen/v1/index (authorize), /open-apis/auth/v3/app_access_token/internal/ (the
app's token), /open-apis/authen/v1/access_token (the user's token), /open-apis/authen/v1/user_info.
"""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.feishu.views import FeishuOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import HttpRequest

from accounts.policies import FEISHU_BASE_URL


class FeishuAdapter(FeishuOAuth2Adapter):
    @property
    def base_url(self) -> str:
        return str(self.get_provider().get_settings().get("BASE_URL") or FEISHU_BASE_URL)

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/open-apis/authen/v1/index"

    @property
    def access_token_url(self) -> str:
        return f"{self.base_url}/open-apis/authen/v1/access_token"

    @property
    def user_info_url(self) -> str:
        return f"{self.base_url}/open-apis/authen/v1/user_info"

    def get_client(self, request: HttpRequest, app: Any) -> Any:
        client = super().get_client(request, app)
        client.app_access_token_url = (
            f"{self.base_url}/open-apis/auth/v3/app_access_token/internal/"
        )
        return client


oauth2_login = OAuth2LoginView.adapter_view(FeishuAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(FeishuAdapter)
