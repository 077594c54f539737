"""Locked out and unlocked, in the browser on a phone-sized screen (375 px): the login page's
lockout message, and HR's Locked sign-ins page with its Unlock button. Screenshots go to
test-artifacts/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.browser import PHONE, fits_the_screen, post
from tests.helpers.personas import PASSWORD
from tests.helpers.signin import WRONG_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def try_to_sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator("main form button[type=submit]").click()


def test_a_locked_out_employee_is_told_when_and_hr_unlocks_them_on_a_phone(
    page_as: Callable[[str], Page], page: Page, live_server, personas, screenshots: Path
) -> None:
    page.set_viewport_size(PHONE)
    base = live_server.url
    for _attempt in range(5):
        try_to_sign_in(page, base, "employee", WRONG_PASSWORD)
    try_to_sign_in(page, base, "employee", PASSWORD)

    lockout = page.get_by_test_id("lockout")
    expect(lockout).to_contain_text("登录失败次数过多")
    expect(lockout).to_contain_text("人力资源部")
    assert fits_the_screen(page)
    page.screenshot(path=str(screenshots / "signin-locked-out-375.png"), full_page=True)

    hr = page_as("hr")
    hr.set_viewport_size(PHONE)
    hr.get_by_role("link", name="锁定的登录").click()
    expect(hr).to_have_url(re.compile(r"/accounts/lockouts/$"))
    row = hr.locator('tr[data-lockout="employee"]')
    expect(row).to_be_visible()
    assert fits_the_screen(hr)
    hr.screenshot(path=str(screenshots / "signin-lockouts-375.png"), full_page=True)
    post(hr, row.get_by_role("button", name="解锁"))
    expect(hr.get_by_test_id("no-lockouts")).to_be_visible()
    expect(hr.locator(".messages")).to_contain_text("employee")

    try_to_sign_in(page, base, "employee", PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login/"))
