"""The payroll API (v1): the approved figures of a quarter, as JSON pages and as one CSV file.

    GET /api/v1/payroll/scores/?period=2026Q3[&updated_since=…][&cursor=…][&page_size=…]
    GET /api/v1/payroll/scores.csv?period=2026Q3[&updated_since=…]

Read-only, for a payroll token (or an HR token, or HR in the browser). The rows and their order
come from `payroll.selectors`; this module parses the query, checks the validators and renders.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpResponseBase, HttpResponseNotModified, StreamingHttpResponse
from django.urls import path
from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from hrperf.api.pagination import KeysetPagination, Page
from hrperf.api.schema import ErrorSerializer, error_responses
from hrperf.api.views import Api, query_names
from hrperf.lib.errors import ErrorList
from hrperf.lib.periods import PERIOD_HELP, PERIOD_PATTERN, clean_period, is_period
from hrperf.lib.spreadsheets import csv_text
from payroll import selectors
from payroll.permissions import PayrollReader
from payroll.selectors import (
    APPEALED,
    CONFIRMED,
    CSV_FIELDS,
    PENDING,
    PayrollState,
    payroll_page_as_text,
    payroll_rows_as_text,
    payroll_state,
    quarter_status,
)
from reviews.models import Review, ReviewCycle

# The payroll contract fixes the offset: every time is given in China Standard Time (+08:00).
PAYROLL_TIME_ZONE = ZoneInfo(selectors.PAYROLL_TIME_ZONE)
# "+08:00" sent unencoded in a query string arrives as " 08:00": read it as the "+" it was.
_OFFSET_AS_SPACE = re.compile(
    r"^([0-9]{4}-?[0-9]{2}-?[0-9]{2}[T ][0-9:.,]+) ([0-9]{2}(?::?[0-9]{2})?)$"
)
CSV_CHUNK_ROWS = 1000
CSV_FETCH_ROWS = 2000
BOM = "\ufeff"

pagination = KeysetPagination(keys=(dt.datetime, int), default_size=500, max_size=1000)


# -- the query ---------------------------------------------------------------------------------


def _period(params: Mapping[str, str], errors: ErrorList) -> str:
    raw = params.get("period")
    if raw is None or raw.strip() == "":
        errors.add("period", _("Give the period, such as 2026Q3."), "required")
        return ""
    period = clean_period(raw)
    if not is_period(period):
        errors.add("period", PERIOD_HELP)
        return ""
    return period


def parse_updated_since(raw: str | None, errors: ErrorList) -> dt.datetime | None:
    """An ISO 8601 date and time with its offset (a naive time is refused: it is ambiguous; an
    empty one too: leave the parameter out to have every row)."""
    if raw is None:
        return None
    text = _OFFSET_AS_SPACE.sub(r"\1+\2", raw.strip())
    try:
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            # In UTC: the database takes no offset beyond ±15:59, and an instant that does not
            # fit in UTC (the year 1 at +08:00) is refused here.
            moment = moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        errors.add(
            "updated_since",
            _(
                "Give a date and time in ISO 8601 with its offset, such as "
                "2026-10-08T09:30:00.123456+08:00."
            ),
        )
        return None
    if moment.tzinfo is None:
        errors.add(
            "updated_since",
            _(
                "Give the time with its offset, such as 2026-10-08T09:30:00+08:00: a time "
                "without one is ambiguous."
            ),
            "no_offset",
        )
        return None
    return moment


def _filters(params: Mapping[str, str], errors: ErrorList) -> tuple[str, dt.datetime | None]:
    period = _period(params, errors)
    updated_since = parse_updated_since(params.get("updated_since"), errors)
    return period, updated_since


def _after(position: tuple[object, ...] | None) -> tuple[dt.datetime, int] | None:
    """The cursor's position as the selector takes it (its keys were checked when decoded)."""
    if position is None:
        return None
    approved_at, result_id = position
    assert isinstance(approved_at, dt.datetime) and isinstance(result_id, int)
    return approved_at, result_id


def _query(period: str, updated_since: dt.datetime | None) -> dict[str, object]:
    """The filters a cursor is bound to."""
    return {"period": period, "updated_since": updated_since.isoformat() if updated_since else None}


# -- validators --------------------------------------------------------------------------------


def _etag(kind: str, query: Mapping[str, object], state: PayrollState) -> str:
    """A strong validator: the same for the same request while nothing it shows has changed."""
    material = json.dumps(
        [
            kind,
            dict(query),
            state.results,
            state.newest_id,
            str(state.newest_approved_at),
            str(state.roster_updated_at),
            state.quarter_status,
            str(state.confirmations),
        ],
        sort_keys=True,
    )
    return '"' + hashlib.sha256(material.encode()).hexdigest()[:32] + '"'


def _page_etag(query: Mapping[str, object], status: str | None, page: Page[tuple[Any, ...]]) -> str:
    """A strong validator of a JSON page, from what it shows: the same while the page's rows
    (as the database wrote them, which the JSON only reshapes), its next link and the quarter's
    status are the same. Made from the page itself rather than from aggregates over every
    approved result: a page costs no count of them (17 ms for 100 000), and a change on another
    page or in another quarter leaves this one's validator alone."""
    material = json.dumps(
        ["json", dict(query), status, page.next, page.results], sort_keys=True, default=str
    )
    return '"' + hashlib.sha256(material.encode()).hexdigest()[:32] + '"'


def _not_modified(request: Request, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    return tags == ["*"] or any(tag.removeprefix("W/") == etag for tag in tags)


# Tells a quarter never opened from an opened one with nothing approved: both are an empty list.
QUARTER_STATUS_HEADER = "Quarter-Status"
NOT_OPENED = "not_opened"


def _validated(response: HttpResponseBase, etag: str, status: str | None) -> HttpResponseBase:
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response[QUARTER_STATUS_HEADER] = status or NOT_OPENED
    return response


# -- rendering ---------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "enum": [CONFIRMED, APPEALED, PENDING]})
class _ConfirmationStatusField(serializers.CharField):
    """An enum written in place (other enums are called `status` too)."""


class PayrollConfirmationSerializer(serializers.Serializer[Any]):
    status = _ConfirmationStatusField(
        source="confirmation_status",
        help_text=(
            "`confirmed`: the employee confirmed this version, or its appeal window passed "
            "without an appeal (`how`); `appealed`: the employee appealed it and HR has not "
            "answered, or accepted the appeal (a corrected version follows); `pending`: neither "
            "yet (within the window, or after a rejected appeal until it is confirmed)."
        ),
    )
    how = serializers.ChoiceField(
        source="confirmation_how",
        choices=["employee", "deadline"],
        allow_null=True,
        help_text="`employee` or `deadline` (silence past the window); null unless confirmed.",
    )
    at = serializers.DateTimeField(
        source="confirmation_at",
        allow_null=True,
        default_timezone=PAYROLL_TIME_ZONE,
        help_text="When it was confirmed, with +08:00; null unless confirmed.",
    )


class PayrollRowSerializer(serializers.Serializer[Any]):
    employee_no = serializers.CharField(help_text="The company's own employee number.")
    employee_name = serializers.CharField()
    department_code = serializers.CharField(help_text="The department's catalogue code.")
    period = serializers.CharField(help_text="The quarter, such as 2026Q3.")
    total_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=True, help_text='Such as "92.04".'
    )
    grade = serializers.ChoiceField(choices=Review.Grade.choices)
    pay_coefficient = serializers.DecimalField(
        max_digits=4, decimal_places=2, coerce_to_string=True, help_text='Such as "1.10".'
    )
    verbal_warning = serializers.BooleanField()
    version = serializers.IntegerField(
        min_value=1, help_text="Rises when a reopened review is approved again."
    )
    approved_at = serializers.DateTimeField(
        default_timezone=PAYROLL_TIME_ZONE,
        help_text=(
            "When this version was approved, with +08:00 and microseconds when not zero. Pass "
            "the newest one of a complete pull back unchanged as `updated_since`."
        ),
    )
    confirmation = PayrollConfirmationSerializer(
        source="*",
        help_text=(
            "The employee's confirmation (结果确认) of this version. It changes without a new "
            "`approved_at`: pull again without `updated_since` to refresh it."
        ),
    )


class PayrollPageSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(
        allow_null=True, help_text="The next page's URL; null on the last page."
    )
    results = PayrollRowSerializer(many=True)


def json_row(row: Sequence[Any]) -> dict[str, Any]:
    """A row of `payroll_page_as_text` (its id, then its values as text) as the JSON gives it:
    what PayrollRowSerializer makes of the same row, without a serializer's work per field
    (the database already wrote the decimals and instants just so)."""
    _id, number, name, department, period, total, grade, coefficient, warning, *rest = row
    version, approved_at, status, how, confirmed_at = rest
    return {
        "employee_no": number,
        "employee_name": name,
        "department_code": department,
        "period": period,
        "total_score": total,
        "grade": grade,
        "pay_coefficient": coefficient,
        "verbal_warning": warning == "true",
        "version": version,
        "approved_at": approved_at,
        "confirmation": {"status": status, "how": how, "at": confirmed_at},
    }


def text_position(row: Sequence[Any]) -> tuple[dt.datetime, int]:
    """The keyset position of a row of `payroll_page_as_text`: its `approved_at` (in UTC, as
    the database gives it) and its id."""
    return dt.datetime.fromisoformat(row[10]).astimezone(dt.UTC), row[0]


def csv_chunks(
    rows: Iterable[Sequence[str | int]], *, chunk_rows: int = CSV_CHUNK_ROWS
) -> Iterator[bytes]:
    """UTF-8 with a byte order mark (so Excel reads Chinese names right), CRLF line ends, a
    header of the field names, then one line a row (values in FIELDS order, as text); yielded a
    chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(CSV_FIELDS)
    for count, (number, name, department, *rest) in enumerate(rows, start=1):
        writer.writerow((csv_text(number), csv_text(name), csv_text(department), *rest))
        if count % chunk_rows == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


class _JsonErrorsWhateverTheAccept(BaseContentNegotiation):
    """The CSV endpoint renders only its errors through DRF: always as JSON."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return None


# -- the schema --------------------------------------------------------------------------------

_PERIOD_PARAMETER = OpenApiParameter(
    "period",
    {"type": "string", "pattern": PERIOD_PATTERN.pattern},
    required=True,
    description=(
        "The quarter: a year from 2000 to 2099, Q, and 1 to 4 (such as 2026Q3; spaces around "
        "it and a lower-case q are forgiven)."
    ),
)
_UPDATED_SINCE_PARAMETER = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description=(
        "Only the rows approved (or approved again) strictly after this instant. ISO 8601 with "
        "an offset (`Z` or `+08:00`); a time without an offset is refused (400 `no_offset`); a "
        "`+` sent unencoded (read as a space) is understood. Pass the newest `approved_at` of "
        "a complete pull (the last page, whose `next` is null) unchanged: that gives exactly the "
        "rows approved since, each once. To resume a pull that stopped halfway, follow the "
        "saved `next` link instead: rows approved in one bulk action may share one instant, "
        "and the cursor, unlike a time, tells apart the rows of one instant already seen."
    ),
)
_IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="The ETag of a response already held: 304 with no body if it is still current.",
)
_VALIDATOR_HEADERS = [
    OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        response=[200, 304],
        description=(
            "Strong validator of this response; it changes whenever the response would: a "
            "page when its rows, its next link or the quarter's status change; the CSV file "
            "with any approval, re-approval, confirmation, appeal or roster edit."
        ),
    ),
    OpenApiParameter(
        "Cache-Control",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        response=[200, 304],
        description="private, no-cache: keep it, but revalidate it (If-None-Match) before use.",
    ),
    OpenApiParameter(
        QUARTER_STATUS_HEADER,
        {"type": "string", "enum": [NOT_OPENED, *ReviewCycle.Status.values]},
        location=OpenApiParameter.HEADER,
        response=[200, 304],
        description=(
            "`not_opened` when no quarter of this period was ever opened, else the quarter's "
            "status (`open`, `closed`). The rows are the same either way (none, for a quarter "
            "never opened): this header tells a quarter not yet opened from one with nothing "
            "approved yet."
        ),
    ),
    OpenApiParameter(
        "Retry-After",
        OpenApiTypes.INT,
        location=OpenApiParameter.HEADER,
        response=[429],
        description="Seconds to wait before the next request.",
    ),
]
_BAD_QUERY = (
    "A missing or malformed `period`, `updated_since` or `page_size` (code `invalid`, each "
    "problem in `fields` with its own code: `required`, `invalid`, `no_offset`, "
    "`out_of_range`), or a cursor this list did not give out for these filters "
    "(`invalid_cursor`)."
)
_FEED = (
    "Payroll always sees the latest approved version of each review: while a review is "
    "reopened its last approved version stays here; once the corrected version is approved, "
    "it replaces it with `version` + 1 and a new `approved_at`. Rows come in the order "
    "(`approved_at`, the approved version's id), which never changes; pages are cut by "
    "cursor, so they never skip or repeat a row, even while approvals happen during a pull. "
    "A review approved again during a pull can therefore come twice in it: keep the row with "
    "the highest `version` for each (`employee_no`, `period`). An approval still being "
    "committed when a page is read appears once it is committed, with the `approved_at` it "
    "was given: a client that wants to be safe against long bulk approvals may ask "
    "`updated_since` a few minutes before its newest `approved_at` and skip the (`employee_no`, "
    "`version`) it already holds. A valid period with nothing approved gives no rows, whether its "
    "quarter was opened or not: the `Quarter-Status` header tells which."
)


def _json_errors(*codes: int) -> dict[Any, OpenApiResponse]:
    """The `Error` responses of the CSV endpoint: in JSON, whatever the file's media type."""
    return {
        (code, "application/json"): response for code, response in error_responses(*codes).items()
    }


# -- the views ---------------------------------------------------------------------------------


class _PayrollView(Api):
    permission_classes = [IsAuthenticated, PayrollReader]


class PayrollScores(_PayrollView):
    query = {"get": query_names("period", "updated_since", pagination)}

    @extend_schema(
        operation_id="payroll_scores",
        summary="The approved figures of a quarter, page by page",
        description=_FEED,
        parameters=[
            _PERIOD_PARAMETER,
            _UPDATED_SINCE_PARAMETER,
            *pagination.parameters(),
            _IF_NONE_MATCH,
            *_VALIDATOR_HEADERS,
        ],
        responses={
            200: PayrollPageSerializer,
            304: OpenApiResponse(description="Not modified: the held response is current."),
            400: OpenApiResponse(ErrorSerializer, description=_BAD_QUERY),
            **error_responses(401, 403, 406, 429),
        },
        tags=["payroll"],
    )
    def get(self, request: Request) -> HttpResponseBase:
        params = request.query_params
        errors = ErrorList()
        period, updated_since = _filters(params, errors)
        size = pagination.page_size(params, errors)
        errors.raise_if_any()
        query = _query(period, updated_since)
        after = _after(pagination.position(params, query=query))
        status = quarter_status(period=period)
        rows = payroll_page_as_text(
            period=period, updated_since=updated_since, after=after, limit=size + 1
        )
        page = pagination.page(request, rows, size=size, query=query, key=text_position)
        etag = _page_etag(
            {**query, "cursor": params.get("cursor") or None, "page_size": size}, status, page
        )
        if _not_modified(request, etag):
            return _validated(HttpResponseNotModified(), etag, status)
        body = {"next": page.next, "results": [json_row(row) for row in page.results]}
        return _validated(Response(body), etag, status)


class PayrollScoresCsv(_PayrollView):
    renderer_classes = [JSONRenderer]  # for the errors; the file itself is streamed
    content_negotiation_class = _JsonErrorsWhateverTheAccept
    query = {"get": query_names("period", "updated_since")}

    @extend_schema(
        operation_id="payroll_scores_csv",
        summary="The approved figures of a quarter, as one CSV file",
        description=(
            "The same rows as `/api/v1/payroll/scores/`, in the same order, all of them (no "
            "pages): UTF-8 with a byte order mark so that Excel shows Chinese names, a header "
            "line of the field names, CRLF line ends, decimals with 2 places, `true`/`false`. "
            "The JSON row's `confirmation` comes as three last columns, `confirmation_status`, "
            "`confirmation_how` and `confirmation_at` (empty when null). "
            "A text that a spreadsheet would run as a formula (starting with =, +, - or @) gets "
            "a leading apostrophe. " + _FEED
        ),
        parameters=[
            _PERIOD_PARAMETER,
            _UPDATED_SINCE_PARAMETER,
            _IF_NONE_MATCH,
            OpenApiParameter(
                "Content-Disposition",
                OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                response=[200],
                description='attachment; filename="payroll-<period>.csv"',
            ),
            *_VALIDATOR_HEADERS,
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="The CSV file (streamed)."
            ),
            (304, "text/csv"): OpenApiResponse(
                description="Not modified: the held file is current."
            ),
            (400, "application/json"): OpenApiResponse(ErrorSerializer, description=_BAD_QUERY),
            **_json_errors(401, 403, 429),
        },
        tags=["payroll"],
    )
    def get(self, request: Request) -> HttpResponseBase:
        params = request.query_params
        errors = ErrorList()
        period, updated_since = _filters(params, errors)
        errors.raise_if_any()
        state = payroll_state(period=period, updated_since=updated_since)
        etag = _etag("csv", _query(period, updated_since), state)
        if _not_modified(request, etag):
            return _validated(HttpResponseNotModified(), etag, state.quarter_status)
        rows = payroll_rows_as_text(
            period=period, updated_since=updated_since, chunk_size=CSV_FETCH_ROWS
        )
        response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="payroll-{period}.csv"'
        return _validated(response, etag, state.quarter_status)


urlpatterns = [
    path("scores/", PayrollScores.as_view(), name="payroll-scores"),
    path("scores.csv", PayrollScoresCsv.as_view(), name="payroll-scores-csv"),
]
