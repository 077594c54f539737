"""Bringing the rows of one table in line with the catalogue file, counting what changed.

Rows are matched by a key (a code, or a position within their department or kind); only rows
whose values differ are saved, so loading the same file again changes nothing. `sync_keyed`
deletes the rows the file no longer has; `sync_ranked` also moves rows whose unique position
changes (the order of a competency, a department's seq) and leaves the deleting to its caller.
`delete_unless_used` deletes one row unless other rows still refer to it.

Shared by `departments.catalogue` and `kpis.catalogue`, and kept out of the
`departments.catalogue` package so that `kpis.catalogue` can use it without importing that
package, which imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError

# Positions (a department's seq, the order of a competency) are stored as small integers.
MAX_POSITION = 32767

M = TypeVar("M", bound=models.Model)
K = TypeVar("K")


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    deactivated: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted + self.deactivated


def assign(obj: models.Model, values: Mapping[str, Any]) -> bool:
    """Set `values` on `obj`; True when any of them differed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def sync_keyed(
    *,
    model: type[M],
    existing: dict[K, M],
    wanted: dict[K, dict[str, Any]],
    build: Callable[[K, dict[str, Any]], M],
    counts: KindCounts,
) -> None:
    """Make the rows `existing` (by key) match `wanted`: update, create, delete the rest."""
    new: list[M] = []
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            new.append(build(key, values))
        elif assign(obj, values):
            obj.save()
            counts.updated += 1
    extra = [obj.pk for key, obj in existing.items() if key not in wanted]
    if extra:
        model._default_manager.filter(pk__in=extra).delete()
        counts.deleted += len(extra)
    if new:
        model._default_manager.bulk_create(new)
        counts.created += len(new)


def _free_positions(blocked: set[int]) -> Iterator[int]:
    top = max(blocked, default=0)
    candidates = chain(range(top + 1, MAX_POSITION + 1), range(1, top + 1))
    return (value for value in candidates if value not in blocked)


def sync_ranked(
    *,
    model: type[M],
    existing: dict[str, M],
    wanted: dict[str, dict[str, Any]],
    position: str,
    build: Callable[[str, dict[str, Any]], M],
    counts: KindCounts,
) -> dict[str, M]:
    """Make the rows `existing` (by code) match `wanted`, whose unique `position` may move.

    Rows in `existing` but not in `wanted` are left for the caller to delete; any of them
    that holds a position the file gives to another row moves after the catalogue's.
    Rows changing position first step aside to free positions, so that a swap never meets
    the unique constraint halfway.
    """
    targets = {code: values[position] for code, values in wanted.items()}
    taken = set(targets.values())
    free = _free_positions(taken | {getattr(obj, position) for obj in existing.values()})
    finals: dict[str, int] = {}
    for code, obj in existing.items():
        current = getattr(obj, position)
        if code in targets:
            target = targets[code]
        elif current in taken:
            target = next(free)
        else:
            continue
        if target != current:
            finals[code] = target
    manager = model._default_manager
    for code, target in finals.items():
        if code in wanted:  # steps aside now, takes its place when saved below
            manager.filter(pk=existing[code].pk).update(**{position: next(free)})
        else:  # out of the catalogue: goes straight to a free position
            manager.filter(pk=existing[code].pk).update(**{position: target})
            setattr(existing[code], position, target)
    result: dict[str, M] = {}
    new: list[M] = []
    for code, values in wanted.items():
        if code not in existing:
            result[code] = build(code, values)
            new.append(result[code])
            continue
        obj = result[code] = existing[code]
        if assign(obj, values):
            obj.save()
            counts.updated += 1
    if new:
        manager.bulk_create(new)
        counts.created += len(new)
    return result


def delete_unless_used(obj: models.Model) -> dict[str, int] | None:
    """Delete `obj` (a savepoint keeps the load going); None when something still uses it."""
    try:
        with transaction.atomic():
            _total, per_model = obj.delete()
    except (ProtectedError, RestrictedError):
        return None
    return per_model
