"""Python's cyclic garbage collector, paused around a bulk step.

A chunk of a job builds tens of thousands of short-lived objects (a review's lines and ratings,
its result, its event), nearly all of them freed by reference counting as soon as the chunk is
written. Each 700 allocations the collector runs nonetheless, and from time to time it walks
every object the process holds (Django's, the libraries'): measured on a scoring chunk, a
fifth of the worker's time. Paused for the chunk, it runs again afterwards and collects then
whatever cycles the chunk did leave.

Process-wide, as the collector is: the pause lasts while any thread is inside one, and it
never turns on a collector that was off before the first one began."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    def enter(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1

    def leave(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._was_enabled:
                gc.enable()


_PAUSES = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (reference counting still frees objects)."""
    _PAUSES.enter()
    try:
        yield
    finally:
        _PAUSES.leave()
