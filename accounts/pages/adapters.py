"""django-allauth's hooks (ACCOUNT_ADAPTER, SOCIALACCOUNT_ADAPTER): what a sign-in through
OpenID Connect, Feishu or DingTalk makes of the person.

At every such sign-in the directory's word is applied (accounts.services.directory_sign_in):
roles from SSO_ROLE_MAP, the link to the employee record from SSO_EMPLOYEE_MATCH. A first
sign-in of someone whose employee record already has a login (not an administrator's) joins
that login rather than making a second one. allauth's own pages for local accounts are off
(SOCIALACCOUNT_ONLY); where it would end on one of its pages, the product's login page answers.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.http import HttpRequest

from accounts import selectors, services
from accounts.policies import OIDC, DirectoryPerson, oidc_person, platform_person

LOCAL_BACKEND = "accounts.pages.backends.LocalPasswordBackend"


class AccountAdapter(DefaultAccountAdapter):
    def login(self, request: HttpRequest, user: Any) -> None:
        # The session remembers a backend that finds the user again (axes' backend, first in
        # AUTHENTICATION_BACKENDS, finds nobody).
        if not hasattr(user, "backend"):
            user.backend = LOCAL_BACKEND
        super().login(request, user)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # no local sign-up: logins come from the directories or `create_user`


def person_of(sociallogin: SocialLogin) -> DirectoryPerson:
    account = sociallogin.account
    data = account.extra_data or {}
    if account.provider == OIDC:
        return oidc_person(data, settings.SSO.oidc or {})
    return platform_person(account.provider, data)


class DirectoryAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # the directory vouches for the person; their roles come from the map

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        person = person_of(sociallogin)
        if not sociallogin.is_existing:
            employee = selectors.employee_of_person(person, settings.SSO_EMPLOYEE_MATCH)
            login = employee.user if employee is not None else None
            if login is not None and not (login.is_staff or login.is_superuser):
                sociallogin.connect(request, login)
        if sociallogin.is_existing:
            services.directory_sign_in(user=sociallogin.user, person=person)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        services.directory_sign_in(user=user, person=person_of(sociallogin))
        return user
