"""DingTalk's sign-in views: allauth's, with the product's adapter, whose addresses start with
the provider's LOGIN_URL and API_URL settings (SSO_DINGTALK_LOGIN_URL, SSO_DINGTALK_API_URL:
DingTalk's own by default; a private deployment's, or a test's stand-in server). The endpoints
are DingTalk's documented ones: /oauth2/auth (authorize, on the login address),
/v1.0/oauth2/userAccessToken (the user's token) and /v1.0/contact/users/me (the person).
"""

from __future__ import annotations

from allauth.socialaccount.providers.dingtalk.views import DingTalkOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView

from accounts.policies import DINGTALK_API_URL, DINGTALK_LOGIN_URL


class DingTalkAdapter(DingTalkOAuth2Adapter):
    def _setting(self, name: str, default: str) -> str:
        return str(self.get_provider().get_settings().get(name) or default)

    @property
    def authorize_url(self) -> str:
        return f"{self._setting('LOGIN_URL', DINGTALK_LOGIN_URL)}/oauth2/auth"

    @property
    def access_token_url(self) -> str:
        return f"{self._setting('API_URL', DINGTALK_API_URL)}/v1.0/oauth2/userAccessToken"

    @property
    def profile_url(self) -> str:
        return f"{self._setting('API_URL', DINGTALK_API_URL)}/v1.0/contact/users/me"


oauth2_login = OAuth2LoginView.adapter_view(DingTalkAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(DingTalkAdapter)
