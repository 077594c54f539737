"""`python -m bench payroll [--rows N] [--page-size N] [--requests N] [--workers N] [--keep-db]`

The payroll pull, end to end. Needs DATABASE_URL (PostgreSQL; its server hosts the benchmark's
own database `<name>_bench_payroll`, created, migrated and dropped here: the role needs
CREATEDB).

Steps: N approved reviews of one quarter are made by SQL (one in a hundred reopened and
approved again, so it has two approved results and only the second is in the feed; approvals
come in bulk actions of 50 sharing one instant), then a gunicorn server is started on
127.0.0.1 with the production settings and timed through HTTP, as a payroll client sees it:

(a) the whole feed as JSON, page after page (the `next` links), 500 rows a page;
(b) the same rows as one CSV download, best of 3;
(c) the floor: PostgreSQL's own `COPY (SELECT the same rows) TO STDOUT WITH CSV`, best of 3;
(d) the latency of single pages, each a page of the feed fetched again by its cursor.

The JSON rows, the CSV rows and the floor's rows are compared (same rows, same order, same
values). Exit status: 0 when they agree (the goals are reported, not enforced), 1 when they do
not or the run failed, 2 when the configuration is wrong.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
import requests

from bench.cli import (
    database_drop,
    database_made,
    load_average,
    positive,
    production_environment,
)

PERIOD = "2026Q3"
DEFAULT_ROWS = 100_000
DEFAULT_PAGE_SIZE = 500
DEFAULT_REQUESTS = 200
DEFAULT_WORKERS = 2
BULK_ACTION = 50  # reviews approved by one bulk action, sharing one approved_at
REAPPROVED_EVERY = 100  # one review in this many was reopened and approved again
SERVER_START_SECONDS = 60.0
# The server's own rate for payroll tokens: high enough never to throttle the measures (a pull
# of 100 000 rows is 200 requests; the production rate is API_RATE_PAYROLL).
SERVER_RATE = "100000/min"
REQUEST_TIMEOUT = 300.0
GOAL_JSON_SECONDS = 5.0
GOAL_CSV_FLOOR_RATIO = 2.0
GOAL_PAGE_P95_MS = 200.0
FIELDS = (
    "employee_no",
    "employee_name",
    "department_code",
    "period",
    "total_score",
    "grade",
    "pay_coefficient",
    "verbal_warning",
    "version",
    "approved_at",
    # the employee's confirmation of the version: one object in the JSON, three CSV columns
    "confirmation_status",
    "confirmation_how",
    "confirmation_at",
)
CONFIRMATION = {"confirmation_status": "status", "confirmation_how": "how", "confirmation_at": "at"}
# The columns that hold a moment, compared as instants.
MOMENTS = tuple(FIELDS.index(name) for name in ("approved_at", "confirmation_at"))

# -- the data, by SQL ------------------------------------------------------------------------

# Names are Chinese; one in a thousand has a comma and a quote, so that CSV quoting shows.
EMPLOYEES = """
INSERT INTO departments_employee
    (employee_no, name, department_id, position, is_department_head, is_active,
     created_at, updated_at)
SELECT 'P' || lpad(g::text, 7, '0'),
       CASE WHEN g %% 1000 = 100 THEN '欧阳, "小明"'
            ELSE (ARRAY['张','王','李','赵','陈','刘','杨','黄','周','吴'])[1 + g %% 10]
                 || (ARRAY['伟','芳','娜','敏','静','磊','洋','艳','勇','军','杰','娟'])
                    [1 + (g / 10) %% 12]
       END,
       d.ids[1 + (g - 1) %% cardinality(d.ids)], '', false, true, now(), now()
FROM generate_series(1, %(rows)s) AS g,
     (SELECT array_agg(id ORDER BY seq) AS ids FROM departments_department) AS d
"""

# The figures of version v of the review of employee n: deterministic, 40.00 to 99.99.
_TOTAL = "round(40 + 60 * ((({n}) * 7919 + ({v}) * 104729) %% 10000) / 10000.0, 2)"
_GRADE = """CASE WHEN {t} >= 95 THEN 'S' WHEN {t} >= 85 THEN 'A' WHEN {t} >= 75 THEN 'B'
                 WHEN {t} >= 60 THEN 'C' ELSE 'D' END"""
_COEFFICIENT = """CASE WHEN {t} >= 95 THEN 1.20 WHEN {t} >= 85 THEN 1.10
                       WHEN {t} >= 75 THEN 1.00 WHEN {t} >= 60 THEN 0.90 ELSE 0.70 END"""
# Version 1 of the n-th review is approved in bulk action (n - 1) / 50, one a minute from the
# base instant (with microseconds, as real approvals have); version 2, two weeks later.
_APPROVED_AT = """(timestamptz '2026-10-08 09:00:00.250000+08'
                   + ((({n}) - 1) / {bulk}) * interval '1 minute'
                   + (({v}) - 1) * interval '14 days')"""

# The reviews go the way the database lets them (reviews/migrations/0004): inserted scored with
# the figures of version 1, approved, their results kept; one in REAPPROVED_EVERY is then
# reopened, scored again with the figures of version 2, approved again and its result kept.
# All in one transaction: an approved review needs its result by commit time.
REVIEWS = f"""
INSERT INTO reviews_review
    (cycle_id, employee_id, department_id, state, version, revision, scored_revision,
     policy_id, kpi_score, competency_score, total_score, grade, pay_coefficient,
     verbal_warning, incomplete_reasons, submitted_at, scored_at, approved_at, approved_by_id,
     created_at, updated_at)
SELECT %(cycle)s, e.id, e.department_id, 'scored', 1, 1, 1,
       %(policy)s, f.total, f.total, f.total, {_GRADE.format(t="f.total")},
       {_COEFFICIENT.format(t="f.total")}, f.total < 60, '[]'::jsonb, now(), now(),
       {_APPROVED_AT.format(n="e.n", v="1", bulk=BULK_ACTION)}, %(director)s, now(), now()
FROM (SELECT id, department_id, row_number() OVER (ORDER BY id) AS n
      FROM departments_employee WHERE employee_no LIKE 'P%%') AS e
CROSS JOIN LATERAL (SELECT {_TOTAL.format(n="e.n", v="1")} AS total) AS f
"""  # noqa: S608 (constants only)

APPROVE = """
UPDATE reviews_review SET state = 'approved' WHERE cycle_id = %(cycle)s AND state = 'scored'
"""

APPROVED_RESULTS = """
INSERT INTO reviews_approvedresult
    (review_id, version, policy_id, kpi_score, competency_score, total_score, grade,
     pay_coefficient, verbal_warning, approved_at, approved_by_id, snapshot)
SELECT id, version, policy_id, kpi_score, competency_score, total_score, grade,
       pay_coefficient, verbal_warning, approved_at, approved_by_id,
       '{"lines": [], "ratings": []}'::jsonb
FROM reviews_review WHERE cycle_id = %(cycle)s AND state = 'approved' AND version = %(version)s
ORDER BY approved_at, id
"""

_RANKED = """(SELECT id, row_number() OVER (ORDER BY id) AS n FROM reviews_review
              WHERE cycle_id = %(cycle)s) AS r"""

REOPEN = f"""
UPDATE reviews_review AS t SET state = 'reopened', version = 2, revision = 2
FROM {_RANKED} WHERE t.id = r.id AND r.n %% {REAPPROVED_EVERY} = 0
"""  # noqa: S608 (constants only)

RESCORE = f"""
UPDATE reviews_review AS t
SET state = 'scored', scored_revision = 2, kpi_score = f.total, competency_score = f.total,
    total_score = f.total, grade = {_GRADE.format(t="f.total")},
    pay_coefficient = {_COEFFICIENT.format(t="f.total")}, verbal_warning = f.total < 60,
    approved_at = {_APPROVED_AT.format(n="r.n", v="2", bulk=BULK_ACTION)}
FROM {_RANKED}
CROSS JOIN LATERAL (SELECT {_TOTAL.format(n="r.n", v="2")} AS total) AS f
WHERE t.id = r.id AND t.state = 'reopened'
"""  # noqa: S608 (constants only)

# The floor: the same rows, in the same order and format, written by PostgreSQL itself.
FLOOR = """
COPY (
    SELECT e.employee_no, e.name, d.code, c.period, ar.total_score::text, ar.grade,
           ar.pay_coefficient::text,
           CASE WHEN ar.verbal_warning THEN 'true' ELSE 'false' END, ar.version,
           to_char(ar.approved_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS.US')
               || '+08:00',
           CASE WHEN k.how IS NOT NULL THEN 'confirmed'
                WHEN EXISTS (
                    SELECT 1 FROM appeals_appeal a
                    WHERE a.review_id = ar.review_id AND a.version = ar.version
                      AND a.status IN ('filed', 'accepted')
                ) THEN 'appealed'
                ELSE 'pending' END,
           k.how,
           to_char(k.confirmed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS.US')
               || '+08:00'
    FROM reviews_approvedresult ar
    LEFT JOIN appeals_confirmation k ON k.review_id = ar.review_id AND k.version = ar.version
    JOIN reviews_review r ON r.id = ar.review_id
    JOIN reviews_reviewcycle c ON c.id = r.cycle_id
    JOIN departments_employee e ON e.id = r.employee_id
    JOIN departments_department d ON d.id = r.department_id
    WHERE r.cycle_id = (SELECT id FROM reviews_reviewcycle WHERE period = {period})
      AND NOT EXISTS (
          SELECT 1 FROM reviews_approvedresult n
          WHERE n.review_id = ar.review_id AND n.version > ar.version
      )
    ORDER BY ar.approved_at, ar.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


@dataclass
class Built:
    reviews: int
    results: int
    seconds: float


@dataclass
class Pull:
    seconds: float
    rows: list[list[str]]
    pages: int
    links: list[str]  # the URL of every page after the first
    page_ms: list[float]


@dataclass
class Download:
    seconds: float
    rows: list[list[str]]
    nbytes: int
    bom: bool
    header: list[str]


@dataclass
class Results:
    built: Built
    page_size: int
    pull: Pull
    csv: Download
    floor_seconds: float
    floor_rows: list[list[str]]
    latency_ms: list[float]
    problems: list[str]


def log(message: str) -> None:
    sys.stderr.write(f"[bench payroll {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def parse_options(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench payroll",
        description="Pull a quarter of approved reviews as payroll does: JSON pages and CSV.",
    )
    parser.add_argument(
        "--rows", type=positive, default=DEFAULT_ROWS, help="approved reviews (default 100000)"
    )
    parser.add_argument(
        "--page-size", type=positive, default=DEFAULT_PAGE_SIZE, help="rows a page (default 500)"
    )
    parser.add_argument(
        "--requests",
        type=positive,
        default=DEFAULT_REQUESTS,
        help="single-page requests timed for the latency (default 200)",
    )
    parser.add_argument(
        "--workers", type=positive, default=DEFAULT_WORKERS, help="gunicorn workers (default 2)"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the benchmark database at the end"
    )
    return parser.parse_args(argv)


def build(*, rows: int) -> Built:
    """The catalogue, `rows` employees and their approved reviews of PERIOD (Django is set up,
    on the benchmark database)."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection, transaction

    from hrperf.lib import roles
    from reviews import services
    from reviews.policies import current_policy

    started = time.perf_counter()
    call_command("load_catalogue", stdout=io.StringIO())
    hr = User.objects.create_user(username="bench-hr")
    hr.groups.add(Group.objects.get_or_create(name=roles.HR)[0])
    director = User.objects.create_user(username="bench-director")
    director.groups.add(Group.objects.get_or_create(name=roles.DIRECTOR)[0])
    cycle = services.cycle_open(actor=hr, period=PERIOD)
    policy = current_policy(cycle)
    params = {"rows": rows, "cycle": cycle.pk, "policy": policy.pk, "director": director.pk}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(EMPLOYEES, params)
        cursor.execute(REVIEWS, params)
        reviews = cursor.rowcount
        cursor.execute(APPROVE, params)
        cursor.execute(APPROVED_RESULTS, {**params, "version": 1})
        results = cursor.rowcount
        for statement in (REOPEN, RESCORE, APPROVE):
            cursor.execute(statement, params)
        cursor.execute(APPROVED_RESULTS, {**params, "version": 2})
        results += cursor.rowcount
    with connection.cursor() as cursor:
        for table in ("departments_employee", "reviews_review", "reviews_approvedresult"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return Built(reviews=reviews, results=results, seconds=time.perf_counter() - started)


def credentials() -> dict[str, str]:
    """The request header of a payroll client: a new API token of scope payroll."""
    from clients import services as clients

    client = clients.client_create(actor=None, name="bench-payroll")
    _token, raw = clients.token_create(actor=None, client=client, scope="payroll")
    return {"Authorization": f"Token {raw}"}


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server(*, workers: int, log_path: Path) -> Iterator[str]:
    """A gunicorn server of the application on 127.0.0.1, with the production settings on the
    benchmark database; yields its base URL, and stops it (by its own pid) at the end."""
    from django.conf import settings

    port = free_port()
    environment = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_RATE_PAYROLL": SERVER_RATE,
        "PYTHONUNBUFFERED": "1",
    }
    with log_path.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "hrperf.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                str(int(REQUEST_TIMEOUT)),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({process.returncode}); see {log_path}")
            try:
                requests.get(base + "/healthz", timeout=5)
                break
            except (requests.ConnectionError, requests.Timeout):
                # Not listening yet, or still loading the application on a busy machine.
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn is not up; see {log_path}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the measures ----------------------------------------------------------------------------


def _get(session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
    response = session.get(url, timeout=REQUEST_TIMEOUT, **kwargs)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:500]}")
    return response


def json_pull(session: requests.Session, base: str, *, page_size: int) -> Pull:
    """Every page of the feed, following `next`, as a client would; rows as CSV would have
    them (text), for the comparison."""
    url: str | None = (
        f"{base}/api/v1/payroll/scores/?{urlencode({'period': PERIOD, 'page_size': page_size})}"
    )
    rows: list[list[str]] = []
    links: list[str] = []
    page_ms: list[float] = []
    pages = 0
    started = time.perf_counter()
    while url is not None:
        before = time.perf_counter()
        body = _get(session, url).json()
        page_ms.append(1000 * (time.perf_counter() - before))
        pages += 1
        rows += [json_row_as_text(row) for row in body["results"]]
        url = body["next"]
        if url is not None:
            links.append(url)
    return Pull(
        seconds=time.perf_counter() - started,
        rows=rows,
        pages=pages,
        links=links,
        page_ms=page_ms,
    )


def json_row_as_text(row: dict[str, Any]) -> list[str]:
    """A JSON row as the CSV has it: its values in FIELDS order, as text (null: empty), the
    confirmation's object spread over its three columns."""
    values = [
        row["confirmation"][CONFIRMATION[name]] if name in CONFIRMATION else row[name]
        for name in FIELDS
    ]
    return [
        ("true" if value else "false")
        if isinstance(value, bool)
        else ("" if value is None else str(value))
        for value in values
    ]


def csv_table(body: bytes) -> tuple[bool, list[str], list[list[str]]]:
    """Whether a CSV file starts with a byte order mark, its header and its rows."""
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    return body.startswith(b"\xef\xbb\xbf"), table[0], table[1:]


def csv_download(session: requests.Session, base: str, *, runs: int = 3) -> Download:
    """The whole file, as a client downloads it (best of `runs`, as the floor)."""
    url = f"{base}/api/v1/payroll/scores.csv?{urlencode({'period': PERIOD})}"
    seconds = float("inf")
    body = b""
    for _ in range(runs):
        started = time.perf_counter()
        with session.get(url, timeout=REQUEST_TIMEOUT, stream=True) as response:
            if response.status_code != 200:
                raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:500]}")
            body = b"".join(response.iter_content(chunk_size=1 << 16))
        seconds = min(seconds, time.perf_counter() - started)
    bom, header, rows = csv_table(body)
    return Download(seconds=seconds, rows=rows, nbytes=len(body), bom=bom, header=header)


def floor_copy(conninfo: str, *, runs: int = 3) -> tuple[float, list[list[str]]]:
    """PostgreSQL writes the same rows as CSV itself (best of `runs`)."""
    best = float("inf")
    data = b""
    statement = psycopg.sql.SQL(FLOOR).format(period=psycopg.sql.Literal(PERIOD))
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        for _ in range(runs):
            chunks = []
            started = time.perf_counter()
            with cursor.copy(statement) as copy:
                for chunk in copy:
                    chunks.append(bytes(chunk))
            best = min(best, time.perf_counter() - started)
            data = b"".join(chunks)
    table = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return best, table[1:]


def page_latency(session: requests.Session, links: Sequence[str], *, requests_: int) -> list[float]:
    """Fetch `requests_` single pages, spread over the whole feed (each by its cursor)."""
    if not links:
        return []
    timings = []
    for i in range(requests_):
        url = links[(i * len(links)) // requests_ if requests_ >= len(links) else i % len(links)]
        started = time.perf_counter()
        _get(session, url)
        timings.append(1000 * (time.perf_counter() - started))
    return timings


def _normalised(rows: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Rows with their moments as instants (the API omits zero microseconds)."""
    out = []
    for row in rows:
        cells = list(row)
        for index in MOMENTS:
            if cells[index]:
                moment = dt.datetime.fromisoformat(cells[index])
                cells[index] = moment.isoformat(timespec="microseconds")
        out.append(tuple(cells))
    return out


def compare(results: Results, *, expected: int) -> list[str]:
    problems = []
    json_rows = _normalised(results.pull.rows)
    csv_rows = _normalised(results.csv.rows)
    floor_rows = _normalised(results.floor_rows)
    if len(floor_rows) != expected:
        problems.append(f"the floor has {len(floor_rows):,} rows, not {expected:,}")
    if len({row[0] for row in json_rows}) != len(json_rows):
        problems.append("the JSON pull repeats an employee")
    if json_rows != floor_rows:
        problems.append(_first_difference("JSON pull", json_rows, floor_rows))
    if csv_rows != floor_rows:
        problems.append(_first_difference("CSV", csv_rows, floor_rows))
    if not results.csv.bom:
        problems.append("the CSV does not start with a byte order mark")
    if results.csv.header != list(FIELDS):
        problems.append(f"the CSV header is {results.csv.header}")
    return problems


def _first_difference(
    what: str, rows: Sequence[tuple[str, ...]], floor: Sequence[tuple[str, ...]]
) -> str:
    for index, (mine, theirs) in enumerate(zip(rows, floor, strict=False)):
        if mine != theirs:
            return f"{what} row {index + 1} is {mine}, the floor's is {theirs}"
    return f"{what} has {len(rows):,} rows, the floor {len(floor):,}"


# -- the run and the report ------------------------------------------------------------------


def run(
    *, rows: int, page_size: int, requests_: int, workers: int, conninfo: str, log_path: Path
) -> Results:
    from django.core.management import call_command

    log("migrating the benchmark database")
    call_command("migrate", verbosity=0)
    log(f"making {rows:,} approved reviews of {PERIOD} by SQL")
    built = build(rows=rows)
    headers = credentials()
    log(f"starting gunicorn ({workers} workers, log {log_path})")
    with server(workers=workers, log_path=log_path) as base, requests.Session() as session:
        session.headers.update(headers)
        # One warm-up page: the first request of each worker imports and connects.
        for _ in range(workers):
            _get(session, f"{base}/api/v1/payroll/scores/?period={PERIOD}&page_size=1")
        log(f"(a) the JSON pull, {page_size} rows a page")
        pull = json_pull(session, base, page_size=page_size)
        log(f"    {len(pull.rows):,} rows in {pull.seconds:.2f} s; (b) the CSV download, best of 3")
        download = csv_download(session, base)
        log("(c) the floor: COPY … TO STDOUT WITH CSV, best of 3")
        floor_seconds, floor_rows = floor_copy(conninfo)
        log(f"(d) {requests_} single pages")
        latency = page_latency(session, pull.links, requests_=requests_)
    results = Results(
        built=built,
        page_size=page_size,
        pull=pull,
        csv=download,
        floor_seconds=floor_seconds,
        floor_rows=floor_rows,
        latency_ms=latency,
        problems=[],
    )
    results.problems = compare(results, expected=built.reviews)
    return results


def _percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(results: Results, *, header: Sequence[tuple[str, str]]) -> str:
    pull, download = results.pull, results.csv
    ratio = download.seconds / results.floor_seconds if results.floor_seconds > 0 else 0.0
    p50 = _percentile(results.latency_ms, 0.50)
    p95 = _percentile(results.latency_ms, 0.95)
    rows_: list[tuple[str, str, str, str]] = [
        ("approved reviews (feed rows)", f"{results.built.reviews:,}", "", ""),
        ("approved results (with re-approvals)", f"{results.built.results:,}", "", ""),
        ("data made by SQL (not in the goals)", f"{results.built.seconds:,.2f} s", "", ""),
        (
            f"(a) JSON pull: {pull.pages:,} pages of {results.page_size}",
            f"{pull.seconds:,.2f} s",
            f"<= {GOAL_JSON_SECONDS:g} s",
            _verdict(pull.seconds <= GOAL_JSON_SECONDS),
        ),
        ("(a) JSON pull: rows", f"{len(pull.rows):,}", f"{results.built.reviews:,}", ""),
        (
            "(b) CSV download, best of 3",
            f"{download.seconds:,.2f} s",
            f"<= {GOAL_CSV_FLOOR_RATIO:g} x floor",
            _verdict(ratio <= GOAL_CSV_FLOOR_RATIO),
        ),
        ("(b) CSV size", f"{download.nbytes / 1_048_576:,.1f} MiB", "", ""),
        ("(c) floor: COPY TO STDOUT, best of 3", f"{results.floor_seconds:,.3f} s", "", ""),
        ("(b) / (c)", f"{ratio:,.2f} x", f"<= {GOAL_CSV_FLOOR_RATIO:g} x", ""),
        (f"(d) one page, p50 of {len(results.latency_ms)}", f"{p50:,.1f} ms", "", ""),
        (
            f"(d) one page, p95 of {len(results.latency_ms)}",
            f"{p95:,.1f} ms",
            f"<= {GOAL_PAGE_P95_MS:g} ms",
            _verdict(p95 <= GOAL_PAGE_P95_MS),
        ),
        (
            "JSON = CSV = floor, row for row",
            "yes" if not results.problems else "no",
            "yes",
            _verdict(not results.problems),
        ),
    ]
    widths = [
        max(len(row[i]) for row in [*rows_, ("measure", "value", "goal", "result")])
        for i in range(4)
    ]
    rule = "  ".join("-" * w for w in widths)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if i == 1 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = ["", "hrperf payroll pull benchmark", ""]
    out += [f"  {label}: {value}" for label, value in header]
    out += ["", line(("measure", "value", "goal", "result")), rule]
    out += [line(row) for row in rows_]
    out += [rule, ""]
    out += [f"PROBLEM: {problem}" for problem in results.problems]
    return "\n".join(out) + "\n"


def _configure(bench_url: str) -> None:
    production_environment(bench_url)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    made = database_made("payroll")
    if made is None:
        return 2
    bench_url, name = made
    base_url = os.environ["DATABASE_URL"]
    _configure(bench_url)
    log_path = Path(tempfile.gettempdir()) / f"hrperf-bench-payroll-{os.getpid()}.log"
    status = 1
    try:
        import django

        django.setup()
        from django.db import connection

        started_at = dt.datetime.now().astimezone()
        load_before = load_average()
        clock = time.perf_counter()
        conninfo = urlunsplit(urlsplit(bench_url)._replace(scheme="postgresql"))
        try:
            results = run(
                rows=options.rows,
                page_size=options.page_size,
                requests_=options.requests,
                workers=options.workers,
                conninfo=conninfo,
                log_path=log_path,
            )
        except (RuntimeError, requests.RequestException) as error:
            sys.stderr.write(f"{error}\n")
            return 1
        version = connection.cursor().connection.info.server_version
        header = [
            ("date", started_at.isoformat(timespec="seconds")),
            ("database", f"{name} on PostgreSQL {version // 10000}.{version % 10000}"),
            ("server", f"gunicorn, {options.workers} sync workers, on 127.0.0.1"),
            ("payroll token rate", f"API_RATE_PAYROLL={SERVER_RATE} for the run"),
            ("client", "python-requests, one connection at a time, on the same machine"),
            ("cores", str(os.cpu_count())),
            ("load average (1, 5, 15 min)", f"{load_before} before, {load_average()} after"),
            ("whole run", f"{time.perf_counter() - clock:,.1f} s"),
        ]
        sys.stdout.write(report(results, header=header))
        status = 0 if not results.problems else 1
    finally:
        from django.db import connections

        connections.close_all()
        if options.keep_db:
            sys.stderr.write(f"The benchmark database {name} is kept: {bench_url}\n")
        else:
            database_drop(base_url, name)
    return status
