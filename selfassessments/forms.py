"""Reading the self-assessment page's form: the summaries by KPI line, the overall summary,
the ratings and their comments, as the service takes them (the service checks the values)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from selfassessments.models import COMMENT_MAX, SUMMARY_MAX


@dataclass
class Draft:
    summary: str = ""
    lines: dict[int, str] = field(default_factory=dict)
    ratings: dict[str, Any] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


def draft_from(post: QueryDict, *, line_ids: Iterable[int], codes: Iterable[str]) -> Draft:
    """What the form sent for these lines and competencies (texts cut at twice their limit, so
    that the service still refuses an over-long one, naming it)."""
    return Draft(
        summary=post.get("summary", "")[: SUMMARY_MAX * 2],
        lines={line_id: post.get(f"line-{line_id}", "")[: SUMMARY_MAX * 2] for line_id in line_ids},
        ratings={code: post.get(f"rating-{code}", "").strip()[:8] for code in codes},
        comments={code: post.get(f"comment-{code}", "")[: COMMENT_MAX * 2] for code in codes},
    )
