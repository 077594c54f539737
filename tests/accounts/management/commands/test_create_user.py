"""`manage.py create_user`: a login for each role, and bad input refused with nothing written."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from departments.models import Employee
from hrperf.lib.roles import roles_of

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "violet-kettle-harbour-91"


def create_user(*args: str, password: str = GOOD_PASSWORD) -> str:
    out = io.StringIO()
    call_command(
        "create_user", *args, "--password-stdin", stdin=io.StringIO(password + "\n"), stdout=out
    )
    return out.getvalue()


def logins() -> list[tuple[str, str]]:
    return list(User.objects.order_by("username").values_list("username", "password"))


def test_it_makes_an_hr_login(personas) -> None:
    create_user("hr2", "--role", "hr", "--email", "hr2@example.com")

    user = User.objects.get(username="hr2")
    assert user.check_password(GOOD_PASSWORD) and user.email == "hr2@example.com"
    assert roles_of(user).is_hr and not roles_of(user).is_director


def test_it_makes_a_director_login(personas) -> None:
    create_user("boss", "--role", "director")

    assert roles_of(User.objects.get(username="boss")).is_director


def test_it_makes_a_head_login_linked_to_the_roster(personas, departments) -> None:
    Employee.objects.create(
        employee_no="E00010",
        name="周经理",
        department=departments["MARKET"],
        is_department_head=True,
    )

    create_user("zhou", "--role", "head", "--employee", "e00010")

    roles = roles_of(User.objects.get(username="zhou"))
    assert roles.is_head and roles.employee is not None
    assert roles.employee.employee_no == "E00010"


def test_it_makes_an_employee_login_linked_to_the_roster(personas, departments) -> None:
    Employee.objects.create(employee_no="E00011", name="吴敏", department=departments["SALES"])

    create_user("wu", "--role", "employee", "--employee", "E00011")

    roles = roles_of(User.objects.get(username="wu"))
    assert roles.employee is not None and not roles.is_head and not roles.is_hr


@pytest.mark.parametrize(
    ("args", "password", "field"),
    [
        (["new", "--role", "boss"], GOOD_PASSWORD, "role"),
        (["new", "--role", "employee", "--employee", "E99999"], GOOD_PASSWORD, "employee"),
        (["new", "--role", "employee"], GOOD_PASSWORD, "employee"),
        (["new", "--role", "employee", "--employee", "E00002"], GOOD_PASSWORD, "employee"),
        (["new", "--role", "head", "--employee", "E00002"], GOOD_PASSWORD, "employee"),
        (["new", "--role", "hr"], "123", "password"),
        (["new", "--role", "hr"], "password", "password"),
        (["hr", "--role", "hr"], GOOD_PASSWORD, "username"),
        (["bad name!", "--role", "hr"], GOOD_PASSWORD, "username"),
        (["new", "--role", "hr", "--email", "not-an-address"], GOOD_PASSWORD, "email"),
    ],
)
def test_bad_input_is_an_error_and_nothing_is_written(
    personas, args: list[str], password: str, field: str
) -> None:
    before = logins()
    links = list(Employee.objects.values_list("employee_no", "user_id"))

    with pytest.raises(CommandError) as error:
        create_user(*args, password=password)

    assert f"{field}:" in str(error.value)
    assert error.value.returncode == 1  # the exit status of manage.py
    assert logins() == before
    assert list(Employee.objects.values_list("employee_no", "user_id")) == links


def test_a_password_asked_without_a_terminal_is_an_error(personas, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    with pytest.raises(CommandError, match="password-stdin"):
        call_command("create_user", "new", "--role", "hr")

    assert not User.objects.filter(username="new").exists()


def test_update_changes_an_existing_login(personas) -> None:
    create_user("director", "--role", "hr", "--update")

    roles = roles_of(User.objects.get(username="director"))
    assert roles.is_hr and not roles.is_director
    assert User.objects.get(username="director").check_password(GOOD_PASSWORD)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_it_asks_the_password_twice_at_a_terminal(personas, monkeypatch) -> None:
    answers = iter([GOOD_PASSWORD, GOOD_PASSWORD])
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr(
        "accounts.management.commands.create_user.getpass", lambda prompt: next(answers)
    )

    call_command("create_user", "asked", "--role", "director", stdout=io.StringIO())

    assert User.objects.get(username="asked").check_password(GOOD_PASSWORD)


def test_two_different_passwords_at_a_terminal_are_an_error(personas, monkeypatch) -> None:
    answers = iter([GOOD_PASSWORD, GOOD_PASSWORD + "x"])
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr(
        "accounts.management.commands.create_user.getpass", lambda prompt: next(answers)
    )

    with pytest.raises(CommandError, match="password"):
        call_command("create_user", "asked", "--role", "director")

    assert not User.objects.filter(username="asked").exists()
