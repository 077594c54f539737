"""What payroll reads: the latest approved version of every review of a quarter.

Each row is one ApprovedResult (append-only: never changed once written) that no newer version
of the same review has replaced. Rows come in the order `(approved_at, id)` of that result,
which never changes, so keyset pages (a page is "the rows after this position") never skip or
repeat a row, even while reviews are approved meanwhile, and even when many rows share one
`approved_at` (the id breaks the tie).

* While a review is reopened, its last approved version stays in the feed: payroll keeps paying
  on it.
* When the corrected version is approved, its new result (version + 1, a later `approved_at`)
  replaces the old one: the old row leaves the feed and the new one joins it at the end.
* `updated_since` keeps the rows approved strictly after that instant, so a client passing the
  newest `approved_at` of a complete pull gets exactly the rows approved since: a re-approval
  has a new `approved_at` and comes again, with its higher version. (The one exception: an
  approval whose transaction commits after a pull with an `approved_at` older than the pull's
  newest, as in a long bulk approval running meanwhile; the API's description tells clients
  how to overlap for it.)

One query per page: PostgreSQL walks the index on `(approved_at, id)` from the page's position
and checks each candidate's newer version through the unique index on `(review_id, version)`
(measured against DISTINCT ON and a window function on 100 000 rows: see docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from appeals.models import Appeal, Confirmation
from departments.models import Department, Employee
from hrperf.lib.replica import read_alias
from reviews.models import ApprovedResult, ReviewCycle
from reviews.selectors.aggregates import latest_results

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
)
# After the fields above, unchanged: the employee's confirmation of the version (结果确认).
# The JSON gives them as one object, `confirmation`; the CSV as three columns.
CONFIRMATION_FIELDS = ("confirmation_status", "confirmation_how", "confirmation_at")
CSV_FIELDS = (*FIELDS, *CONFIRMATION_FIELDS)
CONFIRMED = "confirmed"  # by the employee or by the deadline (`how`)
APPEALED = "appealed"  # an appeal on the version is open, or accepted (a correction is due)
PENDING = "pending"  # neither yet (an appeal rejected: the result stands, to be confirmed)
_COLUMNS = (
    "id",
    "review__employee__employee_no",
    "review__employee__name",
    "review__department__code",
    "review__cycle__period",
    "total_score",
    "grade",
    "pay_coefficient",
    "verbal_warning",
    "version",
    "approved_at",
    "confirmation_status",
    "confirmation_how",
    "confirmation_at",
)
Position = tuple[dt.datetime, int]
# The payroll contract gives every time in China Standard Time (+08:00).
PAYROLL_TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class PayrollRow:
    """One row of the payroll feed; `id` is its ApprovedResult's, the order's second key."""

    id: int
    employee_no: str
    employee_name: str
    department_code: str
    period: str
    total_score: Decimal
    grade: str
    pay_coefficient: Decimal
    verbal_warning: bool
    version: int
    approved_at: dt.datetime
    confirmation_status: str = PENDING
    confirmation_how: str | None = None
    confirmation_at: dt.datetime | None = None

    @property
    def position(self) -> Position:
        return (self.approved_at, self.id)


@dataclass(frozen=True)
class PayrollState:
    """What the current content of every payroll feed depends on. Approved results are only ever
    added, so any approval or re-approval changes the count or the newest id; an edit of an
    employee or a department (a name, a number, a code) changes the roster's newest update."""

    results: int  # approved results (superseded versions too) approved after `updated_since`
    newest_id: int | None
    newest_approved_at: object  # as the database returns it: a datetime, or text on SQLite
    roster_updated_at: object
    quarter_status: str | None  # the quarter's status; None: it was never opened
    # The confirmations' newest id, the appeals' newest id and newest answer: a confirmation,
    # an appeal filed or answered changes a row's `confirmation` without a new result.
    confirmations: object


def _latest(*, period: str, updated_since: dt.datetime | None) -> QuerySet[ApprovedResult]:
    # The cycle as a subquery rather than a join on its period: the plan then never depends on
    # the statistics of the cycles' table, which is too small for autovacuum to ever analyse
    # (with a join and no statistics PostgreSQL sorts the whole quarter for every page).
    cycle = ReviewCycle.objects.filter(period=period).values("pk")[:1]
    results = _with_confirmation(latest_results().filter(review__cycle_id=Subquery(cycle)))
    # Read where reads may be a few seconds old (the replica, when there is one).
    results = results.using(read_alias())
    if updated_since is not None:
        results = results.filter(approved_at__gt=updated_since)
    return results.order_by("approved_at", "id")


def _with_confirmation(results: QuerySet[ApprovedResult]) -> QuerySet[ApprovedResult]:
    """Each row's confirmation: one outer join on the unique index of (review, version), and
    a lookup of an open appeal only for a row not confirmed."""
    appealed = Appeal.objects.filter(
        review_id=OuterRef("review_id"),
        version=OuterRef("version"),
        status__in=[Appeal.Status.FILED, Appeal.Status.ACCEPTED],
    )
    confirmation = FilteredRelation(
        "review__confirmations", condition=Q(review__confirmations__version=F("version"))
    )
    return results.alias(confirmed=confirmation).annotate(
        confirmation_how=F("confirmed__how"),
        confirmation_at=F("confirmed__confirmed_at"),
        confirmation_status=Case(
            When(confirmed__how__isnull=False, then=Value(CONFIRMED)),
            When(Exists(appealed), then=Value(APPEALED)),
            default=Value(PENDING),
            output_field=CharField(),
        ),
    )


def payroll_rows(
    *,
    period: str,
    updated_since: dt.datetime | None,
    after: Position | None,
    limit: int,
) -> list[PayrollRow]:
    """Up to `limit` rows of `period` in the order (approved_at, id), after position `after`
    (the last row of the previous page), approved strictly after `updated_since` if given."""
    rows = _after(_latest(period=period, updated_since=updated_since), after)
    return [PayrollRow(*values) for values in rows.values_list(*_COLUMNS)[:limit]]


def _after(rows: QuerySet[ApprovedResult], after: Position | None) -> QuerySet[ApprovedResult]:
    if after is None:
        return rows
    approved_at, result_id = after
    # The `>=` bound lets the index scan start at the position; the OR breaks the tie.
    return rows.filter(approved_at__gte=approved_at).filter(
        Q(approved_at__gt=approved_at) | Q(id__gt=result_id)
    )


class _PayrollTime(Func):
    """An instant as the JSON rows give it, written by the database: ISO 8601 in China Standard
    Time, `2026-10-08T09:30:00.250000+08:00`, the microseconds only when they are not zero."""

    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"to_char({column} AT TIME ZONE %s, %s) || CASE WHEN "
            f"mod(extract(microseconds FROM {column})::integer, 1000000) = 0 THEN '' "
            f"ELSE to_char({column}, %s) END || %s"
        )
        fraction = [*params, *params, ".US"]
        return sql, [*params, PAYROLL_TIME_ZONE, 'YYYY-MM-DD"T"HH24:MI:SS', *fraction, "+08:00"]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        # SQLite keeps an instant as UTC text, `2026-10-08 01:30:00.250000` (no fraction when
        # the microseconds are zero).
        column, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"strftime(%s, {column}, %s) || "
            f"CASE WHEN length({column}) > 19 THEN substr({column}, 20, 7) ELSE '' END || %s"
        )
        return sql, ["%Y-%m-%dT%H:%M:%S", *params, "+8 hours", *params, *params, "+08:00"]


class _TwoPlaces(Func):
    """A decimal as text with exactly two places, written by the database."""

    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"to_char({column}, %s)", [*params, "FM999999990.00"]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"printf(%s, {column})", ["%.2f", *params]


_TEXT_COLUMNS = (
    "review__employee__employee_no",
    "review__employee__name",
    "review__department__code",
    "review__cycle__period",
    _TwoPlaces("total_score"),
    "grade",
    _TwoPlaces("pay_coefficient"),
    Case(When(verbal_warning=True, then=Value("true")), default=Value("false")),
    "version",
    _PayrollTime("approved_at"),
    "confirmation_status",
    "confirmation_how",
    _PayrollTime("confirmation_at"),
)


def payroll_page_as_text(
    *,
    period: str,
    updated_since: dt.datetime | None,
    after: Position | None,
    limit: int,
) -> list[tuple[Any, ...]]:
    """The rows of `payroll_rows` (same arguments), each as its id then its values
    (CSV_FIELDS) as text written by the database, as `payroll_rows_as_text` gives them: a page
    is rendered with no parsing of dates and decimals row by row."""
    alias = read_alias()
    statement, placeholders = _page_statement(
        alias, since=updated_since is not None, after=after is not None, limit=limit
    )
    ops = connections[alias].ops
    values: dict[object, object] = {_PERIOD: period}
    if updated_since is not None:
        values[placeholders[_SINCE]] = ops.adapt_datetimefield_value(updated_since)
    if after is not None:
        values[placeholders[_AFTER]] = ops.adapt_datetimefield_value(after[0])
        values[_AFTER_ID] = after[1]
    params: list[Any] = [_value(param, values) for param in statement[1]]
    with connections[alias].cursor() as cursor:
        cursor.execute(statement[0], params)
        return list(cursor.fetchall())


def _value(param: object, values: dict[object, object]) -> object:
    """A page's own value for a parameter that is a placeholder; any other, unchanged."""
    return values.get(param, param) if isinstance(param, str | int | dt.datetime) else param


# Compiling the page's query costs about a third of running it (4 to 8 ms a page): its text
# only depends on the filters given and the limit, so it is compiled once for each, with these
# placeholders as its values, which each page's own values then replace among the parameters.
_PERIOD = "period-placeholder"
_SINCE = dt.datetime(1900, 1, 1, 0, 0, 0, 123457, tzinfo=dt.UTC)
_AFTER = dt.datetime(1900, 1, 2, 0, 0, 0, 234567, tzinfo=dt.UTC)
_AFTER_ID = -918_273_645


@functools.lru_cache(maxsize=64)
def _page_statement(
    alias: str, *, since: bool, after: bool, limit: int
) -> tuple[tuple[str, tuple[object, ...]], dict[object, object]]:
    """The page query's SQL and parameters with the placeholders, compiled for `alias`; and
    each placeholder instant as the parameters hold it (as the backend adapts it)."""
    rows = _after(
        _latest(period=_PERIOD, updated_since=_SINCE if since else None),
        (_AFTER, _AFTER_ID) if after else None,
    ).values_list("id", *_TEXT_COLUMNS)[:limit]
    sql, params = rows.query.get_compiler(using=alias).as_sql()
    ops = connections[alias].ops
    placeholders: dict[object, object] = {
        moment: ops.adapt_datetimefield_value(moment) for moment in (_SINCE, _AFTER)
    }
    wanted: dict[object, int] = {_PERIOD: 1, _AFTER_ID: int(after)}
    wanted[placeholders[_SINCE]] = int(since)
    wanted[placeholders[_AFTER]] = 2 * after
    found = {value: sum(1 for param in params if param == value) for value in wanted}
    if found != wanted:  # a placeholder would be lost: never serve a page of other values
        raise AssertionError(f"the payroll page's parameters are not as expected: {found}")
    return (str(sql), tuple(params)), placeholders


def payroll_rows_as_text(
    *, period: str, updated_since: dt.datetime | None, chunk_size: int = 2000
) -> Iterator[tuple[str | int, ...]]:
    """Every row of `period`, in order, its values (CSV_FIELDS) as text written by the database
    just as the JSON rows give them (the version stays a number): files of 100 000 rows are
    written at the speed of the database, with no parsing of dates and decimals row by row.

    One statement read `chunk_size` rows at a time (a server-side cursor on PostgreSQL): one
    consistent snapshot, whatever its size."""
    rows = _latest(period=period, updated_since=updated_since).values_list(*_TEXT_COLUMNS)
    yield from rows.iterator(chunk_size=chunk_size)


def quarter_status(*, period: str) -> str | None:
    """The status of the quarter of `period`; None when it was never opened."""
    statuses = ReviewCycle.objects.using(read_alias()).filter(period=period)
    return statuses.values_list("status", flat=True).first()


def payroll_state(*, period: str, updated_since: dt.datetime | None) -> PayrollState:
    """One statement of cheap aggregates (index-only or tiny scans), deliberately not limited to
    one quarter: counting a quarter's results needs a join over all of them (60 ms for 100 000),
    while a change elsewhere only costs a client one full response instead of a 304."""
    connection = connections[read_alias()]
    quote = connection.ops.quote_name
    results = quote(ApprovedResult._meta.db_table)
    approved_at = quote(ApprovedResult._meta.get_field("approved_at").column)
    since = ""
    params: list[Any] = []
    if updated_since is not None:
        since = f" WHERE {approved_at} > %s"
        params.append(connection.ops.adapt_datetimefield_value(updated_since))
    roster = [
        "(SELECT MAX({}) FROM {})".format(  # noqa: S608
            quote(model._meta.get_field("updated_at").column), quote(model._meta.db_table)
        )
        for model in (Employee, Department)
    ]
    cycles = quote(ReviewCycle._meta.db_table)
    status = "(SELECT {} FROM {} WHERE {} = %s)".format(  # noqa: S608
        quote(ReviewCycle._meta.get_field("status").column),
        cycles,
        quote(ReviewCycle._meta.get_field("period").column),
    )
    params.append(period)
    confirmations, appeals = (quote(model._meta.db_table) for model in (Confirmation, Appeal))
    answered_at = quote(Appeal._meta.get_field("answered_at").column)
    # Every name is the models' own, quoted; the values are parameters.
    statement = "SELECT {}, {}, {}, {}, {}, {}, {}, {}, {}".format(
        f"(SELECT COUNT(*) FROM {results}{since})",  # noqa: S608
        f"(SELECT MAX(id) FROM {results})",  # noqa: S608
        f"(SELECT MAX({approved_at}) FROM {results})",  # noqa: S608
        *roster,
        status,
        f"(SELECT MAX(id) FROM {confirmations})",  # noqa: S608
        f"(SELECT MAX(id) FROM {appeals})",  # noqa: S608
        f"(SELECT MAX({answered_at}) FROM {appeals})",  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        count, newest_id, newest_approved_at, employees, departments, quarter, *marks = (
            cursor.fetchone()
        )
    return PayrollState(
        results=int(count),
        newest_id=newest_id,
        newest_approved_at=newest_approved_at,
        roster_updated_at=(employees, departments),
        quarter_status=quarter,
        confirmations=tuple(marks),
    )
