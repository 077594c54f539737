"""The payroll benchmark's code path, small, on PostgreSQL: the feed its SQL makes is served by
the API, and the JSON pages and the CSV file equal the floor's COPY row for row (the check the
benchmark makes on 100 000 rows). No timing is asserted; the server is the test client."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast
from urllib.parse import quote

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.helpers.services import skip_or_fail, uses_postgresql

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 120  # 1 re-approved (one in 100), 2 bulk actions and a bit, 1 name with a comma


def conninfo() -> str:
    database = settings.DATABASES["default"]
    user = quote(str(database.get("USER") or ""), safe="")
    password = str(database.get("PASSWORD") or "")
    credentials = user + (f":{quote(password, safe='')}" if password else "")
    host = quote(str(database.get("HOST") or "localhost"), safe="")
    port = database.get("PORT") or 5432
    return f"postgresql://{credentials}@{host}:{port}/{quote(str(database['NAME']), safe='')}"


@pytest.fixture
def bench() -> Any:
    if not uses_postgresql():
        skip_or_fail(
            "The payroll benchmark's data and floor are PostgreSQL SQL (and the floor reads "
            "through a connection of its own): set DATABASE_URL=postgres://…"
        )
    from bench import payroll

    return payroll


def pull(client: APIClient, bench: Any) -> tuple[list[list[str]], int]:
    response = client.get("/api/v1/payroll/scores/", {"period": bench.PERIOD, "page_size": 50})
    rows: list[list[str]] = []
    pages = 0
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += [bench.json_row_as_text(row) for row in body["results"]]
        pages += 1
        if body["next"] is None:
            return rows, pages
        response = client.get(body["next"])


def test_the_api_serves_the_benchmark_feed_as_the_floor_writes_it(bench):
    built = bench.build(rows=ROWS)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bench.credentials()["Authorization"])

    rows, pages = pull(client, bench)
    response: Any = client.get("/api/v1/payroll/scores.csv", {"period": bench.PERIOD})
    body = b"".join(cast(Iterable[bytes], response.streaming_content))
    bom, header, csv_rows = bench.csv_table(body)
    _seconds, floor_rows = bench.floor_copy(conninfo(), runs=1)
    results = bench.Results(
        built=built,
        page_size=50,
        pull=bench.Pull(seconds=0.0, rows=rows, pages=pages, links=[], page_ms=[]),
        csv=bench.Download(seconds=0.0, rows=csv_rows, nbytes=len(body), bom=bom, header=header),
        floor_seconds=0.0,
        floor_rows=floor_rows,
        latency_ms=[],
        problems=[],
    )

    assert (built.reviews, built.results, pages) == (ROWS, ROWS + 1, 3)
    assert bench.compare(results, expected=ROWS) == []
    # The feed has the re-approved review once, at version 2, and the name with a comma.
    assert [row[8] for row in rows].count("2") == 1
    assert any(", " in row[1] and '"' in row[1] for row in rows)
    # And the check does see a difference: one cent off in the CSV.
    results.csv.rows[7][4] = f"{float(results.csv.rows[7][4]) + 0.01:.2f}"
    assert [problem.split(" row ")[0] for problem in bench.compare(results, expected=ROWS)] == [
        "CSV"
    ]
