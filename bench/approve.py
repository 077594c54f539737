"""`python -m bench approve [--reviews N] [--keep-db]`

The director's approve-all on a full quarter: every scored review of it approved in one batch
(`reviews.services.reviews_approve_batch`), timed end to end. Needs DATABASE_URL (PostgreSQL;
its server hosts the benchmark's own database `<name>_bench_approve`, created, migrated and
dropped here: the role needs CREATEDB, and its triggers of migrations 0002 and 0004 run as in
production, the commit-time check included). REDIS_URL is the broker the webhook deliveries'
tasks are published to, on a queue of the benchmark's own (`hrperf-bench-approve`, emptied at
the end); without a broker the publishing is skipped after one failure, and said so.

Steps: the pages benchmark's quarter (`bench.pages.build`: 78 % scored, 15 % approved, 4 %
drafts, 3 % returned), one active webhook subscribed to `review.approved`; then the batch,
timed from the call to the end of its commit (the set read and counted, the conditional
updates, the approved results, the audit events, the webhook deliveries, the policy frozen,
the commit-time checks, the tasks handed to the broker). Then every approved review is checked
to have exactly one approved result of its version, one `approved` state event and one
delivery; and, since every employee has a login here, one `result_to_confirm` notification
and one email delivery to its employee.

Exit status: 0 when the batch took at most 10 s and every check held, 1 otherwise, 2 when the
configuration is wrong.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import sys
import time
from collections.abc import Sequence
from typing import Any

from bench.cli import (
    database_drop,
    database_made,
    positive,
    production_environment,
)

DEFAULT_REVIEWS = 10_000
GOAL_SECONDS = 10.0
QUEUE = "hrperf-bench-approve"

# A login (and an email address) for every employee, as most have one: each approved review
# then also tells its employee (one `result_to_confirm` notification and one email delivery).
LOGINS = """
WITH made AS (
    INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                           is_staff, is_active, date_joined)
    SELECT '!', false, 'bench-employee-' || e.id, '', '', 'e' || e.id || '@example.invalid',
           false, true, now()
    FROM departments_employee AS e
    WHERE e.user_id IS NULL
    RETURNING id, username
)
UPDATE departments_employee AS e SET user_id = m.id
FROM made AS m WHERE m.username = 'bench-employee-' || e.id
"""


def log(message: str) -> None:
    sys.stderr.write(f"[bench approve {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def parse_options(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench approve",
        description="Time approving every scored review of a full quarter in one batch.",
    )
    parser.add_argument(
        "--reviews", type=positive, default=DEFAULT_REVIEWS, help="N reviews (default 10000)"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the benchmark database at the end"
    )
    return parser.parse_args(argv)


def _configure(bench_url: str) -> None:
    production_environment(bench_url, CELERY_QUEUE=QUEUE)


def run(*, reviews: int) -> tuple[float, int, list[str]]:
    """Build, approve, check: the seconds of the batch, how many it approved, and the
    problems found."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from bench import pages
    from clients.models import ApiClient, Webhook, WebhookDelivery
    from notifications.models import Delivery, Notification
    from reviews import services
    from reviews.models import ApprovedResult, AuditEvent, Review

    log("migrating the benchmark database")
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    log(f"building a quarter of {reviews:,} reviews")
    built = pages.build(reviews=reviews)
    log(f"built in {built.seconds:,.1f} s: {built.states}")
    with connection.cursor() as cursor:
        cursor.execute(LOGINS)
        cursor.execute("VACUUM ANALYZE auth_user")
        cursor.execute("VACUUM ANALYZE departments_employee")
    director = User.objects.get(username=pages.DIRECTOR_USERNAME)
    service_user = User.objects.create(username="api:bench-payroll")
    client = ApiClient.objects.create(name="bench-payroll", user=service_user)
    Webhook.objects.create(
        client=client,
        url="https://payroll.example.invalid/hook",
        secret=secrets.token_hex(16),
        events=["review.approved"],
    )
    before = set(Review.objects.filter(state=Review.State.APPROVED).values_list("pk", flat=True))
    scored = Review.objects.filter(state=Review.State.SCORED).count()
    log(f"approving {scored:,} scored reviews in one batch")
    started = time.perf_counter()
    outcome = services.reviews_approve_batch(
        actor=director,
        reviews=Review.objects.all(),
        expected=scored,
        reason="季度批量审批",
    )
    seconds = time.perf_counter() - started
    problems: list[str] = []
    if outcome.done != scored:
        problems.append(f"approved {outcome.done}, expected {scored}")
    newly = Review.objects.filter(state=Review.State.APPROVED).exclude(pk__in=before)
    if newly.count() != scored:
        problems.append(f"{newly.count()} reviews newly approved, expected {scored}")
    results = (
        ApprovedResult.objects.filter(review__in=newly).values("review").annotate(n=Count("pk"))
    )
    if results.count() != scored or results.exclude(n=1).exists():
        problems.append("not exactly one approved result per approved review")
    events = (
        AuditEvent.objects.filter(review__in=newly, to_value=Review.State.APPROVED)
        .values("review")
        .annotate(n=Count("pk"))
    )
    if events.count() != scored or events.exclude(n=1).exists():
        problems.append("not exactly one approval event per approved review")
    deliveries = WebhookDelivery.objects.filter(event="review.approved").count()
    if deliveries != scored:
        problems.append(f"{deliveries} webhook deliveries, expected {scored}")
    problems.extend(_notification_problems(Notification, Delivery, newly, scored))
    return seconds, outcome.done, problems


def _notification_problems(
    notification: type[Any], delivery: type[Any], newly: Any, scored: int
) -> list[str]:
    """Every newly approved review's employee (all have a login) is told once, by email."""
    from django.db.models import Count

    problems = []
    told = newly.filter(employee__user__isnull=False).count()
    kind = "result_to_confirm"
    per_person = (
        notification.objects.filter(kind=kind).values("key", "user").annotate(n=Count("pk"))
    )
    if told != scored or per_person.count() != scored or per_person.exclude(n=1).exists():
        problems.append(
            f"{per_person.count()} notifications to confirm a result, expected {scored}"
        )
    emails = delivery.objects.filter(kind=kind).count()
    if emails != scored:
        problems.append(f"{emails} deliveries of a result to confirm, expected {scored}")
    return problems


def _purge() -> None:
    from hrperf.celery import app

    try:
        app.control.purge()  # the default queue: the benchmark's own (CELERY_QUEUE)
    except Exception as error:  # the broker is down: nothing was queued
        log(f"could not empty the queue {QUEUE}: {error.__class__.__name__}")


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    made = database_made("approve")
    if made is None:
        return 2
    bench_url, name = made
    base_url = os.environ["DATABASE_URL"]
    _configure(bench_url)
    try:
        import django

        django.setup()
        seconds, approved, problems = run(reviews=options.reviews)
        _purge()
    finally:
        from django.db import connections

        connections.close_all()
        if options.keep_db:
            sys.stderr.write(f"The benchmark database {name} is kept: {bench_url}\n")
        else:
            database_drop(base_url, name)
    ok = seconds <= GOAL_SECONDS and not problems
    rate = approved / seconds if seconds else 0.0
    sys.stdout.write(
        f"approve all: {approved:,} reviews of {options.reviews:,} in {seconds:,.2f} s "
        f"({rate:,.0f}/s); goal <= {GOAL_SECONDS:.0f} s: {'PASS' if ok else 'FAIL'}\n"
    )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    sys.stdout.write(f"  cores {os.cpu_count()}, load average (1, 5, 15 min) at the end: {load}\n")
    for problem in problems:
        sys.stdout.write(f"  FAIL: {problem}\n")
    return 0 if ok else 1
