"""PostgreSQL: a chunk of new reviews, with their KPI lines and `created` events, in one
statement. The rows are the ones the ORM path of `reviews.services.generation` makes: every
value comes from the same unsaved models, prepared for the database by their own fields;
PostgreSQL only multiplies them out (a review per employee, a line per review and catalogue
KPI of its department, an event per review) and numbers them in the same order.

A review already made for an employee, by a run that got there first, is skipped
(`ON CONFLICT … DO NOTHING` on cycle × employee): lines and events follow only the reviews
this statement inserted."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model

from reviews.models import AuditEvent, Review, ReviewKpiLine

# Columns that differ from row to row; every other column takes the template's value.
_REVIEW_OWN = ("employee_id", "department_id", "incomplete_reasons")
_LINE_OWN = ("review_id",)
_EVENT_OWN = ("review_id",)

_STATEMENT = """
WITH reasons AS (
    SELECT * FROM unnest(%s::bigint[], %s::jsonb[])
        AS t(department_id, incomplete_reasons)
), picked AS (
    SELECT * FROM unnest(%s::bigint[], %s::bigint[])
        WITH ORDINALITY AS t(employee_id, department_id, position)
), made AS (
    INSERT INTO {review} (employee_id, department_id, incomplete_reasons, {review_columns})
    SELECT p.employee_id, p.department_id, x.incomplete_reasons, {review_values}
    FROM picked AS p JOIN reasons AS x ON x.department_id = p.department_id
    ORDER BY p.position
    ON CONFLICT ON CONSTRAINT review_unique_employee DO NOTHING
    RETURNING id, department_id
), lines AS (
    INSERT INTO {line} (review_id, {line_columns})
    SELECT m.id, {line_values}
    FROM made AS m JOIN unnest({line_arrays}) WITH ORDINALITY
        AS t(department_id, {line_columns}, position) ON t.department_id = m.department_id
    ORDER BY m.id, t.position
), trail AS (
    INSERT INTO {event} (review_id, {event_columns})
    SELECT m.id, {event_values} FROM made AS m ORDER BY m.id
)
SELECT count(*) FROM made
"""


def insert_chunk(
    *,
    review: Review,
    employees: Sequence[tuple[int, int]],
    reasons: Mapping[int, list[dict[str, Any]]],
    lines: Mapping[int, Sequence[ReviewKpiLine]],
    event: AuditEvent,
    now: dt.datetime,
) -> int:
    """Insert a review (like the unsaved `review`) for each (employee id, department id) of
    `employees`, its department's `reasons` as what it lacks, a copy of each unsaved line of
    its department in `lines`, and a copy of the unsaved `event`; all timestamps `now`.
    Returns how many reviews were inserted."""
    review_columns, review_values = _constants(review, _REVIEW_OWN, now)
    line_fields = _varying_fields(ReviewKpiLine, _LINE_OWN)
    event_columns, event_values = _constants(event, _EVENT_OWN, now)
    line_columns = [_quoted(field.column) for field in line_fields]
    statement = _STATEMENT.format(
        review=Review._meta.db_table,
        line=ReviewKpiLine._meta.db_table,
        event=AuditEvent._meta.db_table,
        review_columns=", ".join(review_columns),
        review_values=_placeholders(Review, review_columns),
        line_columns=", ".join(line_columns),
        line_values=", ".join(f"t.{column}" for column in line_columns),
        line_arrays=", ".join(
            ["%s::bigint[]", *(f"%s::{_db_type(field)}[]" for field in line_fields)]
        ),
        event_columns=", ".join(event_columns),
        event_values=_placeholders(AuditEvent, event_columns),
    )
    departments = sorted(reasons)
    params: list[Any] = [
        departments,
        [json.dumps(reasons[department]) for department in departments],
        [employee for employee, _department in employees],
        [department for _employee, department in employees],
        *review_values,
        *_line_arrays(lines, line_fields, now),
        *event_values,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        (made,) = cursor.fetchone()
    return int(made)


def _varying_fields(model: type[Model], own: Sequence[str]) -> list[Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.attname not in own
    ]


def _prepared(instance: Model, field: Field[Any, Any], now: dt.datetime) -> Any:
    """The value the ORM would send for `field` of the unsaved `instance`, with `now` for the
    fields it would stamp with the time (auto_now, auto_now_add)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        setattr(instance, field.attname, now)
        value = now
    else:
        value = field.pre_save(instance, add=True)
    return field.get_db_prep_save(value, connection=connection)


def _constants(
    instance: Model, own: Sequence[str], now: dt.datetime
) -> tuple[list[str], list[Any]]:
    fields = _varying_fields(type(instance), own)
    return [_quoted(f.column) for f in fields], [_prepared(instance, f, now) for f in fields]


def _line_arrays(
    lines: Mapping[int, Sequence[ReviewKpiLine]],
    fields: Sequence[Field[Any, Any]],
    now: dt.datetime,
) -> list[list[Any]]:
    """The catalogue lines as columns: the department, then each field's values."""
    rows = [(department, line) for department, own in lines.items() for line in own]
    return [
        [department for department, _line in rows],
        *([_prepared(line, field, now) for _department, line in rows] for field in fields),
    ]


def _placeholders(model: type[Model], columns: Sequence[str]) -> str:
    """A typed placeholder for each column (an untyped NULL or text would not fit them all)."""
    fields = {_quoted(field.column): field for field in model._meta.concrete_fields}
    return ", ".join(f"%s::{_db_type(fields[column])}" for column in columns)


def _quoted(column: str) -> str:
    return connection.ops.quote_name(column)


def _db_type(field: Field[Any, Any]) -> str:
    db_type = field.db_type(connection)
    assert db_type is not None
    return db_type
