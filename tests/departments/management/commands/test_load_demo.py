"""`python manage.py load_demo`: the demo roster and one login per role, for local use only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from departments.management.commands.load_demo import DEMO_ROSTER
from departments.models import Department, Employee
from hrperf.lib import roles
from hrperf.lib.roles import roles_of

DEMO_LOGINS = {"admin", "hr", "director", "head", "employee"}


@pytest.fixture
def catalogue(db: None) -> list[Department]:
    """One department for every department code in the demo roster, as the catalogue has."""
    with DEMO_ROSTER.open(encoding="utf-8-sig", newline="") as file:
        codes = list(dict.fromkeys(row["department_code"] for row in csv.DictReader(file)))
    return [
        Department.objects.create(
            code=code,
            seq=seq,
            name_zh=code,
            name_en=code,
            head_position_zh="经理",
            head_position_en="Manager",
            source="seed",
        )
        for seq, code in enumerate(codes, start=1)
    ]


@pytest.fixture
def debug() -> Iterator[None]:
    with override_settings(DEBUG=True):
        yield


def load_demo(*args: str) -> dict[str, str]:
    """Run the command; the passwords it printed, by username."""
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    passwords = {}
    for line in out.getvalue().splitlines():
        cells = line.split()
        if cells and cells[0] in DEMO_LOGINS:
            passwords[cells[0]] = cells[-1]
    return passwords


def test_the_demo_roster_covers_every_catalogue_department() -> None:
    catalogue = settings.BASE_DIR / "fixtures" / "catalogue.yaml"
    if not catalogue.exists():
        pytest.skip("fixtures/catalogue.yaml is not there")
    codes = {
        department["code"] for department in yaml.safe_load(catalogue.read_text())["departments"]
    }
    with DEMO_ROSTER.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))

    assert {row["department_code"] for row in rows} == codes
    for code in codes:
        team = [row for row in rows if row["department_code"] == code]
        assert len(team) >= 3
        assert [row["is_department_head"] for row in team].count("true") == 1


@pytest.mark.usefixtures("debug")
def test_it_creates_the_demo_roster_and_a_login_per_role(catalogue: list[Department]) -> None:
    passwords = load_demo()

    assert set(passwords) == DEMO_LOGINS
    for username, password in passwords.items():
        assert User.objects.get(username=username).check_password(password), username
    assert Employee.objects.count() == 3 * len(catalogue)
    assert Employee.objects.filter(is_department_head=True).count() == len(catalogue)

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    hr = User.objects.get(username="hr")
    assert roles_of(hr).is_hr and roles_of(hr).manages_roster
    assert hr.is_staff and not hr.is_superuser
    assert hr.has_perm("departments.change_department")
    assert hr.has_perm("departments.change_employee")
    assert hr.has_perm("kpis.change_kpi")
    assert not hr.has_perm("departments.delete_department")
    director = User.objects.get(username="director")
    assert roles_of(director).is_director and not roles_of(director).is_hr
    assert not director.is_staff
    head = roles_of(User.objects.get(username="head"))
    assert head.is_head and head.employee is not None
    assert head.employee.department.code == "SALES"
    employee = roles_of(User.objects.get(username="employee"))
    assert employee.employee is not None and not employee.is_head
    assert employee.employee.department.code == "SALES"


@pytest.mark.usefixtures("debug", "catalogue")
def test_running_it_again_adds_nothing_and_changes_the_passwords() -> None:
    first = load_demo()
    employees = Employee.objects.count()

    second = load_demo()

    assert Employee.objects.count() == employees
    assert User.objects.count() == len(DEMO_LOGINS)
    assert User.objects.get(username="hr").groups.get().name == roles.HR
    assert Employee.objects.filter(user__isnull=False).count() == 2
    for username in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert first[username] != second[username]
        assert user.check_password(second[username])
        assert not user.check_password(first[username])


@override_settings(DEBUG=False)
@pytest.mark.usefixtures("catalogue")
def test_it_refuses_to_run_without_debug() -> None:
    with pytest.raises(CommandError, match="DEBUG"):
        load_demo()

    assert not User.objects.exists()
    assert not Employee.objects.exists()


@override_settings(DEBUG=False)
@pytest.mark.usefixtures("catalogue")
def test_it_runs_without_debug_when_forced() -> None:
    assert set(load_demo("--force")) == DEMO_LOGINS


@pytest.mark.usefixtures("debug", "db")
def test_it_asks_for_the_catalogue_first_when_there_are_no_departments() -> None:
    with pytest.raises(CommandError, match="load_catalogue"):
        load_demo()

    assert not User.objects.exists()


@pytest.mark.usefixtures("debug")
def test_it_fails_cleanly_when_the_catalogue_lacks_a_department_of_the_roster(
    catalogue: list[Department],
) -> None:
    catalogue[-1].delete()

    with pytest.raises(CommandError, match=r"demo_roster\.csv"):
        load_demo()

    assert not User.objects.exists()
    assert not Employee.objects.exists()
