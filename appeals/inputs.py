"""What an appeal disputes, as the pages and the API send it: a KPI line (by its id on the
review), a rating (an assessor's rating of a competency, by the competency's code) or the whole
result. The page's checkboxes send each as a token: `line:<id>`, `rating:<assessor>:<code>`,
`whole`."""

from __future__ import annotations

from dataclasses import dataclass

LINE = "line"
RATING = "rating"
WHOLE = "whole"


@dataclass(frozen=True)
class Disputed:
    kind: str
    line_id: int | None = None
    assessor: str = ""
    competency: str = ""

    @property
    def token(self) -> str:
        if self.kind == LINE:
            return f"{LINE}:{self.line_id}"
        if self.kind == RATING:
            return f"{RATING}:{self.assessor}:{self.competency}"
        return self.kind


def disputed_of(token: str) -> Disputed | None:
    """The item a checkbox's value names; None for a value no checkbox sends."""
    kind, _sep, rest = token.strip().partition(":")
    if kind == WHOLE and not rest:
        return Disputed(WHOLE)
    if kind == LINE and rest.isascii() and rest.isdigit() and len(rest) < 19:
        return Disputed(LINE, line_id=int(rest))
    if kind == RATING:
        assessor, _sep, competency = rest.partition(":")
        if assessor and competency:
            return Disputed(RATING, assessor=assessor, competency=competency)
    return None
