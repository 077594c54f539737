"""The keyset paginator behind the payroll feed (hrperf.api.pagination), on its own: cursors
round-trip, are bound to their filters, and a page fetched with one row more knows its next."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIRequestFactory

from hrperf.api.pagination import InvalidCursor, KeysetPagination, Page, query_digest
from hrperf.lib.errors import ErrorList

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MOMENT = dt.datetime(2026, 10, 8, 9, 30, 0, 250000, tzinfo=SHANGHAI)


def test_a_cursor_round_trips_its_keys():
    pages = KeysetPagination(keys=(dt.datetime, int))
    cursor = pages.encode((MOMENT, 42), query={"period": "2026Q3"})

    assert pages.decode(cursor, query={"period": "2026Q3"}) == (MOMENT, 42)
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor


def test_text_keys_round_trip_too():
    pages = KeysetPagination(keys=(str, int))
    cursor = pages.encode(("E00042", 7), query={})

    assert pages.decode(cursor, query={}) == ("E00042", 7)


def test_a_cursor_is_bound_to_its_filters():
    pages = KeysetPagination(keys=(dt.datetime, int))
    cursor = pages.encode((MOMENT, 42), query={"period": "2026Q3", "updated_since": None})

    with pytest.raises(InvalidCursor):
        pages.decode(cursor, query={"period": "2026Q4", "updated_since": None})
    assert query_digest({"a": 1, "b": None}) == query_digest({"b": None, "a": "1"})


def test_it_refuses_to_encode_a_naive_time_or_a_short_position():
    pages = KeysetPagination(keys=(dt.datetime, int))

    with pytest.raises(ValueError):
        pages.encode((MOMENT.replace(tzinfo=None), 1), query={})
    with pytest.raises(ValueError):
        pages.encode((MOMENT,), query={})
    with pytest.raises(ValueError):
        KeysetPagination(keys=(int,), default_size=2000, max_size=1000)


@pytest.mark.parametrize(
    ("raw", "size", "codes"),
    [
        (None, 500, []),
        ("1", 1, []),
        (" 1000 ", 1000, []),
        ("0", 500, ["out_of_range"]),
        ("1e3", 500, ["invalid"]),
    ],
)
def test_the_page_size_is_checked(raw, size, codes):
    pages = KeysetPagination(keys=(int,))
    errors = ErrorList()

    params = {} if raw is None else {"page_size": raw}

    assert pages.page_size(params, errors) == size
    assert [e.code for e in errors.errors] == codes


def test_a_page_fetched_with_one_row_more_links_to_the_next():
    pages = KeysetPagination(keys=(int,))
    request = APIRequestFactory().get("/api/v1/things/", {"kind": "a b", "page_size": "2"})

    full = pages.page(request, [1, 2, 3], size=2, query={"kind": "a b"}, key=lambda n: (n,))
    last = pages.page(request, [1, 2], size=2, query={"kind": "a b"}, key=lambda n: (n,))

    assert full.results == [1, 2]
    assert full.next is not None
    assert full.next.startswith("http://testserver/api/v1/things/?")
    assert "kind=a+b" in full.next and "page_size=2" in full.next
    cursor = full.next.split("cursor=")[1].split("&")[0]
    assert pages.decode(cursor, query={"kind": "a b"}) == (2,)
    assert last == Page(results=[1, 2], next=None)
