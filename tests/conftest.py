"""Shared fixtures: a small catalogue, and the personas every permission test uses.

Personas: hr, director, head (head of SALES), employee (in SALES), other_employee (in MARKET),
outsider (a login with no role). `client_for(persona)` gives a logged-in test client.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client

from departments.models import Department, Employee
from hrperf.lib import roles
from kpis.models import Kpi

PASSWORD = "correct horse battery staple"


def uses_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def services_required() -> bool:
    """In CI (HRPERF_REQUIRE_SERVICES=1) a test needing a real service fails instead of skipping."""
    return os.environ.get("HRPERF_REQUIRE_SERVICES", "") == "1"


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (HRPERF_REQUIRE_SERVICES=1: nothing may be skipped)")
    pytest.skip(reason)


@pytest.fixture
def departments(db) -> dict[str, Department]:
    sales = Department.objects.create(
        code="SALES",
        seq=2,
        name_zh="销售部",
        name_en="Sales Department",
        head_position_zh="销售部经理",
        head_position_en="Sales Manager",
        source="seed",
    )
    market = Department.objects.create(
        code="MARKET",
        seq=1,
        name_zh="市场部",
        name_en="Marketing Department",
        head_position_zh="市场部经理",
        head_position_en="Marketing Manager",
        source="seed",
    )
    Kpi.objects.create(
        department=sales,
        code="SALES_PLAN_RATE",
        order=1,
        name_zh="销售计划完成率",
        name_en="Sales plan completion rate",
        direction="higher",
        unit="percent",
        default_target=Decimal(100),
        default_weight=100,
    )
    return {"SALES": sales, "MARKET": market}


def _user(username: str, *groups: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    for name in groups:
        group, _ = Group.objects.get_or_create(name=name)
        user.groups.add(group)
    return user


@pytest.fixture
def personas(departments) -> dict[str, User]:
    hr = _user("hr", roles.HR)
    director = _user("director", roles.DIRECTOR)
    head = _user("head")
    employee = _user("employee")
    other_employee = _user("other_employee")
    outsider = _user("outsider")
    Employee.objects.create(
        employee_no="E00001",
        name="王经理",
        department=departments["SALES"],
        position="销售部经理",
        user=head,
        is_department_head=True,
    )
    Employee.objects.create(
        employee_no="E00002",
        name="张伟",
        department=departments["SALES"],
        position="销售代表",
        user=employee,
    )
    Employee.objects.create(
        employee_no="E00003",
        name="李娜",
        department=departments["MARKET"],
        position="市场专员",
        user=other_employee,
    )
    return {
        "hr": hr,
        "director": director,
        "head": head,
        "employee": employee,
        "other_employee": other_employee,
        "outsider": outsider,
    }


@pytest.fixture
def client_for(personas) -> Callable[[str | None], Client]:
    """`client_for("hr")` is a client logged in as HR; `client_for(None)` is anonymous."""

    def make(name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(personas[name])
        return client

    return make
