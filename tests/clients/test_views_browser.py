"""The director's My API tokens page in the browser on a phone-sized screen (375 px): make a
token, see it once, revoke it. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clients.models import PersonalToken
from tests.helpers.browser import PHONE, fits_the_screen, post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_makes_and_revokes_a_token_on_a_phone(
    page_as: Callable[[str], Page], personas, screenshots: Path
) -> None:
    page = page_as("director")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="我的接口令牌").click()
    expect(page).to_have_url(re.compile(r"/clients/my-tokens/$"))
    assert fits_the_screen(page)

    page.fill("#id_name", "审批脚本")
    page.fill("#id_expires_on", "2099-12-31")
    post(page, page.get_by_test_id("my-token-form").locator("button[type=submit]"))
    raw = page.get_by_test_id("raw-token").inner_text()
    assert re.fullmatch(r"hrpu_[a-z0-9]{8}_\S+", raw)
    assert fits_the_screen(page)
    page.screenshot(path=str(screenshots / "my-token-created-375.png"), full_page=True)

    page.get_by_role("link", name="完成").click()
    token = PersonalToken.objects.get()
    row = page.locator(f'tr[data-token="{token.prefix}"]')
    expect(row).to_contain_text("审批脚本")
    assert raw not in page.content()
    assert fits_the_screen(page)
    page.screenshot(path=str(screenshots / "my-tokens-375.png"), full_page=True)
    post(page, row.get_by_role("button", name="吊销"))
    expect(page.locator(f'tr[data-token="{token.prefix}"].revoked')).to_be_visible()
    token.refresh_from_db()
    assert token.revoked_at is not None
