"""The read replica (DATABASE_REPLICA_URL, hrperf/lib/replica.py): with the alias `replica`
configured, here a mirror of the test database as the settings make it for a test run, the
payroll feed (pages, CSV, validator) and the reports' aggregates read through it and give the
same rows; without it, everything stays on `default`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from hrperf.lib.replica import REPLICA_DB_ALIAS, read_alias
from reviews.models import ReviewCycle
from reviews.selectors import reports
from tests.helpers.payroll import CSV, PERIOD, approved, open_quarter, pull

# Committed data: the replica's connection is not the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)
FEED_TABLES = ("reviews_approvedresult", "reviews_reviewcycle")


@contextmanager
def replica_alias() -> Iterator[BaseDatabaseWrapper]:
    """The alias `replica` for the duration: a second connection to the test database, as
    settings.py defines it when DATABASE_REPLICA_URL is set (TEST MIRROR default)."""
    default = connections[DEFAULT_DB_ALIAS].settings_dict
    mirror = {**default, "TEST": {**default["TEST"], "MIRROR": DEFAULT_DB_ALIAS}}
    replica = load_backend(mirror["ENGINE"]).DatabaseWrapper(mirror, REPLICA_DB_ALIAS)
    # Connected before the alias is configured: the test case allows only the aliases it was
    # set up with, and the alias is added only for this block.
    replica.ensure_connection()
    connections[REPLICA_DB_ALIAS] = replica
    connections.settings[REPLICA_DB_ALIAS] = mirror
    try:
        yield replica
    finally:
        replica.close()
        del connections[REPLICA_DB_ALIAS]
        del connections.settings[REPLICA_DB_ALIAS]


@pytest.fixture
def hr(api_client_for: Callable[[str | None], APIClient]) -> APIClient:
    return api_client_for("hr")


@pytest.fixture
def feed(personas: dict[str, User]) -> None:
    open_quarter(personas)
    approved(personas, "employee", actual="60")


def _feed_reads(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if any(table in query["sql"] for table in FEED_TABLES)
    ]


def _csv(client: APIClient) -> bytes:
    response = client.get(CSV, {"period": PERIOD})
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_without_a_replica_every_read_stays_on_default(feed: None, hr: APIClient) -> None:
    assert REPLICA_DB_ALIAS not in connections.settings
    assert read_alias() == DEFAULT_DB_ALIAS
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as queries:
        rows, _pages = pull(hr, period=PERIOD)
    assert len(rows) == 1
    # the quarter's status and the page's rows
    assert len(_feed_reads(queries)) == 2


def test_with_a_replica_the_feed_reads_through_it_with_the_same_rows(
    feed: None, hr: APIClient
) -> None:
    rows, _pages = pull(hr, period=PERIOD)
    file = _csv(hr)
    with (
        replica_alias() as replica,
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
    ):
        assert read_alias() == REPLICA_DB_ALIAS
        rows_read_there, _pages = pull(hr, period=PERIOD)
        file_read_there = _csv(hr)
    assert rows_read_there == rows
    assert file_read_there == file
    # JSON: the quarter's status and the rows; CSV: the validator's aggregate and the rows
    assert len(_feed_reads(on_replica)) >= 4
    assert _feed_reads(on_default) == []


def test_with_a_replica_the_validator_is_the_replicas(feed: None, hr: APIClient) -> None:
    etag = hr.get("/api/v1/payroll/scores/", {"period": PERIOD}).headers["ETag"]
    with replica_alias():
        response = hr.get("/api/v1/payroll/scores/", {"period": PERIOD}, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_with_a_replica_the_reports_aggregate_through_it(feed: None) -> None:
    cycles = list(ReviewCycle.objects.all())
    expected = reports.report(cycles=cycles, period=PERIOD, department_id=None)
    with (
        replica_alias() as replica,
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
    ):
        report: Any = reports.report(cycles=cycles, period=PERIOD, department_id=None)
    assert report.division == expected.division
    assert [row.result.pk for row in report.training] == [
        row.result.pk for row in expected.training
    ]
    # the figures, the training list and the promotion list
    assert len(_feed_reads(on_replica)) == 3
    assert _feed_reads(on_default) == []
