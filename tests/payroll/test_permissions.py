"""Who may read the payroll feed (payroll.permissions.PayrollReader): a payroll or HR token, or
HR in a session."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.helpers.api import error_in, new_token, with_token
from tests.helpers.urls import PAYROLL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.helpers.urls")]


def test_an_hr_token_may_read_payroll_too() -> None:
    _token, raw = new_token("hr")
    assert with_token(raw).get(PAYROLL).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 403),
        ("head", 403),
        ("employee", 403),
        ("outsider", 403),
        (None, 401),
    ],
)
def test_payroll_is_readable_in_a_session_by_hr_only(
    client_for: Callable[[str | None], Client], persona: str | None, status: int
) -> None:
    response = client_for(persona).get(PAYROLL)
    assert response.status_code == status
    if status == 403:
        assert error_in(response)["code"] == "not_allowed"
