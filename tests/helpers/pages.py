"""Helpers of the page tests: the quarter they work on (built by the `page_quarter` fixture,
tests/fixtures/quarters.py) moved on as the worker and the director would, and reading a page's
HTML.

`page_quarter` is 2026Q3 with a review for each worked example of scoring.md (E00001 head,
E00002 employee in SALES, E00003 other_employee in MARKET, E00004 KEYACCT, E00005 QUALITY),
generated through the services without a worker; each review is a draft. `complete_example`,
`submit_and_score` and `approve` move one review on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User

from reviews import services
from reviews.models import Review, ReviewCycle
from tests.helpers.examples import WORKED_EXAMPLES, fill_in

PERIOD = "2026Q3"
EXAMPLES = {example.employee_no: example for example in WORKED_EXAMPLES}


@dataclass
class PageQuarter:
    cycle: ReviewCycle
    reviews: dict[str, Review]  # by employee number

    def refresh(self) -> None:
        for review in self.reviews.values():
            review.refresh_from_db()


def generate_now(cycle: ReviewCycle) -> None:
    """Create the quarter's reviews in this process, as the worker's generation job would."""
    while services.reviews_generate_chunk(cycle_id=cycle.pk):
        pass


def complete_example(personas: Mapping[str, User], review: Review) -> Review:
    """Enter the figures and both assessors' ratings of the review's worked example."""
    return fill_in(personas, review, EXAMPLES[review.employee.employee_no])


def submit_and_score(personas: Mapping[str, User], review: Review) -> Review:
    """Complete the review, submit it and score it here, as the worker would."""
    review = complete_example(personas, review)
    review = services.review_submit(actor=personas["hr"], review=review)
    services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    assert review.state == Review.State.SCORED, review.state
    return review


def approve(personas: Mapping[str, User], review: Review) -> Review:
    review = submit_and_score(personas, review)
    return services.review_approve(actor=personas["director"], review=review)


# -- reading a page ----------------------------------------------------------------------------


def section(html: str, testid: str) -> str:
    """The HTML of the <section> (or element) with that data-testid, up to its closing tag."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{re.escape(testid)}"', html)
    assert match is not None, f"no {testid} in the page"
    tag = match.group(1)
    opening, closing = re.compile(rf"<{tag}[\s>]"), f"</{tag}>"
    end = html.index(closing, match.end()) + len(closing)
    # Nested elements of the same tag: extend until the tags balance.
    while len(opening.findall(html, match.start(), end)) > html.count(closing, match.start(), end):
        end = html.index(closing, end) + len(closing)
    return html[match.start() : end]


def has(html: str, testid: str) -> bool:
    return f'data-testid="{testid}"' in html


def figures(html: str, marker: str) -> dict[str, list[str]]:
    """The cells of each table row marked `data-<marker>="…"`, by the marker's value."""
    rows = {}
    for key, body in re.findall(rf'<tr data-{marker}="([^"]+)">(.*?)</tr>', html, re.S):
        rows[key] = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        ]
    return rows
