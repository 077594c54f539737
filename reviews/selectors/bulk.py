"""The sets a bulk action acts on, read once: every review matching a filter that the action
may take (by id, with the revision read), what is left out and why, and a fingerprint of the
set. The page or API shows the count; the confirmation carries it and the fingerprint back, and
the service refuses the action when the set read again is not the same (a fixed number of
queries whatever the size)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from reviews import workflow
from reviews.models import Review
from reviews.workflow import Action

# How many of the reviews left out a page names (the rest are counted).
NAMED_MAX = 50


@dataclass(frozen=True)
class Left:
    """A review left out of a bulk action: its id, employee number and name."""

    pk: int
    employee_no: str
    name: str


@dataclass(frozen=True)
class Batch:
    """The reviews a bulk action would act on: (id, revision) pairs by id; and those of the
    filter left out because they are incomplete (counted, the first NAMED_MAX named)."""

    pairs: tuple[tuple[int, int], ...]
    left_out: int = 0
    named: tuple[Left, ...] = field(default_factory=tuple)

    @property
    def count(self) -> int:
        return len(self.pairs)

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.pairs)

    @property
    def ids(self) -> list[int]:
        return [pk for pk, _revision in self.pairs]


def fingerprint_of(pairs: Sequence[tuple[int, int]]) -> str:
    """A short digest of a set of (id, revision) pairs: it changes when a review joins or
    leaves the set or changes its revision."""
    text = ",".join(f"{pk}:{revision}" for pk, revision in sorted(pairs))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def approvable(reviews: QuerySet[Review]) -> Batch:
    """The reviews of `reviews` the director may approve now: scored at their current
    revision (one query)."""
    rows = (
        reviews.filter(state__in=workflow.rule(Action.APPROVE).within)
        .order_by("pk")
        .values_list("pk", "revision", "scored_revision")
    )
    return Batch(pairs=tuple((pk, revision) for pk, revision, scored in rows if scored == revision))


def submittable(reviews: QuerySet[Review]) -> Batch:
    """The complete reviews of `reviews` HR may submit now; the incomplete ones in the same
    states are left out, counted and (the first NAMED_MAX) named (one query)."""
    rows = (
        reviews.filter(state__in=workflow.rule(Action.SUBMIT).within)
        .order_by("pk")
        .values_list(
            "pk", "revision", "incomplete_reasons", "employee__employee_no", "employee__name"
        )
    )
    pairs: list[tuple[int, int]] = []
    left: list[Left] = []
    left_out = 0
    for pk, revision, missing, number, name in rows:
        if missing:
            left_out += 1
            if len(left) < NAMED_MAX:
                left.append(Left(pk=pk, employee_no=number, name=name))
        else:
            pairs.append((pk, revision))
    return Batch(pairs=tuple(pairs), left_out=left_out, named=tuple(left))
