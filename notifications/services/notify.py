"""Telling people about an event: one `Notification` per person (once, whatever retries), and
the `Delivery` rows of the channels each person chose, written in the caller's transaction and
handed to the worker once it commits. A group robot (HR's chat, the director's) gets one
delivery per event, not one per person."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Field, JSONField, Model
from django.utils import timezone

from hrperf.lib.tasks import publish
from notifications.models import Channel, Delivery, Notification, Preference, Robot

HAND_OUT_CHUNK = 200  # delivery ids a task


@dataclass(frozen=True)
class Event:
    kind: str  # a key of notifications.messages.KINDS
    key: str  # the event, unique: "review_returned:<review>:<revision>"
    context: Mapping[str, Any]  # the facts the message is made of (JSON)
    users: Sequence[int] = ()  # the people told
    group: str = ""  # Robot.Audience.HR or DIRECTOR: that group's robots are told too


@dataclass(frozen=True)
class Person:
    pk: int
    email: str
    preference: Preference

    @property
    def digest(self) -> bool:
        return self.preference.mode == Preference.Mode.DIGEST


def default_preference() -> Preference:
    """The choice of everyone who never made one (unsaved; read only, so one serves many)."""
    return Preference(language=settings.LANGUAGE_CODE)


def people(user_ids: Iterable[int]) -> dict[int, Person]:
    """The active people among `user_ids` with their preferences (two queries)."""
    ids = set(user_ids)
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", "email")
    preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in=ids)}
    default = default_preference()
    return {pk: Person(pk, email or "", preferences.get(pk) or default) for pk, email in users}


def quiet_until(preference: Preference, now: dt.datetime) -> dt.datetime:
    """When a message to this person may go: now, or the end of their quiet hours."""
    start, end = preference.quiet_from, preference.quiet_until
    if start is None or end is None or start == end:
        return now
    local = timezone.localtime(now)
    moment = local.time()
    inside = start <= moment < end if start < end else (moment >= start or moment < end)
    if not inside:
        return now
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += dt.timedelta(days=1)
    return until


def notify(events: Sequence[Event]) -> list[int]:
    """Record `events` for their people and queue what is to be sent now; returns the new
    deliveries' ids. Call it inside the transaction of the change: nothing is told of a change
    rolled back. A failure of a channel later never touches the change."""
    events = [e for e in events if e.users or e.group]
    if not events:
        return []
    now = timezone.now()
    persons = people(pk for e in events for pk in e.users)
    personal = personal_robots_of(persons)
    groups = _group_robots({e.group for e in events if e.group})
    notifications: list[Notification] = []
    deliveries: list[Delivery] = []
    for event in events:
        for pk in dict.fromkeys(event.users):
            person = persons.get(pk)
            if person is None:
                continue
            notifications.append(
                Notification(
                    key=event.key,
                    kind=event.kind,
                    user_id=pk,
                    context=dict(event.context),
                    for_digest=person.digest,
                )
            )
            if not person.digest:
                deliveries.extend(person_deliveries(event, person, personal.get(pk, []), now))
        deliveries.extend(
            _robot_delivery(event, robot, now) for robot in groups.get(event.group, [])
        )
    return _save(notifications, deliveries)


def person_deliveries(
    event: Event, person: Person, robots: Sequence[Robot], now: dt.datetime
) -> list[Delivery]:
    """A person's deliveries of one event (or of their digest), on the channels they chose."""
    due = quiet_until(person.preference, now)
    language = person.preference.language or settings.LANGUAGE_CODE
    common = {
        "kind": event.kind,
        "user_id": person.pk,
        "language": language,
        "context": dict(event.context),
        "next_attempt_at": due,
    }
    made = []
    if person.preference.email and person.email:
        made.append(
            Delivery(
                key=f"{event.key}|email:{person.pk}",
                channel=Channel.EMAIL,
                route="email",
                address=person.email,
                **common,
            )
        )
    if person.preference.robot:
        made.extend(
            Delivery(
                key=f"{event.key}|robot:{robot.pk}:{person.pk}",
                channel=Channel.ROBOT,
                route=robot.platform,
                robot=robot,
                **common,
            )
            for robot in robots
        )
    return made


def _robot_delivery(event: Event, robot: Robot, now: dt.datetime) -> Delivery:
    return Delivery(
        key=f"{event.key}|robot:{robot.pk}",
        kind=event.kind,
        channel=Channel.ROBOT,
        route=robot.platform,
        robot=robot,
        language=robot.language,
        context=dict(event.context),
        next_attempt_at=now,
    )


def personal_robots_of(persons: Mapping[int, Person]) -> dict[int, list[Robot]]:
    """The active personal robots of those `persons` who chose theirs (one query)."""
    wanted = [pk for pk, p in persons.items() if p.preference.robot]
    found: dict[int, list[Robot]] = {}
    if wanted:
        for robot in Robot.objects.filter(
            audience=Robot.Audience.PERSON, person_id__in=wanted, active=True
        ):
            found.setdefault(robot.person_id or 0, []).append(robot)
    return found


def _group_robots(audiences: set[str]) -> dict[str, list[Robot]]:
    found: dict[str, list[Robot]] = {}
    if audiences:
        for robot in Robot.objects.filter(audience__in=audiences, active=True):
            found.setdefault(robot.audience, []).append(robot)
    return found


def _save(notifications: list[Notification], deliveries: list[Delivery]) -> list[int]:
    """Insert what is new (a key already there is left alone) and hand out the new deliveries
    once the transaction commits."""
    if _set_based():
        _insert_new(notifications, unique=("key", "user_id"))
        ids = _insert_new(deliveries, unique=("key",))
    else:
        ids = _bulk_create_new(notifications, deliveries)
    if ids:
        transaction.on_commit(lambda: hand_out(ids))
    return ids


def _set_based() -> bool:
    return connection.vendor == "postgresql"


def _bulk_create_new(notifications: list[Notification], deliveries: list[Delivery]) -> list[int]:
    Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=1000)
    if not deliveries:
        return []
    started = timezone.now()
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
    return list(
        Delivery.objects.filter(
            key__in=[d.key for d in deliveries], created_at__gte=started, attempts=0
        ).values_list("pk", flat=True)
    )


_INSERT_NEW = """
INSERT INTO {table} ({columns})
SELECT * FROM unnest({arrays})
ON CONFLICT ({unique}) DO NOTHING
RETURNING id
"""


def _insert_new(rows: Sequence[Model], *, unique: Sequence[str]) -> list[int]:
    """PostgreSQL: insert the unsaved `rows` (all of one model) in one statement, each
    column's values sent as one array, skipping a row whose `unique` columns match one
    already there; the ids of the rows inserted. The values are those `bulk_create` sends."""
    if not rows:
        return []
    model = type(rows[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    statement = _INSERT_NEW.format(
        table=connection.ops.quote_name(model._meta.db_table),
        columns=", ".join(connection.ops.quote_name(field.column) for field in fields),
        arrays=", ".join(f"%s::{field.db_type(connection)}[]" for field in fields),
        unique=", ".join(connection.ops.quote_name(column) for column in unique),
    )
    columns = [[_prepared(row, field) for row in rows] for field in fields]
    with _server_bound_cursor() as cursor:
        cursor.execute(statement, columns)
        return [pk for (pk,) in cursor.fetchall()]


def _server_bound_cursor() -> CursorWrapper:
    """A cursor on Django's connection whose parameters PostgreSQL binds (the arrays are sent
    as they are, not quoted into the statement's text), logged and wrapped as Django's own."""
    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)  # Any: the stubs type it as a wrapper
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def _prepared(row: Model, field: Field[Any, Any]) -> Any:
    value = field.pre_save(row, add=True)
    if isinstance(field, JSONField):
        return None if value is None else json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(value, connection=connection)


def hand_out(delivery_ids: Sequence[int]) -> int:
    """Queue the deliveries a few hundred a task; what the broker does not take waits for the
    sweep. Returns how many were queued."""
    queued = 0
    for start in range(0, len(delivery_ids), HAND_OUT_CHUNK):
        chunk = list(delivery_ids[start : start + HAND_OUT_CHUNK])
        if not publish("notifications.deliver", chunk):
            break
        queued += len(chunk)
    return queued
