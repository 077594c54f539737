"""The login page: a button per single sign-on method that is on, in both languages; the
password form for local passwords and LDAP; with LOCAL_LOGIN_ENABLED=0 and no LDAP, no form and
a POST to it refused; allauth's end pages answered by the login page."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.helpers.directories import free_port, sign_in_settings
from tests.helpers.personas import PASSWORD
from tests.helpers.signin import sign_in, signed_in

pytestmark = pytest.mark.django_db

OIDC = {
    "SSO_OIDC_ISSUER": "https://id.corp.test/realms/main",
    "SSO_OIDC_CLIENT_ID": "hrperf",
    "SSO_OIDC_CLIENT_SECRET": "s3cret",
    "SSO_OIDC_NAME": "Keycloak",
    "SSO_ROLE_MAP": "hr=hr",
}
PLATFORMS = {
    "SSO_FEISHU_APP_ID": "cli_1",
    "SSO_FEISHU_APP_SECRET": "x",
    "SSO_DINGTALK_CLIENT_ID": "ding1",
    "SSO_DINGTALK_CLIENT_SECRET": "y",
}


def test_with_nothing_configured_the_page_is_the_password_form_alone() -> None:
    page = Client().get(reverse("login")).content.decode()
    assert 'data-testid="password-form"' in page
    assert 'data-testid="sso-methods"' not in page


def test_each_method_that_is_on_has_its_button(in_english) -> None:
    with override_settings(**sign_in_settings({**OIDC, **PLATFORMS})):
        page = (
            Client(HTTP_ACCEPT_LANGUAGE="en")
            .get(reverse("login"), {"next": "/quarters/"})
            .content.decode()
        )
    assert "Sign in with Keycloak" in page
    assert "Sign in with Feishu" in page and "Sign in with DingTalk" in page
    assert f'action="{reverse("openid_connect_login", kwargs={"provider_id": "oidc"})}"' in page
    assert f'action="{reverse("feishu_login")}"' in page
    assert page.count('name="next" value="/quarters/"') == 4  # the form and three buttons


def test_the_buttons_speak_chinese_too() -> None:
    with override_settings(**sign_in_settings({**OIDC, **PLATFORMS})):
        page = Client().get(reverse("login")).content.decode()
    assert "Keycloak" in page and 'data-method="feishu"' in page


def test_the_next_address_of_another_site_is_dropped() -> None:
    with override_settings(**sign_in_settings(OIDC)):
        page = Client().get(reverse("login"), {"next": "https://evil.example/"}).content.decode()
    assert 'name="next" value=""' in page
    assert 'value="https://evil.example/"' not in page


def test_local_passwords_off_remove_the_form_and_refuse_its_post(personas) -> None:
    with override_settings(**sign_in_settings({**OIDC, "LOCAL_LOGIN_ENABLED": "0"})):
        page = Client().get(reverse("login")).content.decode()
        assert 'data-testid="password-form"' not in page
        assert 'data-testid="sso-methods"' in page
        browser = Client()
        answer = sign_in(browser, "hr", PASSWORD)
        assert answer.status_code == 403
        assert 'data-testid="password-off"' in answer.content.decode()
        assert not signed_in(browser)
        # The admin's login is refused too: no password opens a session.
        browser.post(reverse("admin:login"), {"username": "hr", "password": PASSWORD})
        assert not signed_in(browser)


def test_local_passwords_on_beside_single_sign_on(personas) -> None:
    with override_settings(**sign_in_settings(OIDC)):
        browser = Client()
        assert sign_in(browser, "hr", PASSWORD).status_code == 302
        assert signed_in(browser)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("socialaccount_login_cancelled", "Signing in was cancelled"),
        ("socialaccount_login_error", "did not succeed"),
        ("socialaccount_signup", "cannot make a login here"),
        ("account_inactive", "switched off"),
    ],
)
def test_allauth_s_end_pages_are_the_login_page(in_english, name: str, message: str) -> None:
    answer = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse(name), follow=True)
    assert answer.redirect_chain[-1][0] == reverse("login")
    assert message in answer.content.decode()


def test_the_login_page_s_forms_may_go_on_to_the_providers_only() -> None:
    with override_settings(**sign_in_settings({**OIDC, **PLATFORMS})):
        policy = Client().get(reverse("login"))["Content-Security-Policy"]
        other = Client().get(reverse("healthz"))["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert form_action.split()[1:] == [
        "'self'",
        "https://id.corp.test",
        "https://login.dingtalk.com",
        "https://open.feishu.cn",
    ]
    assert "id.corp.test" not in other


def test_a_provider_that_does_not_answer_gives_the_login_page_with_a_message(in_english) -> None:
    closed = f"http://127.0.0.1:{free_port()}/o"  # nothing listens there
    environment = {**OIDC, "SSO_OIDC_ISSUER": closed}
    with override_settings(**sign_in_settings(environment)):
        start = reverse("openid_connect_login", kwargs={"provider_id": "oidc"})
        answer = Client(HTTP_ACCEPT_LANGUAGE="en").post(start, {"process": "login"}, follow=True)
    assert answer.redirect_chain[-1][0] == reverse("login")
    assert "The sign-in service does not answer now" in answer.content.decode()


def test_a_method_that_is_off_has_no_sign_in_address() -> None:
    assert Client().post(reverse("feishu_login"), {"process": "login"}).status_code == 404
    assert Client().get(reverse("dingtalk_callback")).status_code == 404
    start = reverse("openid_connect_login", kwargs={"provider_id": "oidc"})
    assert Client().post(start, {"process": "login"}).status_code == 404
