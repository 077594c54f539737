"""The payroll feed's contract (product.md, "The payroll contract (v1)"): each field's name, type
and format, the order, the pages, `updated_since` through a reopen and a second approval, the
validators, bad input, who may read it and how often."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from departments.models import Department, Employee
from reviews import services
from reviews.models import ApprovedResult, Review
from tests.helpers.payroll import (
    CSV,
    FIELDS,
    JSON_FIELDS,
    PENDING,
    PERIOD,
    SCORES,
    approved,
    approved_again,
    approved_in_bulk,
    get_page,
    newest,
    open_quarter,
    pull,
    reopened,
    review_of,
    scored,
)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+08:00$")
BULK_AT = dt.datetime(2026, 10, 8, 9, 30, tzinfo=SHANGHAI)


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


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], list)
    return error


# -- the rows ------------------------------------------------------------------------------------


def test_an_approved_review_comes_with_every_field_in_its_format(opened, personas, hr):
    review = approved(personas, "employee", actual="95")
    result = ApprovedResult.objects.get(review=review)

    body = get_page(hr, period=PERIOD)

    assert body["next"] is None
    assert len(body["results"]) == 1
    row = body["results"][0]
    assert list(row) == JSON_FIELDS
    assert list(row)[: len(FIELDS)] == FIELDS  # the fields of v1, unchanged and in order
    assert row == {
        "employee_no": "E00002",
        "employee_name": "张伟",
        "department_code": "SALES",
        "period": "2026Q3",
        "total_score": "88.00",
        "grade": "A",
        "pay_coefficient": "1.10",
        "verbal_warning": False,
        "version": 1,
        "approved_at": row["approved_at"],
        "confirmation": PENDING,
    }
    assert ISO_WITH_OFFSET.match(row["approved_at"])
    assert dt.datetime.fromisoformat(row["approved_at"]) == result.approved_at


def test_decimals_keep_two_places_and_a_warning_is_true(bulk, hr):
    bulk(
        count=1,
        approved_at=BULK_AT,
        overrides={
            "total_score": Decimal("50.1"),
            "grade": "D",
            "pay_coefficient": Decimal("0.7"),
            "verbal_warning": True,
        },
    )

    row = get_page(hr, period=PERIOD)["results"][0]

    assert (row["total_score"], row["pay_coefficient"], row["grade"]) == ("50.10", "0.70", "D")
    assert row["verbal_warning"] is True
    assert row["approved_at"] == "2026-10-08T09:30:00+08:00"


def test_only_approved_reviews_come(opened, personas, hr):
    scored(personas, "head")  # scored, waiting for the director
    returned = scored(personas, "employee")
    services.review_return(actor=personas["director"], review=returned, comment="复核")
    assert set(Review.objects.values_list("state", flat=True)) == {"scored", "returned", "draft"}

    assert get_page(hr, period=PERIOD) == {"next": None, "results": []}


def test_a_valid_period_with_nothing_approved_is_an_empty_list(opened, personas, hr):
    approved(personas, "employee")

    assert get_page(hr, period="2026Q4") == {"next": None, "results": []}
    assert get_page(hr, period="2000Q1") == {"next": None, "results": []}
    assert get_page(hr, period="2099Q4") == {"next": None, "results": []}


def test_a_period_as_typed_is_read_in_its_canonical_form(opened, personas, hr):
    approved(personas, "employee")

    assert get_page(hr, period=" 2026q3 ")["results"] == get_page(hr, period=PERIOD)["results"]


def test_rows_come_in_the_order_of_approval_then_of_the_approved_result(bulk, hr):
    later = bulk(count=3, approved_at=BULK_AT + dt.timedelta(hours=1), first=1)
    earlier = bulk(count=3, approved_at=BULK_AT, first=4)

    rows = get_page(hr, period=PERIOD)["results"]

    expected = [r.review.employee.employee_no for r in earlier + later]
    assert [row["employee_no"] for row in rows] == expected


# -- pages -----------------------------------------------------------------------------------------


def test_three_pages_never_skip_or_repeat_rows_sharing_one_instant(bulk, hr):
    bulk(count=4, approved_at=BULK_AT - dt.timedelta(minutes=1), first=1)
    bulk(count=17, approved_at=BULK_AT, first=5)  # one bulk action, one instant
    bulk(count=4, approved_at=BULK_AT + dt.timedelta(minutes=1), first=22)

    first = get_page(hr, period=PERIOD, page_size=10)
    rows, pages = pull(hr, period=PERIOD, page_size=10)

    assert len(first["results"]) == 10 and first["next"] is not None
    assert pages == 3
    numbers = [row["employee_no"] for row in rows]
    assert numbers == [f"B{n:05d}" for n in range(1, 26)]
    assert len(set(numbers)) == 25


def test_the_last_full_page_has_no_next_link(bulk, hr):
    bulk(count=20, approved_at=BULK_AT)

    rows, pages = pull(hr, period=PERIOD, page_size=10)

    assert (len(rows), pages) == (20, 2)


def test_the_next_link_keeps_the_filters_and_the_page_size(bulk, hr):
    bulk(count=5, approved_at=BULK_AT)
    since = (BULK_AT - dt.timedelta(days=1)).isoformat()

    body = get_page(hr, period=PERIOD, page_size=2, updated_since=since)

    assert body["next"].startswith("http://testserver/api/v1/payroll/scores/?")
    second = hr.get(body["next"]).json()
    assert len(second["results"]) == 2
    assert "page_size=2" in body["next"] and "period=2026Q3" in body["next"]


def test_approvals_during_a_pull_join_at_the_end_and_skip_nothing(personas, bulk, hr, opened):
    bulk(count=6, approved_at=BULK_AT)
    page = get_page(hr, period=PERIOD, page_size=4)
    approved(personas, "employee")  # approved now: after every bulk row

    rest = hr.get(page["next"]).json()

    numbers = [row["employee_no"] for row in page["results"] + rest["results"]]
    assert numbers == ["B00001", "B00002", "B00003", "B00004", "B00005", "B00006", "E00002"]


def test_the_default_page_is_500_rows_and_the_largest_1000(bulk, hr):
    bulk(count=1001, approved_at=BULK_AT)

    assert len(get_page(hr, period=PERIOD)["results"]) == 500
    largest = get_page(hr, period=PERIOD, page_size=1000)
    assert len(largest["results"]) == 1000 and largest["next"] is not None


def test_a_page_costs_the_same_queries_whatever_its_size(bulk, hr):
    bulk(count=30, approved_at=BULK_AT)
    hr.get(SCORES, {"period": PERIOD, "page_size": 1})  # the session, warmed

    counts = []
    for size in (2, 25):
        with CaptureQueriesContext(connection) as queries:
            assert hr.get(SCORES, {"period": PERIOD, "page_size": size}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


# -- updated_since through a reopen and a second approval ----------------------------------------


def test_a_client_keeping_the_newest_approved_at_sees_a_reapproval_once(opened, personas, hr):
    review = approved(personas, "employee", actual="60")
    approved(personas, "head", actual="60")
    rows, _ = pull(hr, period=PERIOD)
    assert [(r["employee_no"], r["version"]) for r in rows] == [("E00002", 1), ("E00001", 1)]
    kept = newest(rows)

    # Reopened: payroll keeps the last approved version, and nothing is new.
    review = reopened(personas, review_of(personas, "employee"))
    assert review.state == Review.State.REOPENED
    rows, _ = pull(hr, period=PERIOD)
    assert [(r["employee_no"], r["version"], r["total_score"]) for r in rows] == [
        ("E00002", 1, "60.00"),
        ("E00001", 1, "60.00"),
    ]
    assert get_page(hr, period=PERIOD, updated_since=kept)["results"] == []

    # Approved again: exactly the new version, once; the old one never again.
    approved_again(personas, review, actual="95")
    changes = get_page(hr, period=PERIOD, updated_since=kept)["results"]
    assert [(r["employee_no"], r["version"], r["total_score"]) for r in changes] == [
        ("E00002", 2, "88.00")
    ]
    assert instant(changes[0]["approved_at"]) > instant(kept)
    rows, _ = pull(hr, period=PERIOD)
    assert [(r["employee_no"], r["version"]) for r in rows] == [("E00001", 1), ("E00002", 2)]
    assert get_page(hr, period=PERIOD, updated_since=newest(changes))["results"] == []


def test_a_bulk_approval_comes_in_its_order_and_once(opened, personas, hr):
    reviews = [scored(personas, "employee"), scored(personas, "head")]
    services.reviews_approve(actor=personas["director"], reviews=reviews)

    rows, pages = pull(hr, period=PERIOD, page_size=1)

    assert pages == 2
    assert [r["employee_no"] for r in rows] == ["E00002", "E00001"]
    assert instant(rows[0]["approved_at"]) < instant(rows[1]["approved_at"])
    assert get_page(hr, period=PERIOD, updated_since=newest(rows))["results"] == []


def test_updated_since_is_exclusive(bulk, hr):
    bulk(count=2, approved_at=BULK_AT, first=1)
    bulk(count=2, approved_at=BULK_AT + dt.timedelta(microseconds=1), first=3)

    exact = get_page(hr, period=PERIOD, updated_since="2026-10-08T09:30:00+08:00")
    in_utc = get_page(hr, period=PERIOD, updated_since="2026-10-08T01:30:00Z")
    far_west = get_page(hr, period=PERIOD, updated_since="2026-10-07T07:00:00-18:30")
    before = get_page(hr, period=PERIOD, updated_since="2026-10-08T09:29:59.999999+08:00")

    assert [r["employee_no"] for r in exact["results"]] == ["B00003", "B00004"]
    assert exact["results"] == in_utc["results"] == far_west["results"]
    assert len(before["results"]) == 4


def test_the_newest_approved_at_of_a_bulk_action_round_trips_as_updated_since(bulk, hr):
    bulk(count=12, approved_at=BULK_AT + dt.timedelta(microseconds=123456))
    rows, _ = pull(hr, period=PERIOD, page_size=5)
    assert newest(rows) == "2026-10-08T09:30:00.123456+08:00"

    assert get_page(hr, period=PERIOD, updated_since=newest(rows))["results"] == []
    bulk(count=1, approved_at=BULK_AT + dt.timedelta(microseconds=123457), first=50)
    again = get_page(hr, period=PERIOD, updated_since=newest(rows))["results"]
    assert [r["employee_no"] for r in again] == ["B00050"]


def test_an_unencoded_plus_in_updated_since_is_read_as_a_plus(bulk, hr):
    bulk(count=1, approved_at=BULK_AT)

    response = hr.get(f"{SCORES}?period={PERIOD}&updated_since=2026-10-08T09:00:00+08:00")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_pages_with_updated_since_follow_their_cursor(bulk, hr):
    bulk(count=3, approved_at=BULK_AT - dt.timedelta(hours=1), first=1)
    bulk(count=7, approved_at=BULK_AT, first=4)

    rows, pages = pull(hr, period=PERIOD, page_size=3, updated_since=BULK_AT.replace(minute=0))

    assert pages == 3
    assert [r["employee_no"] for r in rows] == [f"B{n:05d}" for n in range(4, 11)]


# -- validators ----------------------------------------------------------------------------------


def test_a_response_held_is_confirmed_with_304_and_no_body(bulk, hr):
    bulk(count=3, approved_at=BULK_AT)
    first = hr.get(SCORES, {"period": PERIOD})
    etag = first["ETag"]
    assert re.match(r'^"[0-9a-f]{32}"$', etag)
    assert first["Cache-Control"] == "private, no-cache"

    again = hr.get(SCORES, {"period": PERIOD}, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == "private, no-cache"
    for header in (f'"other", {etag}', f"W/{etag}", "*"):
        assert hr.get(SCORES, {"period": PERIOD}, HTTP_IF_NONE_MATCH=header).status_code == 304


def test_a_change_gives_a_new_etag(bulk, hr, personas, opened):
    bulk(count=3, approved_at=BULK_AT)
    etag = hr.get(SCORES, {"period": PERIOD})["ETag"]

    approved(personas, "employee")
    after_approval = hr.get(SCORES, {"period": PERIOD}, HTTP_IF_NONE_MATCH=etag)
    assert after_approval.status_code == 200
    assert after_approval["ETag"] != etag

    etag = after_approval["ETag"]
    employee = Employee.objects.get(employee_no="E00002")
    employee.name = "张伟伟"
    employee.save()
    after_rename = hr.get(SCORES, {"period": PERIOD}, HTTP_IF_NONE_MATCH=etag)
    assert after_rename.status_code == 200
    assert after_rename["ETag"] != etag
    assert "张伟伟" in after_rename.content.decode()


def test_a_confirmation_or_an_appeal_gives_a_new_etag(hr, personas, opened):
    """They change a row's `confirmation` without a new approved result."""
    from appeals import services as appeal_services
    from appeals.inputs import WHOLE, Disputed
    from hrperf.lib.roles import roles_of

    employee = personas["employee"]
    review = approved(personas, "employee")
    etag = hr.get(SCORES, {"period": PERIOD})["ETag"]
    appeal = appeal_services.appeal_file(
        user=employee,
        roles=roles_of(employee),
        review=review,
        items=[Disputed(WHOLE)],
        grounds="数据有误",
    )
    after_appeal = hr.get(SCORES, {"period": PERIOD}, HTTP_IF_NONE_MATCH=etag)
    assert after_appeal.status_code == 200
    assert after_appeal.json()["results"][0]["confirmation"]["status"] == "appealed"

    etag = after_appeal["ETag"]
    appeal_services.appeal_reject(
        user=personas["hr"], roles=roles_of(personas["hr"]), appeal=appeal, reason="已核对"
    )
    after_answer = hr.get(SCORES, {"period": PERIOD}, HTTP_IF_NONE_MATCH=etag)
    assert after_answer.status_code == 200
    assert after_answer.json()["results"][0]["confirmation"]["status"] == "pending"

    etag = after_answer["ETag"]
    appeal_services.result_confirm(user=employee, roles=roles_of(employee), review=review)
    after_confirmation = hr.get(SCORES, {"period": PERIOD}, HTTP_IF_NONE_MATCH=etag)
    assert after_confirmation.status_code == 200
    assert after_confirmation.json()["results"][0]["confirmation"]["status"] == "confirmed"


def test_each_page_and_filter_has_its_own_etag(bulk, hr):
    bulk(count=4, approved_at=BULK_AT)
    first = hr.get(SCORES, {"period": PERIOD, "page_size": 2})
    second = hr.get(first.json()["next"])
    other_size = hr.get(SCORES, {"period": PERIOD, "page_size": 3})
    other_period = hr.get(SCORES, {"period": "2026Q4", "page_size": 2})

    etags = {r["ETag"] for r in (first, second, other_size, other_period)}
    assert len(etags) == 4


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({}, "period", "required"),
        ({"period": ""}, "period", "required"),
        ({"period": "2026Q5"}, "period", "invalid"),
        ({"period": "2026-3"}, "period", "invalid"),
        ({"period": "26Q1"}, "period", "invalid"),
        ({"period": "２０２６Q3"}, "period", "invalid"),
        ({"period": "٢٠٢٦Q3"}, "period", "invalid"),
        ({"period": "2026Q3x"}, "period", "invalid"),
        ({"period": "2026 Q3"}, "period", "invalid"),
        ({"period": "1999Q4"}, "period", "invalid"),
        ({"period": "2100Q1"}, "period", "invalid"),
        ({"period": "0000Q1"}, "period", "invalid"),
        ({"period": "9999Q4"}, "period", "invalid"),
        ({"period": "2026Q3\x00"}, "period", "control_character"),
        ({"period": PERIOD, "updated_since": "yesterday"}, "updated_since", "invalid"),
        ({"period": PERIOD, "updated_since": ""}, "updated_since", "invalid"),
        ({"period": PERIOD, "updated_since": "2026-13-01T00:00:00Z"}, "updated_since", "invalid"),
        ({"period": PERIOD, "updated_since": "2026-10-08"}, "updated_since", "no_offset"),
        ({"period": PERIOD, "updated_since": "2026-10-08T09:30:00"}, "updated_since", "no_offset"),
        (
            {"period": PERIOD, "updated_since": "0001-01-01T00:00:00+08:00"},
            "updated_since",
            "invalid",
        ),
        ({"period": PERIOD, "page_size": "0"}, "page_size", "out_of_range"),
        ({"period": PERIOD, "page_size": "1001"}, "page_size", "out_of_range"),
        ({"period": PERIOD, "page_size": "-1"}, "page_size", "invalid"),
        ({"period": PERIOD, "page_size": "ten"}, "page_size", "invalid"),
        ({"period": PERIOD, "page_size": "2.5"}, "page_size", "invalid"),
    ],
)
def test_it_rejects_a_bad_query_with_the_field_and_a_code(personas, hr, params, field, code):
    response = hr.get(SCORES, params)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert [(f["field"], f["code"]) for f in error["fields"]] == [(field, code)]
    assert all(f["message"] for f in error["fields"])


def test_it_names_every_bad_parameter_at_once(personas, hr):
    response = hr.get(SCORES, {"period": "Q3", "updated_since": "soon", "page_size": "0"})

    assert response.status_code == 400
    assert [f["field"] for f in error_of(response)["fields"]] == [
        "period",
        "updated_since",
        "page_size",
    ]


def test_a_bad_period_is_explained_in_the_callers_language(personas, hr):
    english = error_of(hr.get(SCORES, {"period": "2026Q5"}, HTTP_ACCEPT_LANGUAGE="en"))
    chinese = error_of(hr.get(SCORES, {"period": "2026Q5"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "2026Q3" in english["fields"][0]["message"]
    assert english["fields"][0]["message"] == (
        "A period is a year from 2000 to 2099 and a quarter, such as 2026Q3."
    )
    assert chinese["fields"][0]["message"] != english["fields"][0]["message"]


def _cursor(document: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")


def _tampered(bulk: Callable[..., Any], hr: Client) -> list[str]:
    bulk(count=3, approved_at=BULK_AT)
    link = get_page(hr, period=PERIOD, page_size=1)["next"]
    good = re.search(r"cursor=([^&]+)", link).group(1)  # type: ignore[union-attr]
    document = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    flipped = good[:-3] + ("A" if good[-3] != "A" else "B") + good[-2:]
    return [
        "",
        "garbage!",
        "bm90IGpzb24",  # "not json"
        flipped,
        good + "x" * 600,
        _cursor([1, 2]),
        _cursor({**document, "v": 2}),
        _cursor({**document, "k": ["2026-10-08T09:30:00", 1]}),  # naive
        _cursor({**document, "k": [document["k"][0], "1"]}),
        _cursor({**document, "k": [document["k"][0], True]}),
        _cursor({**document, "k": [document["k"][0]]}),
        _cursor({**document, "q": "0" * 16}),
        _cursor({**document, "extra": 1}),
    ]


def test_it_rejects_a_garbled_or_edited_cursor(bulk, hr):
    for cursor in _tampered(bulk, hr):
        response = hr.get(SCORES, {"period": PERIOD, "cursor": cursor})

        assert response.status_code == 400, cursor
        error = error_of(response)
        assert error["code"] == "invalid_cursor"
        assert [(f["field"], f["code"]) for f in error["fields"]] == [("cursor", "invalid_cursor")]


def test_a_cursor_is_refused_for_other_filters(bulk, hr):
    bulk(count=3, approved_at=BULK_AT)
    link = get_page(hr, period=PERIOD, page_size=1)["next"]
    cursor = re.search(r"cursor=([^&]+)", link).group(1)  # type: ignore[union-attr]

    other_period = hr.get(SCORES, {"period": "2026Q4", "cursor": cursor})
    other_since = hr.get(
        SCORES, {"period": PERIOD, "cursor": cursor, "updated_since": "2026-01-01T00:00:00Z"}
    )
    other_size = hr.get(SCORES, {"period": PERIOD, "cursor": cursor, "page_size": 2})

    assert error_of(other_period)["code"] == "invalid_cursor"
    assert error_of(other_since)["code"] == "invalid_cursor"
    assert other_size.status_code == 200  # the size may change from page to page


# -- who may read it ------------------------------------------------------------------------------


def test_hr_in_the_browser_may_read_it(personas, hr):
    assert hr.get(SCORES, {"period": PERIOD}).status_code == 200


@pytest.mark.parametrize("name", ["director", "head", "employee", "outsider"])
def test_other_roles_are_refused(personas, api_client_for, name):
    response = api_client_for(name).get(SCORES, {"period": PERIOD})

    assert response.status_code == 403
    assert error_of(response)["code"] in ("not_allowed", "insufficient_scope")


def test_anonymous_callers_must_authenticate(personas, api_client_for):
    response = api_client_for(None).get(SCORES, {"period": PERIOD})

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_bad_input_of_a_refused_caller_is_not_revealed(personas, api_client_for):
    response = api_client_for("employee").get(SCORES, {"period": "nonsense"})

    assert response.status_code == 403


@pytest.mark.parametrize("scope", ["payroll", "hr"])
def test_a_payroll_or_hr_token_may_read_it(token_client, bulk, scope):
    bulk(count=2, approved_at=BULK_AT)
    client = token_client(scope)

    rows, _ = pull(client, period=PERIOD, page_size=1)

    assert [r["employee_no"] for r in rows] == ["B00001", "B00002"]


def test_an_unknown_token_is_refused(token_client, personas):
    token_client("payroll")  # a real one exists, this one is not it
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token hrp_nothere0_notasecret")

    response = client.get(SCORES, {"period": PERIOD})

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("url", [SCORES, CSV])
def test_a_payroll_token_over_its_rate_gets_429_with_retry_after(token_client, settings, url):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "payroll": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client = token_client("payroll")

    statuses = [client.get(url, {"period": PERIOD}).status_code for _ in range(2)]
    response = client.get(url, {"period": PERIOD})

    assert statuses == [200, 200]
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert error_of(response)["code"] == "throttled"


def test_a_quarter_never_opened_is_told_apart_from_one_with_nothing_approved(opened, hr):
    """The contract keeps both an empty list; the Quarter-Status header tells them apart."""
    never = hr.get(SCORES, {"period": "2026Q4"})
    nothing = hr.get(SCORES, {"period": PERIOD})

    assert never.json() == nothing.json() == {"next": None, "results": []}
    assert never["Quarter-Status"] == "not_opened"
    assert nothing["Quarter-Status"] == "open"


def test_opening_the_quarter_changes_the_validator(personas, hr):
    before = hr.get(SCORES, {"period": PERIOD})
    open_quarter(personas)
    after = hr.get(SCORES, {"period": PERIOD}, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["Quarter-Status"] == "open"


def test_each_row_says_whether_its_version_is_confirmed(opened, personas, hr):
    from appeals import services as appeal_services
    from appeals.inputs import WHOLE, Disputed
    from hrperf.lib.roles import roles_of
    from tests.helpers.payroll import CSV

    employee = personas["employee"]
    review = approved(personas, "employee", actual="95")
    appeal = appeal_services.appeal_file(
        user=employee,
        roles=roles_of(employee),
        review=review,
        items=[Disputed(WHOLE)],
        grounds="The CRM shows more.",
    )
    [row] = get_page(hr, period=PERIOD)["results"]
    assert row["confirmation"] == {"status": "appealed", "how": None, "at": None}
    appeal_services.appeal_reject(
        user=personas["hr"], roles=roles_of(personas["hr"]), appeal=appeal, reason="Checked."
    )
    [row] = get_page(hr, period=PERIOD)["results"]
    assert row["confirmation"] == PENDING  # the result stands, not yet confirmed
    confirmation = appeal_services.result_confirm(
        user=employee, roles=roles_of(employee), review=review
    )
    [row] = get_page(hr, period=PERIOD)["results"]
    assert row["confirmation"]["status"] == "confirmed"
    assert row["confirmation"]["how"] == "employee"
    assert ISO_WITH_OFFSET.match(row["confirmation"]["at"])
    assert dt.datetime.fromisoformat(row["confirmation"]["at"]) == confirmation.confirmed_at
    response = hr.get(CSV, {"period": PERIOD})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").split("\r\n")
    assert lines[1].split(",")[-3:] == ["confirmed", "employee", row["confirmation"]["at"]]
