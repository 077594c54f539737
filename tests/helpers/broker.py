"""Helpers of the broker fixtures (tests/fixtures/broker.py): a task as it was queued."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Published:
    name: str
    args: tuple[Any, ...]
    options: dict[str, Any] = field(default_factory=dict)
