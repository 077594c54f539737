"""The login page (/login/): the username-and-password form (local passwords, and LDAP's when it
is on), and a button per single sign-on method that is on. With LOCAL_LOGIN_ENABLED=0 and no
LDAP the form is gone and a POST to it is refused (403). Where django-allauth would end a
sign-in on a page of its own (cancelled, failed, not allowed), or its provider does not answer,
the login page answers with a message; a method that is off has no sign-in address (404).
Every sign-in button POSTs (with the CSRF token) to the provider's login address; the `next`
address is kept only when it is one of this site's (no open redirect).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.policies import DINGTALK, FEISHU, OIDC, SsoConfig
from hrperf.errors import ErrorPage
from hrperf.headers import header_name, with_sources

logger = logging.getLogger("accounts")


@dataclass(frozen=True)
class Method:
    key: str
    label: str
    url: str


def sso_methods(config: SsoConfig) -> list[Method]:
    """The buttons of the login page, one per single sign-on method that is on."""
    found = []
    if config.oidc:
        url = reverse("openid_connect_login", kwargs={"provider_id": OIDC})
        found.append(
            Method(OIDC, gettext("Sign in with %(name)s") % {"name": config.oidc["name"]}, url)
        )
    if config.feishu:
        found.append(Method(FEISHU, gettext("Sign in with Feishu"), reverse("feishu_login")))
    if config.dingtalk:
        found.append(Method(DINGTALK, gettext("Sign in with DingTalk"), reverse("dingtalk_login")))
    return found


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST" and not settings.SSO.password_form:
            # The login page itself, with the reason (an ErrorPage: the product's own answer).
            page = render_to_string(
                "registration/login.html", self._methods_context(request), request=request
            )
            return ErrorPage(page, status=403)
        return super().dispatch(request, *args, **kwargs)

    def _methods_context(self, request: HttpRequest) -> dict[str, Any]:
        config: SsoConfig = settings.SSO
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        return {
            "sso_methods": sso_methods(config),
            "password_off": not config.password_form,
            "ldap_on": config.ldap is not None,
            "local_off": not config.local_login,
            "next": next_url,
            "refused": request.method == "POST",
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **self._methods_context(self.request)}


def provider_origins(config: SsoConfig) -> list[str]:
    """The origins a sign-in form's POST is redirected to: the providers' authorize pages."""
    urls = [
        (config.oidc or {}).get("issuer", ""),
        (config.feishu or {}).get("base_url", ""),
        (config.dingtalk or {}).get("login_url", ""),
    ]
    origins = []
    for url in filter(None, urls):
        parts = urlsplit(url)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


class SignInPolicyMiddleware:
    """The login page's and /sso/'s Content-Security-Policy lets their forms go on to the
    providers' authorize pages (form-action covers the redirect after a POST); every other
    answer keeps the site's policy (hrperf/headers.py). Listed after that middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        origins = provider_origins(settings.SSO)
        signing_in = request.path == reverse("login") or request.path.startswith("/sso/")
        if origins and signing_in and settings.CONTENT_SECURITY_POLICY:
            extra = {"form-action": " ".join(origins)}
            response[header_name()] = with_sources(settings.CONTENT_SECURITY_POLICY, extra)
        return response


def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A provider's login or callback view that answers 404 while its method is off, and the
    login page with a message (not a server error) while its provider does not answer."""

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist:
            raise Http404 from None
        except requests.RequestException as problem:
            logger.warning("Sign-in provider unreachable at %s: %s", request.path, problem)
            return sign_in_problem(request, "unreachable")

    return answer


def guard_all(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """`patterns` (django-allauth's of the providers), every view `guarded`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            guard_all(pattern.url_patterns)
        else:
            pattern.callback = guarded(pattern.callback)
    return patterns


SIGN_IN_PROBLEMS = {
    "cancelled": _("Signing in was cancelled. Try again, or choose another way to sign in."),
    "error": _(
        "Signing in through the directory did not succeed. Try again; if it keeps failing, "
        "ask HR or IT."
    ),
    "inactive": _("This login is switched off. Ask HR."),
    "closed": _("This sign-in cannot make a login here. Ask HR."),
    "unreachable": _(
        "The sign-in service does not answer now. Try again later, or choose another way to "
        "sign in."
    ),
}


def sign_in_problem(request: HttpRequest, problem: str) -> HttpResponse:
    """django-allauth's end pages (cancelled, failed, inactive, sign-up): the login page with
    the message."""
    messages.error(request, SIGN_IN_PROBLEMS[problem])
    return redirect("login")
