"""`python -m bench [--employees N] [--chunk-size N] [--workers N] [--seed N] [--keep-db]`

Needs DATABASE_URL (PostgreSQL; its server hosts the benchmark's own database `<name>_bench`,
created, migrated and dropped here, so real data is never touched: the role needs CREATEDB)
and REDIS_URL (the broker; the worker consumes a queue of its own, `hrperf-bench`).

Steps: build the quarter (catalogue, N employees, the quarter opened); the worker generates the
reviews (timed; with `--workers N`, N worker processes share the job); SQL fills targets,
actuals and ratings and submits every review (timed apart, not in the goals); the floor
statement runs (best of 3); one worker scores the cycle (timed from enqueue to done, memory
read meanwhile); every review is compared with the floor. With `--workers N` (N > 1) the
reviews are then put back as submitted (by SQL, untimed) and N worker processes score the
cycle again, sharing the job (REVIEWS_JOB_PARALLELISM = N); that run is compared with the
floor too, and the speed-up from one process to N is reported. Exit status:
0 when the worker agrees with the floor on every review (the goals are reported, not enforced),
1 when it does not or the run failed, 2 when the configuration is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql as pgsql

if TYPE_CHECKING:
    from bench.quarter import Comparison, JobRun
    from bench.worker import BenchWorker

QUEUE = "hrperf-bench"
DEFAULT_EMPLOYEES = 100_000
DEFAULT_SEED = 20260701
# The goals: 100 000 reviews generated in 15 s and scored in 60 s (so 1 667 reviews/s at any
# N), at most 5 times the floor (3 times as a stretch), each worker process under 500 MiB, and
# two processes at least 1.6 times as fast as one (0.8 × N for N processes).
GOAL_SECONDS_PER_100K = 60.0
GOAL_GENERATION_SECONDS_PER_100K = 15.0
GOAL_FLOOR_RATIO = 5.0
STRETCH_FLOOR_RATIO = 3.0
GOAL_WORKER_MIB = 500
GOAL_SPEEDUP_PER_WORKER = 0.8
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


class ConfigurationError(Exception):
    pass


@dataclass
class Results:
    employees: int
    chunk_size: int
    generation: JobRun
    fill_seconds: float
    floor_seconds: float
    scorings: list[tuple[JobRun, Comparison]]  # one worker, then N if asked
    grades: list[tuple[str, int, int]]


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_options(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Score a synthetic quarter with the real worker and compare it with SQL.",
    )
    parser.add_argument(
        "--employees", type=positive, default=DEFAULT_EMPLOYEES, help="N (default 100000)"
    )
    parser.add_argument(
        "--chunk-size",
        type=positive,
        default=None,
        help="reviews per transaction in the worker's jobs (default: REVIEWS_CHUNK_SIZE, 2000)",
    )
    parser.add_argument(
        "--workers",
        type=positive,
        default=1,
        help="worker processes of a second scoring run, compared with one (default 1: one run)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the quarter's data")
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the benchmark database at the end"
    )
    return parser.parse_args(argv)


# -- the benchmark's own database ------------------------------------------------------------


def bench_database(url: str, suffix: str = "") -> tuple[str, str]:
    """The URL and name of the benchmark database beside DATABASE_URL's: `<name>_bench`, or
    `<name>_bench_<suffix>` for a benchmark of its own, so that several can run at once."""
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise ConfigurationError(
            "The benchmark needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name "
            "(its server will host the benchmark's own database, <name>_bench)."
        )
    base = unquote(parts.path.lstrip("/")) or "hrperf"
    name = f"{base}_bench_{suffix}" if suffix else f"{base}_bench"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _admin_connection(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the server's maintenance database, for CREATE and DROP DATABASE."""
    conninfo = urlunsplit(urlsplit(url)._replace(scheme="postgresql"))
    try:
        return psycopg.connect(conninfo, dbname="postgres", autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(conninfo, dbname="template1", autocommit=True)


def database_create(url: str, name: str) -> None:
    """Create the benchmark database afresh (one left by --keep-db is dropped first)."""
    with _admin_connection(url) as admin:
        admin.execute(
            pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name))
        )
        admin.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))


def database_made(suffix: str = "") -> tuple[str, str] | None:
    """The benchmark's own database beside DATABASE_URL's (`bench_database`), made afresh: its
    URL and name, or None when it cannot be (the reason written to stderr: exit status 2)."""
    try:
        bench_url, name = bench_database(os.environ.get("DATABASE_URL", ""), suffix)
    except ConfigurationError as error:
        sys.stderr.write(f"{error}\n")
        return None
    try:
        database_create(os.environ["DATABASE_URL"], name)
    except psycopg.Error as error:
        sys.stderr.write(f"Cannot create the benchmark database {name}: {error}\n")
        return None
    return bench_url, name


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as /proc/loadavg gives them (every figure depends
    on them), or n/a."""
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="ascii").split()[:3])
    except OSError:
        return "n/a"


def static_collect() -> None:
    """Collect the static files as a deploy does, with the server's settings (the
    environment's), whatever this process's are: the production settings hash their names
    through a manifest, without which a page cannot be drawn."""
    from django.conf import settings

    subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "hrperf.settings"},
        check=True,
    )


def database_drop(url: str, name: str) -> None:
    with _admin_connection(url) as admin:
        admin.execute(
            pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name))
        )


# -- the run ---------------------------------------------------------------------------------


def production_environment(bench_url: str, **extra: str) -> None:
    """The environment of a benchmark's process (and of the worker or server it starts):
    production settings on the benchmark's database, DEBUG off (no query log), a secret key of
    its own; `extra` sets the benchmark's other variables."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "hrperf.settings"
    os.environ["DATABASE_URL"] = bench_url
    # The benchmark's own database has one role, the one that created it.
    os.environ.pop("DATABASE_OWNER_URL", None)
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.update(extra)


def _configure(bench_url: str, chunk_size: int | None) -> None:
    """The environment of this process and of the worker: tasks to the bench queue."""
    production_environment(bench_url, CELERY_TASK_ALWAYS_EAGER="0", CELERY_QUEUE=QUEUE)
    if chunk_size is not None:
        os.environ["REVIEWS_CHUNK_SIZE"] = str(chunk_size)


def run(*, employees: int, seed: int, workers: int, worker_log: Path) -> Results:
    """Every step, on the configured Django database (Django is set up)."""
    from django.conf import settings
    from django.core.management import call_command

    from bench import quarter as steps

    steps.log("migrating the benchmark database")
    call_command("migrate", verbosity=0)
    steps.log(f"building a quarter of {employees:,} employees")
    quarter = steps.quarter_build(employees=employees)
    scorings = []
    with steps.default_queue(QUEUE), _workers(workers, worker_log) as processes:
        steps.log(f"{len(processes)} worker(s) generate the reviews")
        generation = steps.reviews_generate(quarter, *processes)
    with steps.default_queue(QUEUE), _workers(1, worker_log) as (worker,):
        steps.log(f"filling figures and ratings by SQL (seed {seed})")
        fill_seconds = steps.reviews_fill(quarter, seed=seed)
        steps.log("computing the floor (best of 3)")
        floor_seconds = steps.floor_compute(quarter)
        steps.log("the worker scores the cycle")
        scoring = steps.reviews_score(quarter, worker)
    steps.log("comparing every review with the floor")
    scorings.append((scoring, steps.floor_compare(quarter)))
    if workers > 1:
        steps.log("putting the reviews back as submitted (untimed)")
        steps.reviews_resubmit(quarter)
        with steps.default_queue(QUEUE), _workers(workers, worker_log) as processes:
            steps.log(f"{workers} workers score the cycle")
            scoring = steps.reviews_score(quarter, *processes)
        steps.log("comparing every review with the floor")
        scorings.append((scoring, steps.floor_compare(quarter)))
    grades = steps.grade_counts()
    steps.floor_drop()
    return Results(
        employees=quarter.employees,
        chunk_size=settings.REVIEWS_CHUNK_SIZE,
        generation=generation,
        fill_seconds=fill_seconds,
        floor_seconds=floor_seconds,
        scorings=scorings,
        grades=grades,
    )


@contextmanager
def _workers(count: int, log: Path) -> Iterator[tuple[BenchWorker, ...]]:
    """`count` worker processes on the bench queue, sharing a job between them
    (REVIEWS_JOB_PARALLELISM = count); stopped on the way out."""
    from bench import quarter as steps
    from bench.worker import BenchWorker

    environment = {**os.environ, "REVIEWS_JOB_PARALLELISM": str(count)}
    started: list[BenchWorker] = []
    try:
        for index in range(count):
            worker = BenchWorker(
                queue=QUEUE,
                environment=environment,
                log_path=log.with_name(f"{log.stem}-{count}-{index}{log.suffix}"),
                index=index,
            )
            started.append(worker)
            worker.start(purge=index == 0)
            steps.log(f"a worker is up (pid {worker.pid}, log {worker.log_path})")
        yield tuple(started)
    finally:
        for worker in started:
            worker.stop()


# -- the report ------------------------------------------------------------------------------


def _mib(kb: int | None) -> str:
    return "n/a" if kb is None else f"{kb / 1024:,.0f} MiB"


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} reviews/s" if seconds > 0 else "n/a"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _scoring_rows(
    results: Results, scoring: JobRun, comparison: Comparison
) -> list[tuple[str, str, str, str]]:
    """The rows of one scoring run: time, ratio to the floor, memory per process, check."""
    n = results.employees
    who = "1 worker" if scoring.workers == 1 else f"{scoring.workers} workers"
    allowed = GOAL_SECONDS_PER_100K * n / 100_000
    ratio = scoring.seconds / results.floor_seconds if results.floor_seconds > 0 else float("inf")
    peak_ok = scoring.peak_kb is not None and scoring.peak_kb < GOAL_WORKER_MIB * 1024
    return [
        (f"scoring, {who}: load average", f"{scoring.load[0]} -> {scoring.load[1]}", "", ""),
        (
            f"scoring, {who}: reviews scored",
            f"{scoring.done:,}",
            f"{n:,}",
            _verdict(scoring.done == n),
        ),
        (
            f"scoring, {who}: enqueue to done",
            f"{scoring.seconds:,.2f} s",
            f"<= {allowed:,.1f} s",
            _verdict(scoring.seconds <= allowed),
        ),
        (f"scoring, {who}: rate", _rate(scoring.done, scoring.seconds), ">= 1,667 reviews/s", ""),
        (
            f"scoring, {who} / floor",
            f"{ratio:,.1f} x",
            f"<= {GOAL_FLOOR_RATIO:g} x",
            _verdict(ratio <= GOAL_FLOOR_RATIO),
        ),
        (
            f"scoring, {who} / floor (stretch)",
            f"{ratio:,.1f} x",
            f"<= {STRETCH_FLOOR_RATIO:g} x",
            _verdict(ratio <= STRETCH_FLOOR_RATIO),
        ),
        (f"scoring, {who}: RSS at enqueue (per process)", _mib(scoring.start_kb), "", ""),
        (
            f"scoring, {who}: peak RSS (per process)",
            _mib(scoring.peak_kb),
            f"< {GOAL_WORKER_MIB} MiB",
            _verdict(peak_ok),
        ),
        (
            f"scoring, {who}: reviews differing from the floor",
            f"{comparison.mismatches:,}",
            "0",
            _verdict(comparison.mismatches == 0),
        ),
    ]


def _speedup_row(one: JobRun, many: JobRun) -> tuple[str, str, str, str]:
    speedup = one.seconds / many.seconds if many.seconds > 0 else float("inf")
    goal = GOAL_SPEEDUP_PER_WORKER * many.workers
    return (
        f"speed-up, 1 -> {many.workers} workers",
        f"{speedup:,.2f} x",
        f">= {goal:g} x",
        _verdict(speedup >= goal),
    )


def report(results: Results, *, header: Sequence[tuple[str, str]]) -> str:
    from bench.quarter import as_text

    n = results.employees
    generation = results.generation
    who = "1 worker" if generation.workers == 1 else f"{generation.workers} workers"
    allowed = GOAL_GENERATION_SECONDS_PER_100K * n / 100_000
    rows: list[tuple[str, str, str, str]] = [
        ("employees (N)", f"{n:,}", "", ""),
        ("chunk size (REVIEWS_CHUNK_SIZE)", f"{results.chunk_size:,}", "", ""),
        (
            f"generation, {who}: reviews made",
            f"{generation.done:,}",
            f"{n:,}",
            _verdict(generation.done == n),
        ),
        (
            f"generation, {who}: enqueue to done",
            f"{generation.seconds:,.2f} s",
            f"<= {allowed:,.1f} s",
            _verdict(generation.seconds <= allowed),
        ),
        (f"generation, {who}: rate", _rate(generation.done, generation.seconds), "", ""),
        (f"generation, {who}: peak RSS (per process)", _mib(generation.peak_kb), "", ""),
        ("fill by SQL (not in the goals)", f"{results.fill_seconds:,.2f} s", "", ""),
        ("floor: one SQL statement, best of 3", f"{results.floor_seconds:,.3f} s", "", ""),
    ]
    for scoring, comparison in results.scorings:
        rows += _scoring_rows(results, scoring, comparison)
    if len(results.scorings) > 1:
        rows.append(_speedup_row(results.scorings[0][0], results.scorings[-1][0]))
    widths = [
        max(len(row[i]) for row in [*rows, ("measure", "value", "goal", "result")])
        for i in range(4)
    ]
    rule = "  ".join("-" * w for w in widths)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) if i == 1 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = ["", "hrperf scoring benchmark", ""]
    out += [f"  {label}: {value}" for label, value in header]
    out += ["", line(("measure", "value", "goal", "result")), rule]
    out += [line(row) for row in rows]
    out += [rule, ""]
    if not all(scoring.peak_reset for scoring, _ in results.scorings):
        out.append("(a worker's VmHWM could not be reset: its peak may be from generation)")
    total = sum(count for _, count, _ in results.grades) or 1
    out.append(
        "grades (floor): "
        + ", ".join(
            f"{grade} {count:,} ({100 * count / total:.1f} %)" for grade, count, _ in results.grades
        )
        + f"; verbal warnings {sum(w for _, _, w in results.grades):,}"
    )
    for mismatch in (m for _, comparison in results.scorings for m in comparison.first):
        differing = [
            f"{name} {as_text(mismatch.worker[name])} (floor {as_text(mismatch.floor[name])})"
            for name in mismatch.worker
            if mismatch.worker[name] != mismatch.floor[name]
        ]
        out.append(
            f"MISMATCH review {mismatch.review_id} [{mismatch.state}]: " + "; ".join(differing)
        )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    made = database_made()
    if made is None:
        return 2
    bench_url, name = made
    base_url = os.environ["DATABASE_URL"]
    _configure(bench_url, options.chunk_size)
    worker_log = Path(tempfile.gettempdir()) / f"hrperf-bench-worker-{os.getpid()}.log"
    status = 1
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection

        from bench.worker import WorkerError

        started_at = dt.datetime.now().astimezone()
        clock = time.perf_counter()
        try:
            results = run(
                employees=options.employees,
                seed=options.seed,
                workers=options.workers,
                worker_log=worker_log,
            )
        except WorkerError as error:
            sys.stderr.write(f"{error}\n")
            return 1
        with connection.cursor() as cursor:
            version = cursor.connection.info.server_version
        header = [
            ("date", started_at.isoformat(timespec="seconds")),
            ("database", f"{name} on PostgreSQL {version // 10000}.{version % 10000}"),
            ("broker", f"{settings.CELERY_BROKER_URL}, queue {QUEUE}"),
            (
                "worker",
                "celery --pool=solo, one process"
                + (f", then {options.workers}" if options.workers > 1 else ""),
            ),
            ("cores", str(os.cpu_count())),
            ("seed", str(options.seed)),
            ("whole run", f"{time.perf_counter() - clock:,.1f} s"),
        ]
        sys.stdout.write(report(results, header=header))
        status = 0 if all(c.mismatches == 0 for _, c in results.scorings) else 1
    finally:
        from django.db import connections

        connections.close_all()
        if options.keep_db:
            sys.stderr.write(f"The benchmark database {name} is kept: {bench_url}\n")
        else:
            database_drop(base_url, name)
    return status
