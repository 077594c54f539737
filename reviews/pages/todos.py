"""The to-do page (待办, /todos/): everything the viewer must do now, overdue first, each with
its deadline, count and the page where it is done (`reviews.selectors.todos.todos_of`); and,
for HR and the director (the whole division) or a head (their own department), the overdue
work by department and kind (`reviews.selectors.overdue`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from hrperf.lib.pages import allowed
from hrperf.lib.roles import roles_of
from hrperf.lib.todos import summary_of
from reviews.selectors.overdue import overdue_work, sees_overdue
from reviews.selectors.todos import todos_of


@allowed("signed_in")
def todo_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    items = todos_of(request.user)
    context: dict[str, Any] = {
        "todos": items,
        "summary": summary_of(items),
        "has_role": roles.sees_quarters or roles.employee is not None,
        "sees_overdue": sees_overdue(roles),
        "department_only": not roles.sees_all_reviews,
    }
    if context["sees_overdue"]:
        context["overdue_rows"] = overdue_work(viewer_roles=roles)
    return render(request, "reviews/todos.html", context)


urlpatterns = [
    path("todos/", todo_list, name="todos"),
]
