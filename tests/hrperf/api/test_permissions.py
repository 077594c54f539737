"""Scopes: a payroll token may read the payroll feed only (hrperf.api.permissions.HrApi)."""

from __future__ import annotations

import pytest

from tests.helpers.api import error_in, new_token, with_token
from tests.helpers.urls import ECHO, PAYROLL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.helpers.urls")]


def test_a_payroll_token_may_only_read_payroll() -> None:
    _token, raw = new_token("payroll")
    browser = with_token(raw)

    assert browser.get(PAYROLL).status_code == 200
    for response in (browser.get(ECHO), browser.post(ECHO, {}, content_type="application/json")):
        assert response.status_code == 403
        assert error_in(response)["code"] == "insufficient_scope"
