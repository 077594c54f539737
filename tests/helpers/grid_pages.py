"""Steps on the rating grid in the browser (templates/reviews/grid.html, static/js/grid.js):
rate rows by keyboard only, and save them in one request."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from playwright.sync_api import Page, Response, expect

CHANGED = re.compile(r"\bchanged\b")


def grid_open(page: Page, period: str, **query: str) -> None:
    suffix = "&".join(f"{name}={value}" for name, value in query.items())
    page.goto(f"/quarters/{period}/grid/" + (f"?{suffix}" if suffix else ""))
    expect(page.get_by_test_id("grid")).to_be_visible()


def grid_rate_by_keyboard(
    page: Page, ratings: Mapping[str, Sequence[int]], *, tab: bool = False
) -> None:
    """Rate rows of the open grid by keyboard only: {employee number: (level, …)}, one level per
    competency column in order. The row's first cell gets the focus (no click); then each level
    is typed: the grid moves on by itself, or, with `tab`, after "move on after a digit" is
    turned off, each digit is followed by Tab (type 4, Tab, 3, Tab, …)."""
    advance = page.get_by_test_id("grid-advance")
    if tab and advance.is_checked():
        advance.focus()
        page.keyboard.press("Space")
        expect(advance).not_to_be_checked()
    for number, levels in ratings.items():
        first = page.get_by_test_id(f"cell-{number}-1")
        first.focus()
        for column, level in enumerate(levels, start=1):
            cell = page.get_by_test_id(f"cell-{number}-{column}")
            expect(cell).to_be_focused()
            page.keyboard.type(str(level))
            expect(cell).to_have_value(str(level))
            if tab and column < len(levels):
                page.keyboard.press("Tab")
        expect(page.get_by_test_id(f"grid-row-{number}")).to_have_class(CHANGED)


def grid_save_by_keyboard(page: Page) -> Response:
    """Save the grid with Ctrl+Enter from the focused cell: one POST; its answer."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.keyboard.press("Control+Enter")
    page.wait_for_load_state()
    return answer.value
