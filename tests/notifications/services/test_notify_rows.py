"""The rows `notify` writes: on PostgreSQL one statement a table (column arrays, `ON CONFLICT DO
NOTHING`), the same rows `bulk_create` writes elsewhere; the ids it hands out are exactly the
deliveries it made."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Delivery, Notification, Preference
from notifications.services import notify as notifying
from notifications.services.notify import Event, notify
from tests.helpers.services import uses_postgresql

pytestmark = pytest.mark.django_db


def _people(personas) -> list[int]:
    for name in ("hr", "director", "employee"):
        personas[name].email = f"{name}@example.com"
        personas[name].save(update_fields=["email"])
    Preference.objects.create(user=personas["director"], language="en", mode="digest")
    return [personas[name].pk for name in ("hr", "director", "employee", "outsider")]


def _events(users: list[int], prefix: str) -> list[Event]:
    return [
        Event(
            kind="result_to_confirm",
            key=f"{prefix}:{n}",
            context={"review_id": n, "period": "2026Q3", "grade": "B", "due": "2026-10-20"},
            users=users,
        )
        for n in (1, 2)
    ]


def _rows(prefix: str) -> dict[str, list[dict[str, Any]]]:
    def rows(model: Any) -> list[dict[str, Any]]:
        found = []
        for row in model.objects.filter(key__startswith=f"{prefix}:").order_by("pk").values():
            row = dict(row)
            row["key"] = row["key"].removeprefix(f"{prefix}:")
            for column in ("id", "created_at", "next_attempt_at"):  # the time of the call
                row.pop(column, None)
            found.append(row)
        return found

    return {"notifications": rows(Notification), "deliveries": rows(Delivery)}


def test_an_event_repeated_within_one_call_is_told_once(personas):
    users = _people(personas)
    made = notify([*_events(users, "a"), *_events(users, "a")])

    assert sorted(made) == sorted(Delivery.objects.values_list("pk", flat=True))
    assert len(made) == 4  # two events, mail to HR and the employee (the director: digest)
    assert Notification.objects.count() == 8
    assert notify(_events(users, "a")) == []


def test_the_ids_handed_out_are_only_the_new_deliveries(personas):
    users = _people(personas)
    first = notify(_events(users, "a")[:1])
    both = notify(_events(users, "a"))

    assert set(both).isdisjoint(first)
    assert sorted([*first, *both]) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_postgresql_writes_the_rows_bulk_create_writes(personas, monkeypatch):
    if not uses_postgresql():
        pytest.skip("the one-statement insert is PostgreSQL's; elsewhere bulk_create writes")
    users = _people(personas)
    with CaptureQueriesContext(connection) as seen:
        notify(_events(users, "sql"))
    monkeypatch.setattr(notifying, "_set_based", lambda: False)
    notify(_events(users, "orm"))

    assert _rows("sql") == _rows("orm")
    assert len(_rows("sql")["notifications"]) == 8
    # Logged as Django's own queries (debug pages, query counts).
    assert [q["sql"].split("(")[0].strip() for q in seen if "INSERT" in q["sql"]] == [
        'INSERT INTO "notifications_notification"',
        'INSERT INTO "notifications_delivery"',
    ]
