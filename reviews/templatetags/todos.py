"""The navigation's to-do link (待办) with the viewer's count and how many are overdue, on every
page for a signed-in person. The count is kept a short while per person
(`reviews.selectors.todos.SUMMARY_SECONDS`), so most pages send no query for it."""

from __future__ import annotations

from typing import Any

from django import template

from reviews.selectors.todos import todo_summary

register = template.Library()


@register.inclusion_tag("reviews/todos/nav_link.html", takes_context=True)
def todo_link(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    return {"summary": todo_summary(user), "signed_in": getattr(user, "is_authenticated", False)}
