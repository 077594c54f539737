"""The button that starts a PDF of many review forms, on the quarter page (the whole quarter and
each department) and on the review list filtered by department; shown to whoever may print
them, with the number of forms."""

from __future__ import annotations

from typing import Any

from django import template

from hrperf.lib.roles import roles_of
from printouts import selectors
from reviews.models import ReviewCycle

register = template.Library()


@register.inclusion_tag("printouts/quarter_panel.html", takes_context=True)
def printouts_panel(context: dict[str, Any], cycle: ReviewCycle) -> dict[str, Any]:
    request = context["request"]
    roles = roles_of(request.user)
    return {
        "cycle": cycle,
        "choices": selectors.print_choices(viewer_roles=roles, cycle=cycle),
        "jobs": selectors.printjobs_recent(viewer_roles=roles, user=request.user, cycle=cycle),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("printouts/button.html", takes_context=True)
def printouts_button(
    context: dict[str, Any], cycle: ReviewCycle, department: Any
) -> dict[str, Any]:
    """The button for one department (the review list's filter)."""
    request = context["request"]
    roles = roles_of(request.user)
    code = getattr(department, "code", "")
    choice = next(
        (c for c in selectors.print_choices(viewer_roles=roles, cycle=cycle) if c["code"] == code),
        None,
    )
    return {"cycle": cycle, "choice": choice, "csrf_token": context.get("csrf_token")}
