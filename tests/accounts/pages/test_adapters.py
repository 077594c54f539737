"""Signing in through OpenID Connect (the test provider, a real one in a process of its own),
Feishu and DingTalk (a stand-in of their OAuth endpoints), with the test client as the browser:
the roles and the employee link that the directory's word makes, at every sign-in."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from departments.models import Employee
from hrperf.lib.roles import roles_of
from tests.helpers.directories import DIRECTORY_PASSWORD, follow_provider, sign_in_settings
from tests.helpers.signin import signed_in

pytestmark = pytest.mark.django_db


def oidc_sign_in_as(username: str, next_url: str = "") -> tuple[Client, Any]:
    """Press the OpenID Connect button, sign in on the provider's page, come back."""
    browser = Client()
    start = reverse("openid_connect_login", kwargs={"provider_id": "oidc"})
    answer = browser.post(start, {"process": "login", "next": next_url})
    assert answer.status_code == 302, answer.content[:300]
    authorize = answer["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"]
    with requests.Session() as provider:
        callback = follow_provider(
            provider, authorize, username=username, password=DIRECTORY_PASSWORD
        )
    parts = urlsplit(callback)
    return browser, browser.get(f"{parts.path}?{parts.query}")


def test_the_provider_signs_its_id_tokens_with_rs256(oidc_sign_in) -> None:
    issuer = oidc_sign_in.issuer
    discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == issuer
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]
    keys = requests.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    assert [key["kty"] for key in keys] == ["RSA"]


def test_an_hr_person_signs_in_through_openid_connect(oidc_sign_in, directory_roster) -> None:
    browser, answer = oidc_sign_in_as("dir-hr")
    assert answer.status_code == 302 and answer["Location"] == reverse("home")
    assert signed_in(browser)
    user = User.objects.get(socialaccount__provider="oidc")
    roles = roles_of(user)
    assert roles.is_hr and roles.employee is None
    assert user.email == "hr@corp.test" and not user.has_usable_password()


def test_a_head_is_linked_by_the_employee_number_claim(oidc_sign_in, directory_roster) -> None:
    _browser, _answer = oidc_sign_in_as("dir-head")
    employee = Employee.objects.select_related("user").get(employee_no="E20001")
    assert employee.user is not None and roles_of(employee.user).is_head


def test_someone_without_a_mapped_group_is_an_outsider(oidc_sign_in, directory_roster) -> None:
    browser, _answer = oidc_sign_in_as("dir-nobody")
    assert signed_in(browser)
    user = User.objects.get(socialaccount__provider="oidc")
    assert roles_of(user) == roles_of(user).__class__(False, False, None)
    assert Employee.objects.get(employee_no="E20003").user is None


def test_a_role_removed_at_the_provider_goes_at_the_next_sign_in(
    oidc_sign_in, directory_roster
) -> None:
    oidc_sign_in_as("dir-director")
    assert roles_of(User.objects.get(socialaccount__provider="oidc")).is_director
    with override_settings(
        **sign_in_settings(oidc_sign_in.environment(SSO_ROLE_MAP="director=no-such-group"))
    ):
        oidc_sign_in_as("dir-director")
    user = User.objects.get(socialaccount__provider="oidc")
    assert not roles_of(user).is_director
    assert User.objects.filter(socialaccount__provider="oidc").count() == 1


def test_the_first_sign_in_joins_the_employee_s_existing_login(
    oidc_sign_in, directory_roster
) -> None:
    local = User.objects.create_user("zhao", password="a long local password 1")
    Employee.objects.filter(employee_no="E20001").update(user=local)
    oidc_sign_in_as("dir-head")
    assert User.objects.get(socialaccount__provider="oidc") == local
    assert Employee.objects.get(employee_no="E20001").user == local


def test_the_next_address_is_kept_on_this_site_only(oidc_sign_in, directory_roster) -> None:
    _browser, answer = oidc_sign_in_as("dir-hr", next_url="https://evil.example/steal")
    assert answer["Location"] == reverse("home")
    _browser, answer = oidc_sign_in_as("dir-hr", next_url="/quarters/")
    assert answer["Location"] == "/quarters/"


def test_a_sign_in_starts_with_a_post_only(oidc_sign_in) -> None:
    start = reverse("openid_connect_login", kwargs={"provider_id": "oidc"})
    answer = Client().get(start)
    assert answer.status_code == 200
    assert b"sso-continue" in answer.content


def test_a_forged_callback_is_refused(oidc_sign_in, directory_roster) -> None:
    browser = Client()
    answer = browser.get(
        reverse("openid_connect_callback", kwargs={"provider_id": "oidc"}),
        {"code": "made-up", "state": "made-up"},
    )
    assert b"sso-error" in answer.content
    assert not signed_in(browser)


def platform_sign_in(platforms: Any, provider: str, person: str) -> Client:
    platforms.person = person
    browser = Client()
    answer = browser.post(reverse(f"{provider}_login"), {"process": "login"})
    assert answer.status_code == 302, answer.content[:300]
    assert answer["Location"].startswith(platforms.url)
    with requests.Session() as session:
        callback = follow_provider(session, answer["Location"])
    parts = urlsplit(callback)
    finished = browser.get(f"{parts.path}?{parts.query}")
    assert finished.status_code == 302, finished.content[:500]
    return browser


def test_feishu_links_the_employee_by_number(platforms, directory_roster) -> None:
    browser = platform_sign_in(platforms, "feishu", "dir-staff")
    assert signed_in(browser)
    user = User.objects.get(socialaccount__provider="feishu")
    assert roles_of(user).employee == directory_roster["E20002"]
    assert platforms.calls[1:] == [
        "POST /open-apis/auth/v3/app_access_token/internal/",
        "POST /open-apis/authen/v1/access_token",
        "GET /open-apis/authen/v1/user_info",
    ]


def test_dingtalk_links_the_employee_by_e_mail(platforms, directory_roster) -> None:
    local = User.objects.create_user("qian", email="staff@corp.test", password="x-long-pass-1")
    Employee.objects.filter(employee_no="E20002").update(user=local)
    with override_settings(
        **sign_in_settings(
            platforms.environment(SSO_ROLE_MAP="employee=*", SSO_EMPLOYEE_MATCH="email")
        )
    ):
        browser = platform_sign_in(platforms, "dingtalk", "dir-staff")
    assert signed_in(browser)
    assert User.objects.get(socialaccount__provider="dingtalk") == local
    assert roles_of(local).employee == directory_roster["E20002"]
    assert platforms.calls[1:] == [
        "POST /v1.0/oauth2/userAccessToken",
        "GET /v1.0/contact/users/me",
    ]
