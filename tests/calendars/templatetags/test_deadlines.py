"""The deadline include (`calendars/deadline.html`) and its filter: a date with whether it has
passed, is due today or in how many days, in the viewer's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from calendars.templatetags.deadlines import deadline_status


def shown(due, language: str = "en") -> str:
    with translation.override(language):
        return render_to_string("calendars/deadline.html", {"due": due})


def test_a_deadline_to_come_says_in_how_many_days() -> None:
    due = timezone.localdate() + timedelta(days=10)
    html = shown(due)
    assert f'<time datetime="{due:%Y-%m-%d}">{due:%Y-%m-%d}</time>' in html
    assert 'data-state="later"' in html and "in 10 days" in html
    assert "还有 10 天" in shown(due, "zh-hans")


def test_a_near_deadline_is_marked_soon() -> None:
    html = shown(timezone.localdate() + timedelta(days=1))
    assert 'data-state="soon"' in html and "in 1 day" in html and "deadline-soon" in html


def test_a_deadline_due_today_says_so() -> None:
    html = shown(timezone.localdate())
    assert 'data-state="soon"' in html and "due today" in html
    assert "今天截止" in shown(timezone.localdate(), "zh-hans")


def test_a_passed_deadline_says_so() -> None:
    html = shown(timezone.localdate() - timedelta(days=1))
    assert 'data-state="past"' in html and "passed" in html and "deadline-past" in html
    assert "已截止" in shown(timezone.localdate() - timedelta(days=1), "zh-hans")


@pytest.mark.parametrize("due", [None, "", "2026-10-01"])
def test_no_date_is_not_set(due) -> None:
    html = shown(due)
    assert 'data-state="unset"' in html and "not set" in html
    assert deadline_status(due).due is None
