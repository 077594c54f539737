"""Single sign-on in headless Chromium, as a person would: through the test OpenID Connect
provider (a real one, in a process of its own) and through LDAP (the test's own slapd), each
landing on the dashboard of the role the directory gives; someone without a mapped role sees
nothing. The login page with its buttons fits a phone's screen (375 px). Screenshots go to
test-artifacts/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from tests.helpers.browser import ACTION_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS, PHONE, fits_the_screen
from tests.helpers.directories import (
    DIRECTORY_PASSWORD,
    OidcProvider,
    Slapd,
    ldap_environment,
    sign_in_settings,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fresh_page(
    browser: Browser, browser_context_args: dict[str, Any]
) -> Iterator[Callable[[], Page]]:
    """A page in a browser context of its own (own cookies) for each person."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(**browser_context_args)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def through_the_provider(page: Page, base: str, provider: OidcProvider, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_role("button", name=re.compile("Test IdP")).click()
    expect(page).to_have_url(re.compile(rf"^http://127\.0\.0\.1:{provider.port}/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", DIRECTORY_PASSWORD)
    page.click("#provider-sign-in")
    expect(page).to_have_url(re.compile(re.escape(base) + r"/dashboard/"))


def test_single_sign_on_lands_on_the_dashboard_of_the_directory_s_role(
    fresh_page: Callable[[], Page],
    live_server: Any,
    oidc_provider: OidcProvider,
    slapd: Slapd,
    directory_roster: Any,
    screenshots: Path,
) -> None:
    environment = {
        **oidc_provider.environment(),
        **ldap_environment(slapd),
        "SSO_FEISHU_APP_ID": "cli_1",
        "SSO_FEISHU_APP_SECRET": "x",
    }
    base = live_server.url
    with override_settings(**sign_in_settings(environment)):
        phone = fresh_page()
        phone.set_viewport_size(PHONE)
        phone.goto(f"{base}/login/")
        expect(phone.get_by_test_id("sso-methods").locator("button")).to_have_count(2)
        expect(phone.locator("button[data-method=feishu]")).to_be_visible()
        assert fits_the_screen(phone)
        phone.screenshot(path=str(screenshots / "signin-methods-375.png"), full_page=True)

        hr = fresh_page()
        through_the_provider(hr, base, oidc_provider, "dir-hr")
        expect(hr.get_by_test_id("open-quarter")).to_be_visible()  # HR's dashboard
        expect(hr.locator(f'a[href="{reverse("accounts:lockouts")}"]')).to_be_visible()

        nobody = fresh_page()
        through_the_provider(nobody, base, oidc_provider, "dir-nobody")
        expect(nobody.get_by_test_id("no-role")).to_be_visible()
        expect(nobody.locator(f'a[href="{reverse("reviews:quarters")}"]')).to_have_count(0)

        director = fresh_page()
        director.goto(f"{base}/login/")
        director.fill("#id_username", "dir-director")
        director.fill("#id_password", DIRECTORY_PASSWORD)
        director.locator('[data-testid="password-form"] button[type=submit]').click()
        expect(director).to_have_url(re.compile(re.escape(base) + r"/dashboard/"))
        expect(director.locator(f'a[href="{reverse("reviews:queue")}"]')).to_be_visible()
        expect(director.get_by_test_id("open-quarter")).to_have_count(0)
        expect(director.get_by_test_id("no-role")).to_have_count(0)
