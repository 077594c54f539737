"""The payroll feed as one CSV file: UTF-8 with a byte order mark, a header of the JSON field
names, CRLF line ends, the same rows as the JSON pages, streamed; its validators, bad input and
who may download it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, cast

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from departments.models import Department
from reviews.models import ApprovedResult
from tests.helpers.payroll import (
    CSV,
    CSV_FIELDS,
    FIELDS,
    PERIOD,
    SCORES,
    approved,
    approved_again,
    approved_in_bulk,
    open_quarter,
    pull,
    reopened,
)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
BULK_AT = dt.datetime(2026, 10, 8, 9, 30, tzinfo=SHANGHAI)
BOM = b"\xef\xbb\xbf"


@pytest.fixture
def hr(api_client_for: Callable[[str | None], APIClient]) -> APIClient:
    return api_client_for("hr")


@pytest.fixture
def opened(personas: dict[str, User]) -> Any:
    """2026Q3 opened with a review for each persona employee, none approved."""
    return open_quarter(personas)


@pytest.fixture
def bulk(personas: dict[str, User], departments: dict[str, Department]) -> Callable[..., Any]:
    def make(**kwargs: Any) -> list[ApprovedResult]:
        kwargs.setdefault("department", departments["MARKET"])
        return approved_in_bulk(hr=personas["hr"], director=personas["director"], **kwargs)

    return make


def content(response: Any) -> bytes:
    """The body of a streamed response."""
    assert response.streaming
    return b"".join(cast(Iterable[bytes], response.streaming_content))


def download(client: Client, **params: Any) -> tuple[Any, bytes]:
    response = client.get(CSV, params)
    assert response.status_code == 200, response.content
    return response, content(response)


def table(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM) :].decode("utf-8"), newline="")))


def as_csv_text(row: dict[str, Any]) -> list[str]:
    confirmation = row["confirmation"]
    return [
        *(
            ("true" if row[name] else "false") if isinstance(row[name], bool) else str(row[name])
            for name in FIELDS
        ),
        *(
            "" if confirmation[key] is None else confirmation[key]
            for key in ("status", "how", "at")
        ),
    ]


def test_it_is_utf8_with_a_bom_a_header_and_crlf_line_ends(bulk, hr):
    bulk(count=2, approved_at=BULK_AT, name="欧阳")

    response, body = download(hr, period=PERIOD)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="payroll-2026Q3.csv"'
    assert response["Cache-Control"] == "private, no-cache"
    assert body.startswith(BOM + b"employee_no,employee_name,")
    lines = body[len(BOM) :].split(b"\r\n")
    assert lines[0].decode() == ",".join(CSV_FIELDS)
    assert lines[0].decode().startswith(",".join(FIELDS) + ",")  # v1's columns unchanged
    assert lines[-1] == b""  # every line ends with CRLF, the last one too
    assert len(lines) == 4
    assert b"\n" not in b"".join(lines)
    assert lines[1].decode("utf-8").startswith("B00001,欧阳1,MARKET,2026Q3,")


def test_it_has_the_same_rows_as_the_json_pages_in_the_same_order(opened, bulk, hr, personas):
    bulk(count=7, approved_at=BULK_AT, first=1)
    bulk(count=5, approved_at=BULK_AT - dt.timedelta(days=1), first=8)
    approved(personas, "employee", actual="95")  # 张伟 through the services

    rows, _ = pull(hr, period=PERIOD, page_size=4)
    _, body = download(hr, period=PERIOD)

    assert table(body)[1:] == [as_csv_text(row) for row in rows]
    last = table(body)[-1]
    assert last[:9] == ["E00002", "张伟", "SALES", "2026Q3", "88.00", "A", "1.10", "false", "1"]
    assert re.match(r"^2026-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+08:00$", last[9])


def test_decimals_booleans_and_times_are_written_as_the_json_gives_them(bulk, hr):
    figures = {
        "total_score": Decimal("50.1"),
        "grade": "D",
        "pay_coefficient": Decimal("0.7"),
        "verbal_warning": True,
    }
    bulk(count=1, approved_at=BULK_AT, first=1, overrides=figures)  # no microseconds
    bulk(count=1, approved_at=BULK_AT.replace(microsecond=120000), first=2)
    bulk(count=1, approved_at=BULK_AT.replace(microsecond=5), first=3)

    rows, _ = pull(hr, period=PERIOD)
    _, body = download(hr, period=PERIOD)

    assert table(body)[1:] == [as_csv_text(row) for row in rows]
    assert [row[4:10] for row in table(body)[1:]] == [
        ["50.10", "D", "0.70", "true", "1", "2026-10-08T09:30:00+08:00"],
        ["60.25", "C", "0.90", "false", "1", "2026-10-08T09:30:00.000005+08:00"],
        ["60.25", "C", "0.90", "false", "1", "2026-10-08T09:30:00.120000+08:00"],
    ]


def test_it_shows_the_latest_approved_version_of_a_reopened_review(opened, personas, hr):
    review = approved(personas, "employee", actual="60")
    review = reopened(personas, review)
    _, while_reopened = download(hr, period=PERIOD)
    approved_again(personas, review, actual="95")
    _, after = download(hr, period=PERIOD)

    assert [(r[0], r[4], r[8]) for r in table(while_reopened)[1:]] == [("E00002", "60.00", "1")]
    assert [(r[0], r[4], r[8]) for r in table(after)[1:]] == [("E00002", "88.00", "2")]


def test_updated_since_keeps_the_rows_approved_after_it(bulk, hr):
    bulk(count=2, approved_at=BULK_AT, first=1)
    bulk(count=2, approved_at=BULK_AT + dt.timedelta(seconds=1), first=3)

    _, body = download(hr, period=PERIOD, updated_since="2026-10-08T09:30:00+08:00")

    assert [row[0] for row in table(body)[1:]] == ["B00003", "B00004"]


def test_a_valid_period_with_nothing_approved_is_the_header_alone(personas, hr):
    response, body = download(hr, period="2026Q4")

    assert body == BOM + ",".join(CSV_FIELDS).encode() + b"\r\n"
    assert response["Content-Disposition"] == 'attachment; filename="payroll-2026Q4.csv"'


def test_names_with_commas_and_quotes_are_quoted(bulk, hr):
    bulk(count=1, approved_at=BULK_AT, name='欧阳, "小明" ')

    _, body = download(hr, period=PERIOD)

    assert '"欧阳, ""小明"" 1"'.encode() in body
    assert table(body)[1][1] == '欧阳, "小明" 1'


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_neutralised(bulk, hr, prefix):
    bulk(count=1, approved_at=BULK_AT, name=f"{prefix}HYPERLINK(1)")

    _, body = download(hr, period=PERIOD)
    rows, _ = pull(hr, period=PERIOD)

    assert table(body)[1][1] == f"'{prefix}HYPERLINK(1)1"
    assert rows[0]["employee_name"] == f"{prefix}HYPERLINK(1)1"  # JSON is not a spreadsheet


def test_many_rows_stream_in_chunks(bulk, hr):
    bulk(count=2500, approved_at=BULK_AT)

    response: Any = hr.get(CSV, {"period": PERIOD})
    chunks = list(response.streaming_content)

    assert len(chunks) >= 3
    assert len(table(b"".join(chunks))) == 2501


# -- validators ----------------------------------------------------------------------------------


def test_a_file_held_is_confirmed_with_304_until_something_changes(bulk, hr):
    bulk(count=2, approved_at=BULK_AT)
    response, _ = download(hr, period=PERIOD)
    etag = response["ETag"]
    assert etag != hr.get(SCORES, {"period": PERIOD})["ETag"]

    held = hr.get(CSV, {"period": PERIOD}, HTTP_IF_NONE_MATCH=etag)
    assert held.status_code == 304
    assert held.content == b""
    assert held["ETag"] == etag

    bulk(count=1, approved_at=BULK_AT, first=10)
    changed = hr.get(CSV, {"period": PERIOD}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


# -- bad input and who may download it -------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "period"),
        ({"period": "2026Q0"}, "period"),
        ({"period": PERIOD, "updated_since": "2026-10-08T09:30"}, "updated_since"),
        ({"period": PERIOD, "updated_since": "tomorrow"}, "updated_since"),
    ],
)
def test_it_rejects_a_bad_query_in_json_whatever_the_accept(personas, hr, params, field):
    response = hr.get(CSV, params, HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert [f["field"] for f in error["fields"]] == [field]


@pytest.mark.parametrize("name", ["director", "head", "employee", "outsider"])
def test_other_roles_are_refused(personas, api_client_for, name):
    response = api_client_for(name).get(CSV, {"period": PERIOD})

    assert response.status_code == 403
    assert response.json()["error"]["code"] in ("not_allowed", "insufficient_scope")


def test_anonymous_callers_must_authenticate(personas, api_client_for):
    response = api_client_for(None).get(CSV, {"period": PERIOD})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("scope", ["payroll", "hr"])
def test_a_payroll_or_hr_token_may_download_it(token_client, bulk, scope):
    bulk(count=2, approved_at=BULK_AT)

    response = token_client(scope).get(CSV, {"period": PERIOD})

    assert response.status_code == 200
    assert len(table(content(response))) == 3


def test_a_quarter_never_opened_says_so_in_a_header(personas, hr):
    open_quarter(personas)
    never, _ = download(hr, period="2026Q4")
    opened, _ = download(hr, period=PERIOD)

    assert never["Quarter-Status"] == "not_opened"
    assert opened["Quarter-Status"] == "open"
