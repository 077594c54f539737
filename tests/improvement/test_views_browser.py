"""The pages of conversations and improvement plans in the browser, on a desktop and on a
phone-sized screen (375 px): each fits the screen; the employee acknowledges a conversation on
a phone. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from improvement import services
from improvement.models import Conversation
from tests.helpers.browser import PHONE, fits_the_screen, post
from tests.helpers.improvement import conversation, plan, warned

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records(personas, api_quarter):
    review = api_quarter.own
    talk = conversation(personas, review)
    improvement = plan(personas, review)
    warned(personas, "2026Q2")
    services.written_warnings_escalate(review_ids=[review.pk])
    return {"review": review, "conversation": talk, "plan": improvement}


def shoot(page: Page, folder: Path, name: str) -> None:
    assert fits_the_screen(page), name
    page.screenshot(path=str(folder / f"improvement-{name}.png"), full_page=True)


def test_the_pages_fit_a_desktop_and_a_phone(
    page_as: Callable[[str], Page], records, screenshots: Path
) -> None:
    review, talk, improvement = records["review"], records["conversation"], records["plan"]
    hr = page_as("hr")
    pages = {
        "conversation-form": f"/conversations/new/{review.pk}/",
        "conversation": f"/conversations/{talk.pk}/",
        "plans": "/plans/",
        "plan-form": f"/plans/new/{review.pk}/",
        "plan": f"/plans/{improvement.pk}/",
        "warnings": "/warnings/?written=yes",
        "review": f"/reviews/{review.pk}/",
    }
    for width, size in (("desktop", None), ("375", PHONE)):
        if size is not None:
            hr.set_viewport_size(size)
        for name, url in pages.items():
            hr.goto(url)
            shoot(hr, screenshots, f"{name}-{width}")
    expect(hr.get_by_test_id("review-written-warning")).to_be_visible()


def test_the_employee_acknowledges_on_a_phone(
    page_as: Callable[[str], Page], records, screenshots: Path
) -> None:
    page = page_as("employee")
    page.goto("/my/improvement/")
    shoot(page, screenshots, "mine-desktop")
    page.set_viewport_size(PHONE)
    shoot(page, screenshots, "mine-375")
    page.get_by_test_id("my-conversations").get_by_role("link").first.click()
    page.fill("#id_comment", "已收到，会按计划改进。")
    post(page, page.get_by_test_id("acknowledge-conversation"))
    expect(page.get_by_test_id("employee-comment")).to_contain_text("已收到")
    shoot(page, screenshots, "conversation-acknowledged-375")
    assert Conversation.objects.get().acknowledged_at is not None
