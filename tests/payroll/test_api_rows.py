"""A page's rows are built from the database's text (payroll.api.json_row), not by the
serializer: they must be exactly what PayrollRowSerializer, the schema's description of a row,
makes of the same rows, byte for byte once rendered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from appeals import services as appeal_services
from appeals.inputs import WHOLE, Disputed
from departments.models import Department
from hrperf.lib.roles import roles_of
from payroll.api import PayrollRowSerializer
from payroll.selectors import payroll_rows
from tests.helpers.payroll import PERIOD, SCORES, approved, approved_in_bulk, open_quarter

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _rendered(rows: Any) -> bytes:
    return JSONRenderer().render(rows)


def test_the_rows_are_the_serializers_byte_for_byte(
    personas: dict[str, User],
    departments: dict[str, Department],
    api_client_for: Callable[[str | None], APIClient],
) -> None:
    open_quarter(personas)
    for approved_at in (
        dt.datetime(2026, 10, 8, 9, 30, tzinfo=SHANGHAI),
        dt.datetime(2026, 10, 8, 9, 31, 0, 250, tzinfo=SHANGHAI),
    ):
        approved_in_bulk(
            hr=personas["hr"],
            director=personas["director"],
            department=departments["MARKET"],
            count=2,
            approved_at=approved_at,
            first=1 if approved_at.microsecond == 0 else 3,
            name='欧阳, "小明"',
        )
    employee = personas["employee"]
    review = approved(personas, "employee", actual="55")
    appeal = appeal_services.appeal_file(
        user=employee,
        roles=roles_of(employee),
        review=review,
        items=[Disputed(WHOLE)],
        grounds="数据有误",
    )
    hr = api_client_for("hr")
    _assert_the_serializers(hr, statuses={"pending", "appealed"})

    appeal_services.appeal_reject(
        user=personas["hr"], roles=roles_of(personas["hr"]), appeal=appeal, reason="已核对"
    )
    appeal_services.result_confirm(user=employee, roles=roles_of(employee), review=review)
    _assert_the_serializers(hr, statuses={"pending", "confirmed"})


def _assert_the_serializers(client: APIClient, *, statuses: set[str]) -> None:
    """The feed in two pages equals the serializer's rendering of the same rows."""
    response = client.get(SCORES, {"period": PERIOD, "page_size": "3"})
    first = response.json()["results"]
    second = client.get(response.json()["next"]).json()["results"]
    expected = payroll_rows(period=PERIOD, updated_since=None, after=None, limit=10)

    assert len(first) + len(second) == len(expected) == 5
    assert {row["confirmation"]["status"] for row in first + second} == statuses
    assert _rendered(first + second) == _rendered(PayrollRowSerializer(expected, many=True).data)
