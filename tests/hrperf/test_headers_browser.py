"""The pages under the Content-Security-Policy in a real browser (hrperf/headers.py): no
violation on any main page, the admin or the API documentation, and htmx still works."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.helpers.pages import PageQuarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Redoc shows its maker's logo from its own site: blocked, as everything from elsewhere.
EXPECTED = "https://cdn.redoc.ly/"
# Every violation, as the page's own event reports it (the listener is not page script, so the
# policy does not stop it).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watched(page: Page) -> list[str]:
    messages: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        # An answer's status (the 404 page, the form's 400) is not a script's error.
        if EXPECTED in message.text or message.text.startswith("Failed to load resource"):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            messages.append(message.text)

    page.on("console", keep)
    page.add_init_script(WATCH)
    return messages


def test_the_pages_keep_to_the_policy_and_htmx_works(
    page_as: Callable[[str], Page], personas: dict[str, User], page_quarter: PageQuarter
) -> None:
    hr = personas["hr"]
    hr.is_staff = hr.is_superuser = True
    hr.save()
    review = page_quarter.reviews["E00002"]
    page = page_as("hr")
    console = watched(page)
    addresses = [
        reverse("reviews:dashboard"),
        reverse("reviews:quarters"),
        reverse("reviews:warnings"),
        reverse("reviews:reports"),
        reverse("departments:catalogue"),
        reverse("departments:roster"),
        reverse("kpis:library"),
        reverse("clients:list"),
        reverse("reviews:review", args=[review.pk]),
        "/admin/",
        "/admin/reviews/review/",
        f"/admin/reviews/review/{review.pk}/change/",
        "/api/docs/",
        "/api/redoc/",
        "/no-such-page/",
    ]
    violations = {}
    for address in addresses:
        response = page.goto(address)
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        found = [item for item in page.evaluate("window.__violations") if EXPECTED not in item]
        if found:
            violations[address] = found
    assert violations == {}
    assert console == []

    # One htmx interaction: a figure that is not a number comes back (400) as the form again
    # with its error, swapped in place by htmx (the page is not loaded again).
    page.goto(reverse("reviews:review", args=[review.pk]))
    page.evaluate("document.body.dataset.loadedOnce = 'yes'")
    page.get_by_test_id("figures-form").locator("input[inputmode=decimal]").first.fill("abc")
    with page.expect_response(
        lambda response: response.request.headers.get("hx-request") == "true"
    ) as answer:
        page.get_by_test_id("figures-save").click()
    assert answer.value.status == 400
    expect(page.locator(".field-error").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.dataset.loadedOnce") == "yes"
    assert page.evaluate("window.__violations") == []
    assert console == []
