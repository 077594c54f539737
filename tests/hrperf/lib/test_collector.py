"""The collector's pause: off inside, back on after, whatever the nesting, the threads or an
error; never turned on when it was off before."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from hrperf.lib.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_on_again_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("the chunk failed")
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outer_one() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_threads_end_the_pause_when_the_last_leaves() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait(timeout=10)

    thread = threading.Thread(target=other)
    with collector_paused():
        thread.start()
        assert inside.wait(timeout=10)
    assert not gc.isenabled(), "the other thread is still inside"
    release.set()
    thread.join(timeout=10)
    assert gc.isenabled()
