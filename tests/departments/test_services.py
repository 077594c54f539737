"""Adding and changing one employee (departments.services.employee_create / employee_update)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from departments.models import Department, Employee
from departments.services import employee_create, employee_update


@pytest.fixture
def hr(personas: dict[str, User]) -> User:
    return personas["hr"]


def test_hr_adds_an_employee(hr: User, departments: dict[str, Department]) -> None:
    employee = employee_create(
        actor=hr,
        employee_no=" E20001 ",
        name=" 陈晨 ",
        department=departments["MARKET"],
        position="市场专员",
        hire_date=date(2024, 7, 1),
    )

    employee.refresh_from_db()
    assert (employee.employee_no, employee.name, employee.position) == (
        "E20001",
        "陈晨",
        "市场专员",
    )
    assert employee.department == departments["MARKET"]
    assert employee.hire_date == date(2024, 7, 1)
    assert employee.is_active and not employee.is_department_head
    assert employee.user is None


def test_a_superuser_may_add_an_employee(departments: dict[str, Department]) -> None:
    admin = User.objects.create_superuser("root", password="x")

    employee = employee_create(
        actor=admin, employee_no="E20001", name="陈晨", department=departments["SALES"]
    )

    assert Employee.objects.filter(pk=employee.pk).exists()


def test_it_rejects_an_employee_number_that_exists_in_another_case(
    hr: User, departments: dict[str, Department]
) -> None:
    with pytest.raises(ValidationError):
        employee_create(
            actor=hr, employee_no="e00002", name="重复", department=departments["SALES"]
        )

    assert not Employee.objects.filter(name="重复").exists()


@pytest.mark.parametrize(
    ("employee_no", "name"),
    [("E 2/1", "陈晨"), ("", "陈晨"), ("E20001", ""), ("E" * 33, "陈晨"), ("E20001", "名" * 101)],
)
def test_it_rejects_a_bad_employee_naming_the_field(
    hr: User, departments: dict[str, Department], employee_no: str, name: str
) -> None:
    count = Employee.objects.count()

    with pytest.raises(ValidationError) as info:
        employee_create(
            actor=hr, employee_no=employee_no, name=name, department=departments["SALES"]
        )

    bad_field = "name" if employee_no == "E20001" else "employee_no"
    assert bad_field in info.value.message_dict
    assert Employee.objects.count() == count


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_only_hr_may_add_an_employee(
    personas: dict[str, User], departments: dict[str, Department], persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        employee_create(
            actor=personas[persona],
            employee_no="E20001",
            name="陈晨",
            department=departments["SALES"],
        )

    assert not Employee.objects.filter(employee_no="E20001").exists()


def test_hr_changes_only_the_fields_given(
    hr: User, personas: dict[str, User], departments: dict[str, Department]
) -> None:
    zhang = Employee.objects.get(employee_no="E00002")

    employee_update(
        actor=hr, employee=zhang, department=departments["MARKET"], hire_date=date(2020, 5, 6)
    )

    zhang.refresh_from_db()
    assert zhang.department == departments["MARKET"]
    assert zhang.hire_date == date(2020, 5, 6)
    assert (zhang.name, zhang.position, zhang.user) == ("张伟", "销售代表", personas["employee"])


def test_hr_clears_a_hire_date_and_unlinks_a_login(hr: User) -> None:
    zhang = Employee.objects.get(employee_no="E00002")
    employee_update(actor=hr, employee=zhang, hire_date=date(2020, 5, 6))

    employee_update(actor=hr, employee=zhang, hire_date=None, user=None)

    zhang.refresh_from_db()
    assert (zhang.hire_date, zhang.user) == (None, None)


def test_an_update_without_changes_saves_nothing(
    hr: User, departments: dict[str, Department]
) -> None:
    zhang = Employee.objects.get(employee_no="E00002")
    stamp = zhang.updated_at

    employee_update(actor=hr, employee=zhang, name="张伟", department=departments["SALES"])

    zhang.refresh_from_db()
    assert zhang.updated_at == stamp


def test_it_rejects_a_duplicate_employee_number_and_keeps_the_employee_as_it_was(
    hr: User,
) -> None:
    zhang = Employee.objects.get(employee_no="E00002")

    with pytest.raises(ValidationError):
        employee_update(actor=hr, employee=zhang, employee_no="e00003", name="张伟伟")

    assert (zhang.employee_no, zhang.name) == ("E00002", "张伟")
    zhang.refresh_from_db()
    assert (zhang.employee_no, zhang.name) == ("E00002", "张伟")


def test_it_rejects_a_login_that_belongs_to_another_employee(
    hr: User, personas: dict[str, User]
) -> None:
    zhang = Employee.objects.get(employee_no="E00002")

    with pytest.raises(ValidationError) as info:
        employee_update(actor=hr, employee=zhang, user=personas["head"])

    assert "user" in info.value.message_dict
    zhang.refresh_from_db()
    assert zhang.user == personas["employee"]


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_only_hr_may_change_an_employee(personas: dict[str, User], persona: str) -> None:
    zhang = Employee.objects.get(employee_no="E00002")

    with pytest.raises(PermissionDenied):
        employee_update(actor=personas[persona], employee=zhang, name="改名")

    zhang.refresh_from_db()
    assert zhang.name == "张伟"
