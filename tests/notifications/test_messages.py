"""What each kind of notification says (notifications.messages): in the recipient's language,
never the caller's, with a link to the page where the work is done."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.urls import resolve
from django.utils import translation

from notifications import messages

FACTS: dict[str, dict[str, Any]] = {
    "review_returned": {"review_id": 3, "employee": "张伟", "period": "2026Q3", "comment": "补数"},
    "review_reopened": {"review_id": 3, "employee": "张伟", "period": "2026Q3", "reason": "改"},
    "approvals_waiting": {"counts": {"2026Q3": 4, "2026Q2": 1}},
    "warning": {
        "review_id": 3,
        "employee": "张伟",
        "number": "E1",
        "total": "55.50",
        "period": "2026Q3",
    },
    "appeal_filed": {
        "appeal_id": 8,
        "review_id": 3,
        "employee": "张伟",
        "period": "2026Q3",
        "due": "2026-10-20",
    },
    "appeal_answered": {
        "appeal_id": 8,
        "review_id": 3,
        "period": "2026Q3",
        "accepted": False,
        "reason": "核实无误",
    },
    "result_to_confirm": {"review_id": 3, "period": "2026Q3", "grade": "B", "due": "2026-10-20"},
    "deadline": {
        "label": "自评",
        "due": "2026-10-20",
        "count": 2,
        "overdue": True,
        "url": "/self-assessment/",
    },
    "test": {},
}


@pytest.mark.parametrize("kind", sorted(messages.KINDS))
@override_settings(SITE_URL="https://hrperf.example.com")
def test_every_kind_speaks_both_languages_and_links_to_its_page(kind):
    with translation.override("en"):  # the caller's language does not matter
        chinese = messages.message(kind, FACTS[kind], "zh-hans")
    english = messages.message(kind, FACTS[kind], "en")
    assert chinese.title != english.title
    assert chinese.link == english.link and chinese.link.startswith("https://hrperf.example.com/")
    assert all(line for line in english.lines)


@pytest.mark.parametrize("kind", sorted(messages.KINDS))
def test_every_link_is_a_page_of_the_product(kind):
    resolve(messages.message(kind, FACTS[kind], "en").path)  # Resolver404 if not


def test_the_facts_are_in_the_words():
    message = messages.message("result_to_confirm", FACTS["result_to_confirm"], "en")
    assert message.title == "Your 2026Q3 result is ready"
    assert "grade B" in message.lines[0] and "2026-10-20" in message.lines[0]
    assert message.path == "/reviews/3/"
    waiting = messages.message("approvals_waiting", FACTS["approvals_waiting"], "zh-hans")
    assert waiting.lines[1:] == ("2026Q2：1 份考核", "2026Q3：4 份考核")


def test_a_digest_is_one_message_of_the_titles_and_links():
    items = [(kind, FACTS[kind]) for kind in ("warning", "appeal_filed")]
    digest = messages.digest(items, "en")
    assert digest.title == "hrperf: 2 things for you today"
    assert len(digest.lines) == 2 and digest.lines[0].startswith("Verbal warning: 张伟")
    assert "/appeals/8/" in digest.lines[1]
