"""What a person must do now (待办): one item per kind of work, from whichever part of the
product holds it. Each app's selectors answer `todos(viewer_roles=…, user=…)` with a list of
these; the dashboard shows them all, overdue first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise


@dataclass(frozen=True)
class Todo:
    kind: str  # a stable name: "self_assess", "confirm_result", "answer_appeal"…
    label: str | Promise  # what to do, translated
    url: str  # the page where it is done
    count: int = 1  # how many of this kind wait
    due: date | None = None  # the nearest deadline among them
    overdue: bool = False  # whether any of them is past its deadline
