"""The PDF benchmark's own parts: its options, the CPU time it reads, its report."""

from __future__ import annotations

import os

import pytest

from bench.pdf import Results, cpu_seconds, parse_options, report


def test_the_options_and_their_defaults() -> None:
    options = parse_options([])
    assert (options.forms, options.chunk_size, options.keep_db) == (400, None, False)
    options = parse_options(["--forms", "12", "--chunk-size", "3", "--keep-db"])
    assert (options.forms, options.chunk_size, options.keep_db) == (12, 3, True)
    with pytest.raises(SystemExit):
        parse_options(["--forms", "0"])


def test_the_cpu_time_of_a_process_is_read() -> None:
    used = cpu_seconds(os.getpid())
    assert used is not None and used > 0
    assert cpu_seconds(2**22 + 7) is None  # no such process


def results(**changes: object) -> Results:
    values: dict[str, object] = {
        "forms": 400,
        "chunk_size": 10,
        "prepare_seconds": 12.0,
        "seconds": 48.0,
        "pages": 400,
        "size": 6 * 1024 * 1024,
        "peak_kb": 300 * 1024,
        "names_found": 400,
        "cpu_seconds": 90.0,
        "problems": [],
        **changes,
    }
    return Results(**values)  # type: ignore[arg-type]


def test_the_report_names_each_measure_against_its_goal() -> None:
    text = report(results(), header=[("cores", "2")])
    assert "request to PDF" in text and "48.0 s" in text and "<= 60.0 s" in text
    assert "that CPU time over 2 cores" in text and "45.0 s" in text
    assert "MISSED" not in text and "PROBLEM" not in text
    slow = report(
        results(seconds=75.0, problems=["3 employees' names are not in the PDF"]), header=[]
    )
    assert "MISSED" in slow and "PROBLEM: 3 employees' names are not in the PDF" in slow
