"""`python -m bench pages [--reviews N] [--requests N] [--workers N] [--keep-db]`

The pages HR and the director live in, timed over HTTP on a full quarter. Needs DATABASE_URL
(PostgreSQL; its server hosts the benchmark's own database `<name>_bench_pages`, created,
migrated and dropped here: the role needs CREATEDB). No Redis: the reviews are generated
in-process by the same service the worker runs.

Steps: the catalogue, N employees and the quarter 2026Q3 (the services open it and generate its
reviews); SQL fills targets, actuals and ratings (the scoring benchmark's statements) and scores
every review with the floor (the scoring benchmark's statement, equal to the worker's figures);
then a realistic mix of states: 78 % scored awaiting approval, 15 % approved (with their
approved results), 4 % drafts, 3 % returned, and a verbal warning for every scored or approved
review below the threshold (half of the approved ones acknowledged). A gunicorn server with the
production settings is started on 127.0.0.1, HR and the director log in through the login form,
and each page is fetched sequentially `--requests` times after a warm-up, every answer checked
(status 200 and a marker of its rows). The SQL queries of each page are counted once in-process
(Django's test client on the same database).

Exit status: 0 when every page answered correctly (the 300 ms goal is reported, not enforced),
1 when a page failed or is missing, 2 when the configuration is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import io
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.cli import (
    database_drop,
    database_made,
    positive,
    production_environment,
    static_collect,
)
from bench.payroll import _percentile, server

PERIOD = "2026Q3"
DEFAULT_REVIEWS = 10_000
DEFAULT_REQUESTS = 200
DEFAULT_WORKERS = 2
WARM_UP = 5
GOAL_P95_MS = 300.0
REQUEST_TIMEOUT = 120.0
GRID_DEPARTMENT = "MARKET"
GRID_DEPARTMENT_SIZE = 400
GRID_SAVE_ROWS = 200
GRID_SAVE_GOAL_S = 1.0
HR_USERNAME = "bench-pages-hr"
DIRECTOR_USERNAME = "bench-pages-director"


@dataclass(frozen=True)
class Page:
    """A page to time: who asks, the path, and a text that proves its data rendered."""

    label: str
    persona: str  # "hr" or "director"
    path: str
    marker: str


def pages(period: str = PERIOD, *, deep_page: int = 100) -> list[Page]:
    """The pages timed; `deep_page` of the list is half-way through 10 000 reviews (50 a page)."""
    reviews = f"/quarters/{period}/reviews/"
    return [
        Page("roster (reference)", "hr", "/roster/", 'data-testid="roster"'),
        Page("review list, page 1", "hr", reviews, 'data-testid="review-row-'),
        Page(
            "review list, scored B",
            "hr",
            reviews + "?" + urlencode({"state": "scored", "grade": "B"}),
            'data-testid="review-row-',
        ),
        Page(
            f"review list, page {deep_page}",
            "hr",
            reviews + "?" + urlencode({"page": deep_page}),
            'data-testid="review-row-',
        ),
        Page(
            "queue",
            "director",
            "/queue/?" + urlencode({"period": period}),
            'data-testid="select-',
        ),
        Page(
            "queue, grade C",
            "director",
            "/queue/?" + urlencode({"period": period, "grade": "C"}),
            'data-testid="select-',
        ),
        Page("dashboard (HR)", "hr", "/dashboard/?" + urlencode({"period": period}), "completion"),
        Page(
            "dashboard (director)",
            "director",
            "/dashboard/?" + urlencode({"period": period}),
            "completion",
        ),
        # Beyond the goal's three pages: the rest of what HR opens during a quarter.
        Page("quarter", "hr", f"/quarters/{period}/", 'data-testid="generate"'),
        Page(
            "warnings",
            "hr",
            "/warnings/?" + urlencode({"period": period}),
            'data-testid="warning-row-',
        ),
        Page(
            "reports",
            "hr",
            "/reports/?" + urlencode({"period": period}),
            'data-testid="department-trend"',
        ),
        Page(
            "calibration (director)",
            "director",
            f"/quarters/{period}/calibration/",
            'data-testid="distribution"',
        ),
        Page(
            "calibration: leniency",
            "hr",
            f"/quarters/{period}/calibration/leniency/",
            'data-testid="leniency-marketing_director-',
        ),
        Page(
            "calibration: 9-box",
            "director",
            f"/quarters/{period}/calibration/nine-box/",
            'data-testid="box-high-high"',
        ),
        Page(
            "calibration: 9-box, one box",
            "hr",
            f"/quarters/{period}/calibration/nine-box/?" + urlencode({"box": "middle-middle"}),
            'data-testid="box-reviews"',
        ),
        # The rating grid: a department's reviews on one page (about 333 of 10 000), and the
        # whole quarter's first page.
        Page(
            f"rating grid, {GRID_DEPARTMENT}, {GRID_DEPARTMENT_SIZE} a page",
            "hr",
            f"/quarters/{period}/grid/?"
            + urlencode({"department": GRID_DEPARTMENT, "size": GRID_DEPARTMENT_SIZE}),
            'data-testid="grid-row-',
        ),
        Page(
            "rating grid, page 1",
            "director",
            f"/quarters/{period}/grid/",
            'data-testid="grid-row-',
        ),
    ]


@dataclass
class Built:
    reviews: int
    seconds: float
    states: dict[str, int]
    warnings: int


@dataclass
class Measure:
    page: Page
    timings: list[float] = field(default_factory=list)  # seconds
    queries: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem and bool(self.timings)

    @property
    def p95_ms(self) -> float:
        return 1000 * _percentile(self.timings, 0.95)


def log(message: str) -> None:
    sys.stderr.write(f"[bench pages {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def parse_options(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench pages",
        description="Time the review list, queue and dashboard pages over HTTP on a full quarter.",
    )
    parser.add_argument(
        "--reviews", type=positive, default=DEFAULT_REVIEWS, help="N reviews (default 10000)"
    )
    parser.add_argument(
        "--requests",
        type=positive,
        default=DEFAULT_REQUESTS,
        help="timed requests per page (default 200)",
    )
    parser.add_argument(
        "--workers", type=positive, default=DEFAULT_WORKERS, help="gunicorn workers (default 2)"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the benchmark database at the end"
    )
    return parser.parse_args(argv)


# -- the data --------------------------------------------------------------------------------

# Scored: every review with the floor's figures (the scoring module's, as
# tests/bench/test_quarter.py checks), then the mix of states by the review's rank in the cycle.
SCORE = """
UPDATE reviews_review AS r
SET state = 'scored', kpi_score = f.kpi_score, competency_score = f.competency_score,
    total_score = f.total_score, grade = f.grade, pay_coefficient = f.pay_coefficient,
    verbal_warning = f.verbal_warning, scored_revision = r.revision, scored_at = now(),
    policy_id = %(policy)s, incomplete_reasons = '[]'::jsonb, updated_at = now()
FROM bench_floor f
WHERE f.review_id = r.id
"""

RANKED = """
CREATE TEMP TABLE bench_rank AS
SELECT id, (row_number() OVER (ORDER BY id)) %% 100 AS slot
FROM reviews_review WHERE cycle_id = %(cycle)s
"""

APPROVE = """
UPDATE reviews_review AS r
SET state = 'approved', approved_at = now() - (k.slot * interval '1 minute'),
    approved_by_id = %(director)s
FROM bench_rank k WHERE k.id = r.id AND k.slot BETWEEN 7 AND 21
"""

APPROVED_RESULTS = """
INSERT INTO reviews_approvedresult
    (review_id, version, policy_id, kpi_score, competency_score, total_score, grade,
     pay_coefficient, verbal_warning, approved_at, approved_by_id, snapshot)
SELECT id, version, policy_id, kpi_score, competency_score, total_score, grade,
       pay_coefficient, verbal_warning, approved_at, approved_by_id,
       '{"lines": [], "ratings": []}'::jsonb
FROM reviews_review WHERE cycle_id = %(cycle)s AND state = 'approved'
"""

RETURN = """
UPDATE reviews_review AS r SET state = 'returned'
FROM bench_rank k WHERE k.id = r.id AND k.slot BETWEEN 4 AND 6
"""

DRAFT = """
UPDATE reviews_review AS r
SET state = 'draft', submitted_at = NULL, scored_at = NULL, scored_revision = NULL,
    kpi_score = NULL, competency_score = NULL, total_score = NULL, grade = '',
    pay_coefficient = NULL, verbal_warning = false
FROM bench_rank k WHERE k.id = r.id AND k.slot BETWEEN 0 AND 3
"""

WARNINGS = """
INSERT INTO reviews_verbalwarning
    (review_id, review_version, total_score, created_at, notified_at, acknowledged_by_id,
     acknowledged_at, note)
SELECT r.id, r.version, r.total_score, now(), now(),
       CASE WHEN r.state = 'approved' AND r.id %% 2 = 0 THEN %(hr)s END,
       CASE WHEN r.state = 'approved' AND r.id %% 2 = 0 THEN now() END,
       CASE WHEN r.state = 'approved' AND r.id %% 2 = 0 THEN '绩效面谈已完成' ELSE '' END
FROM reviews_review r
WHERE r.cycle_id = %(cycle)s AND r.verbal_warning AND r.state IN ('scored', 'approved')
"""


def _password(raw: str) -> str:
    """The hash the server checks (production's PBKDF2 hasher, whatever this process's settings
    hash with: the tests' are faster and unknown to the server)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return hasher.encode(raw, hasher.salt())


def build(*, reviews: int, seed: int = 20260701) -> Built:
    """The quarter on the current Django database (PostgreSQL, migrated): the catalogue, HR and
    director users (password: their username), `reviews` employees and their reviews."""
    from django.contrib.auth.models import Group, User
    from django.db import connection, transaction

    from bench import quarter as steps
    from bench import sql
    from hrperf.lib import roles
    from reviews import services
    from reviews.models import Review, VerbalWarning
    from reviews.policies import current_policy

    started = time.perf_counter()
    quarter = steps.quarter_build(employees=reviews)
    hr = quarter.hr
    hr.username = HR_USERNAME
    hr.password = _password(HR_USERNAME)
    hr.save()
    director = User.objects.create_user(username=DIRECTOR_USERNAME)
    director.password = _password(DIRECTOR_USERNAME)
    director.save()
    director.groups.add(Group.objects.get_or_create(name=roles.DIRECTOR)[0])
    cycle = quarter.cycle
    while services.reviews_generate_chunk(cycle_id=cycle.pk, limit=2000):
        pass
    steps.reviews_fill(quarter, seed=seed)
    policy = current_policy(cycle)
    params = {"cycle": cycle.pk, "policy": policy.pk, "director": director.pk, "hr": hr.pk}
    with connection.cursor() as cursor:
        cursor.execute(sql.DROP_FLOOR)
        cursor.execute(sql.FLOOR, params)
        cursor.execute(SCORE, params)
        cursor.execute(sql.DROP_FLOOR)
        cursor.execute("DROP TABLE IF EXISTS bench_rank")
        cursor.execute(RANKED, params)
        # One transaction: an approved review needs its result by commit time.
        with transaction.atomic():
            for statement in (APPROVE, APPROVED_RESULTS, RETURN, DRAFT, WARNINGS):
                cursor.execute(statement, params)
        cursor.execute("DROP TABLE bench_rank")
        if connection.get_autocommit():
            for table in (
                "departments_employee",
                "reviews_review",
                "reviews_reviewkpiline",
                "reviews_competencyrating",
                "reviews_approvedresult",
                "reviews_verbalwarning",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    states = {
        state: Review.objects.filter(cycle=cycle, state=state).count()
        for state in Review.State.values
    }
    return Built(
        reviews=sum(states.values()),
        seconds=time.perf_counter() - started,
        states={state: count for state, count in states.items() if count},
        warnings=VerbalWarning.objects.count(),
    )


# -- the client ------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def login(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """An opener holding the session of `username`, logged in through the login form."""
    if not base.startswith(("http://", "https://")):
        raise RuntimeError(f"not an HTTP server: {base}")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    with opener.open(base + "/login/", timeout=REQUEST_TIMEOUT) as response:
        response.read()
    token = next((cookie.value for cookie in jar if cookie.name == "csrftoken"), None)
    if token is None:
        raise RuntimeError("GET /login/ set no csrftoken cookie")
    body = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (http only: checked above)
        base + "/login/", data=body, headers={"Referer": base + "/login/"}, method="POST"
    )
    try:
        with opener.open(request, timeout=REQUEST_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 302 or not any(cookie.name == "sessionid" for cookie in jar):
        raise RuntimeError(f"logging in as {username} failed (status {status})")
    return opener


def fetch(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, str]:
    try:
        with opener.open(url, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def _check(page: Page, status: int, body: str) -> str:
    if status != 200:
        return f"status {status}"
    if page.marker not in body:
        return f"no {page.marker!r} in the page"
    return ""


def measure(
    base: str,
    openers: dict[str, urllib.request.OpenerDirector],
    page: Page,
    *,
    requests_: int,
    warm_up: int = WARM_UP,
) -> Measure:
    """Warm up, then time `requests_` sequential GETs; stop at the first wrong answer."""
    result = Measure(page=page)
    opener = openers[page.persona]
    url = base + page.path
    for _ in range(warm_up):
        status, body = fetch(opener, url)
        result.problem = _check(page, status, body)
        if result.problem:
            return result
    for _ in range(requests_):
        started = time.perf_counter()
        status, body = fetch(opener, url)
        elapsed = time.perf_counter() - started
        result.problem = _check(page, status, body)
        if result.problem:
            return result
        result.timings.append(elapsed)
    return result


@dataclass
class FileTiming:
    """One figures-template download or import: what it moved and how long it took."""

    label: str
    status: int
    seconds: float
    nbytes: int
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.note


def _csrf_token(opener: urllib.request.OpenerDirector, url: str) -> str:
    """The CSRF token of the form on the page at `url`, as a browser would send it."""
    status, body = fetch(opener, url)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or match is None:
        raise RuntimeError(f"{url} (status {status}) has no form with a CSRF token")
    return match.group(1)


def _multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def figures_round_trip(
    base: str, opener: urllib.request.OpenerDirector, period: str = PERIOD
) -> list[FileTiming]:
    """HR downloads the quarter's figures template (Excel, then CSV) and imports each back as
    it came: every row of the quarter read, checked and found unchanged (a success answers
    302 to the quarter's page; an import with errors answers 400)."""
    timings: list[FileTiming] = []
    quarter = f"{base}/quarters/{period}/"
    for file_format in ("xlsx", "csv"):
        started = time.perf_counter()
        try:
            with opener.open(f"{quarter}figures.{file_format}", timeout=REQUEST_TIMEOUT) as answer:
                status, data = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
        label = f"template .{file_format}"
        timing = FileTiming(label, status, time.perf_counter() - started, len(data))
        timings.append(timing)
        if status != 200:
            timing.note = f"status {status}"
            continue
        body, content_type = _multipart(
            {"csrfmiddlewaretoken": _csrf_token(opener, quarter)},
            "file",
            f"figures-{period}.{file_format}",
            data,
        )
        request = urllib.request.Request(  # noqa: S310 (the benchmark's own server)
            f"{quarter}import/",
            data=body,
            headers={"Content-Type": content_type, "Referer": quarter},
            method="POST",
        )
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=REQUEST_TIMEOUT) as answer:
                status = answer.status
                answer.read()
        except urllib.error.HTTPError as error:
            status = error.code
            error.read()
        timing = FileTiming(
            f"import .{file_format}", status, time.perf_counter() - started, len(data)
        )
        if status != 302:
            timing.note = f"status {status}"
        timings.append(timing)
    return timings


_GRID_ROW = re.compile(r'name="row" value="(\d+)"')
_GRID_REVISION = re.compile(r'name="revision-(\d+)" value="(\d+)"')
_GRID_CELL = re.compile(r'name="rating-(\d+)-([a-z_]+)"\s+value="([1-5]?)"')


def grid_form(body: str) -> dict[str, Any] | None:
    """The grid's form with every cell changed (a rating r becomes r % 5 + 1; a blank one 3)."""
    rows = _GRID_ROW.findall(body)
    if not rows:
        return None
    form: dict[str, Any] = {"row": rows}
    form.update(
        {f"revision-{review}": revision for review, revision in _GRID_REVISION.findall(body)}
    )
    for review, code, value in _GRID_CELL.findall(body):
        form[f"rating-{review}-{code}"] = str(int(value) % 5 + 1) if value else "3"
    return form


def grid_save_round_trip(
    base: str,
    opener: urllib.request.OpenerDirector,
    period: str = PERIOD,
    rows: int = GRID_SAVE_ROWS,
) -> list[FileTiming]:
    """HR opens the grid of the drafts, `rows` to a page, changes every cell and saves them all
    in one request (a success answers 302 back to the grid). Drafts, so that no save hands a
    review to the worker (which, eager here, would score it inside the request)."""
    grid = f"{base}/quarters/{period}/grid/?" + urlencode({"state": "draft", "size": rows})
    status, body = fetch(opener, grid)
    form = grid_form(body) if status == 200 else None
    label = f"grid save, {rows} rows"
    if form is None:
        return [FileTiming(label, status, 0.0, 0, note=f"no grid rows (status {status})")]
    sent = len(form["row"])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    data = urlencode({**form, "csrfmiddlewaretoken": token.group(1) if token else ""}, doseq=True)
    request = urllib.request.Request(  # noqa: S310 (the benchmark's own server)
        grid,
        data=data.encode(),
        headers={"Referer": grid, "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=REQUEST_TIMEOUT) as answer:
            status = answer.status
            answer.read()
    except urllib.error.HTTPError as error:
        status = error.code
        error.read()
    timing = FileTiming(f"grid save, {sent} rows", status, time.perf_counter() - started, len(data))
    if status != 302:
        timing.note = f"status {status}"
    return [timing]


def count_queries(page: Page, users: dict[str, Any]) -> int | None:
    """The SQL queries of one answer of the page, in-process (after one warm-up answer, so that
    per-process caches do not count), or None when it does not answer 200."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(users[page.persona])
    client.get(page.path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.path)
    return len(queries) if response.status_code == 200 else None


def run(
    *, reviews: int, requests_: int, workers: int, log_path: Path, page_list: Sequence[Page]
) -> tuple[Built, list[Measure], list[FileTiming]]:
    from django.contrib.auth.models import User
    from django.core.management import call_command

    log("migrating the benchmark database")
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    log(f"building a quarter of {reviews:,} reviews")
    built = build(reviews=reviews)
    log(f"built in {built.seconds:,.1f} s: {built.states}, {built.warnings:,} warnings")
    users = {
        "hr": User.objects.get(username=HR_USERNAME),
        "director": User.objects.get(username=DIRECTOR_USERNAME),
    }
    results = [Measure(page=page) for page in page_list]
    static_collect()
    log(f"starting gunicorn ({workers} workers, log {log_path})")
    with server(workers=workers, log_path=log_path) as base:
        openers = {
            "hr": login(base, HR_USERNAME, HR_USERNAME),
            "director": login(base, DIRECTOR_USERNAME, DIRECTOR_USERNAME),
        }
        for index, page in enumerate(page_list):
            log(f"timing {page.label}: {page.path}")
            results[index] = measure(base, openers, page, requests_=requests_)
            if results[index].problem:
                log(f"  {page.label}: {results[index].problem}")
        log("downloading the figures templates and importing them back")
        files = figures_round_trip(base, openers["hr"])
        log(f"saving {GRID_SAVE_ROWS} rows of the rating grid in one request")
        files += grid_save_round_trip(base, openers["hr"])
    for result in results:
        result.queries = count_queries(result.page, users)
    return built, results, files


# -- the report ------------------------------------------------------------------------------


def report(
    built: Built,
    results: Sequence[Measure],
    files: Sequence[FileTiming],
    *,
    header: Sequence[tuple[str, str]],
) -> str:
    rows: list[tuple[str, ...]] = []
    for result in results:
        if result.ok:
            ms = [1000 * t for t in result.timings]
            p95 = result.p95_ms
            rows.append(
                (
                    result.page.label,
                    result.page.persona,
                    f"{len(ms)}",
                    f"{statistics.median(ms):,.1f}",
                    f"{p95:,.1f}",
                    f"{max(ms):,.1f}",
                    "n/a" if result.queries is None else str(result.queries),
                    "PASS" if p95 <= GOAL_P95_MS else "FAIL",
                )
            )
        else:
            rows.append(
                (
                    result.page.label,
                    result.page.persona,
                    "0",
                    "",
                    "",
                    "",
                    "n/a" if result.queries is None else str(result.queries),
                    f"ERROR: {result.problem}",
                )
            )
    titles = ("page", "as", "requests", "median ms", "p95 ms", "max ms", "queries", "result")
    widths = [max(len(row[i]) for row in [*rows, titles]) for i in range(len(titles))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(w) if i in (0, 1, 7) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = ["", "hrperf pages benchmark", ""]
    out += [f"  {label}: {value}" for label, value in header]
    out += [
        f"  quarter: {built.reviews:,} reviews ("
        + ", ".join(f"{state} {count:,}" for state, count in built.states.items())
        + f"), {built.warnings:,} verbal warnings; built in {built.seconds:,.1f} s",
        f"  goal: p95 <= {GOAL_P95_MS:g} ms per page",
        "",
        line(titles),
        rule,
        *[line(row) for row in rows],
        rule,
        "",
    ]
    for result in results:
        out.append(f"{result.page.label}: {result.page.path}")
    out += ["", "figures template of the whole quarter, downloaded and imported back unchanged;"]
    out += [f"the rating grid's rows saved in one request (goal <= {GRID_SAVE_GOAL_S:g} s):"]
    for item in files:
        verdict = f"ERROR: {item.note}" if item.note else "ok"
        out.append(
            f"  {item.label:<16} {item.seconds:8.2f} s  {item.nbytes / 1e6:6.2f} MB  "
            f"status {item.status}  {verdict}"
        )
    return "\n".join(out) + "\n"


def _configure(bench_url: str) -> None:
    # This process counts queries with Django's test client (host "testserver"); the server
    # started by bench.payroll.server answers on 127.0.0.1 only.
    production_environment(
        bench_url,
        CELERY_TASK_ALWAYS_EAGER="1",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    made = database_made("pages")
    if made is None:
        return 2
    bench_url, name = made
    base_url = os.environ["DATABASE_URL"]
    _configure(bench_url)
    log_path = Path(tempfile.gettempdir()) / f"hrperf-bench-pages-{os.getpid()}.log"
    status = 1
    try:
        import django

        django.setup()
        from django.db import connection

        started_at = dt.datetime.now().astimezone()
        clock = time.perf_counter()
        try:
            built, results, files = run(
                reviews=options.reviews,
                requests_=options.requests,
                workers=options.workers,
                log_path=log_path,
                page_list=pages(deep_page=max(1, options.reviews // 100)),
            )
        except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
            sys.stderr.write(f"{error}\n")
            return 1
        with connection.cursor() as cursor:
            version = cursor.connection.info.server_version
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        header = [
            ("date", started_at.isoformat(timespec="seconds")),
            ("database", f"{name} on PostgreSQL {version // 10000}.{version % 10000}"),
            ("server", f"gunicorn, {options.workers} sync workers, on 127.0.0.1, DEBUG off"),
            ("client", "urllib, sequential, one connection a request, on the same machine"),
            ("cores", str(os.cpu_count())),
            ("load average (1, 5, 15 min) at the end", load),
            ("whole run", f"{time.perf_counter() - clock:,.1f} s"),
        ]
        sys.stdout.write(report(built, results, files, header=header))
        ok = all(result.ok for result in results) and all(item.ok for item in files)
        status = 0 if ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        if options.keep_db:
            sys.stderr.write(f"The benchmark database {name} is kept: {bench_url}\n")
        else:
            database_drop(base_url, name)
    return status
