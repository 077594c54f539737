"""Helpers of the sign-in tests: signing in through the login form, as a person would."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tests.helpers.personas import PASSWORD

WRONG_PASSWORD = "not the password at all"


def sign_in(browser: Client, username: str, password: str = PASSWORD) -> Any:
    """POST the login form; returns the response."""
    return browser.post(reverse("login"), {"username": username, "password": password})


def fail_sign_ins(browser: Client, username: str, times: int, url: str | None = None) -> None:
    for _attempt in range(times):
        browser.post(url or reverse("login"), {"username": username, "password": WRONG_PASSWORD})


def signed_in(browser: Client) -> bool:
    return "_auth_user_id" in browser.session
