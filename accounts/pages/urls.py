"""The addresses of single sign-on under /sso/: each provider's login and callback
(django-allauth's, e.g. /sso/oidc/login/callback/ for OpenID Connect, /sso/feishu/login/callback/,
/sso/dingtalk/login/callback/: the redirect URIs to register with the provider), and the names
allauth sends a browser to, answered by the product's login page."""

from allauth.urls import build_provider_urlpatterns
from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from accounts.pages.signin import guard_all, sign_in_problem

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", RedirectView.as_view(pattern_name="login"), name="account_login"),
    path("logout/", RedirectView.as_view(pattern_name="login"), name="account_logout"),
    path("inactive/", sign_in_problem, {"problem": "inactive"}, name="account_inactive"),
    path(
        "login/cancelled/",
        sign_in_problem,
        {"problem": "cancelled"},
        name="socialaccount_login_cancelled",
    ),
    path("login/error/", sign_in_problem, {"problem": "error"}, name="socialaccount_login_error"),
    path("signup/", sign_in_problem, {"problem": "closed"}, name="socialaccount_signup"),
    # Each provider's views: 404 while its method is off, the login page while it is down.
    *guard_all(build_provider_urlpatterns()),
]
