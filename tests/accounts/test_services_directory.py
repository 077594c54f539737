"""What a directory's word makes of a login at each single sign-on
(accounts.services.directory_sign_in): roles from SSO_ROLE_MAP, the employee link from
SSO_EMPLOYEE_MATCH, both taken away when the directory takes them away."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from accounts import services
from accounts.policies import DirectoryPerson, parse_role_map
from departments.models import Employee
from hrperf.lib.roles import Roles, roles_of

pytestmark = pytest.mark.django_db

MAP = parse_role_map("hr=hr-group;director=directors;head=heads;employee=staff|heads")


def person(*groups: str, employee_no: str = "", email: str = "") -> DirectoryPerson:
    return DirectoryPerson(
        method="oidc", groups=frozenset(groups), employee_no=employee_no, email=email
    )


def apply(user: User, who: DirectoryPerson, match: str = "employee_no") -> frozenset[str]:
    with override_settings(SSO_ROLE_MAP=MAP, SSO_EMPLOYEE_MATCH=match):
        roles = services.directory_sign_in(user=user, person=who)
    user.refresh_from_db()
    return roles


def fresh_roles(user: User) -> Roles:
    return roles_of(User.objects.get(pk=user.pk))


def test_groups_give_the_hr_and_director_groups(departments) -> None:
    user = User.objects.create_user("sso-1")
    assert apply(user, person("hr-group", "directors")) == {"hr", "director"}
    roles = fresh_roles(user)
    assert roles.is_hr and roles.is_director


def test_a_head_is_linked_by_employee_number(directory_roster) -> None:
    user = User.objects.create_user("sso-2")
    apply(user, person("heads", employee_no="e20001"))
    roles = fresh_roles(user)
    assert roles.employee == directory_roster["E20001"] and roles.is_head


def test_the_link_by_e_mail_is_the_employee_whose_login_has_it(directory_roster) -> None:
    old = User.objects.create_user("qian", email="Qian@Corp.test")
    Employee.objects.filter(employee_no="E20002").update(user=old)
    user = User.objects.create_user("sso-3")
    apply(user, person("staff", email="qian@corp.test"), match="email")
    assert fresh_roles(user).employee == directory_roster["E20002"]
    assert fresh_roles(old).employee is None  # the directory decides: the link moved


def test_a_role_removed_in_the_directory_is_removed_here(directory_roster) -> None:
    user = User.objects.create_user("sso-4")
    apply(user, person("hr-group", "staff", employee_no="E20002"))
    assert fresh_roles(user).is_hr and fresh_roles(user).employee is not None
    apply(user, person("staff", employee_no="E20002"))
    assert not fresh_roles(user).is_hr and fresh_roles(user).employee is not None
    assert apply(user, person("elsewhere", employee_no="E20002")) == frozenset()
    roles = fresh_roles(user)
    assert (roles.is_hr, roles.is_director, roles.employee) == (False, False, None)


def test_no_mapped_role_is_an_outsider_even_with_an_employee_record(directory_roster) -> None:
    user = User.objects.create_user("sso-5")
    assert apply(user, person(employee_no="E20003")) == frozenset()
    assert Employee.objects.get(employee_no="E20003").user is None
    assert not fresh_roles(user).sees_reviews


def test_a_head_the_roster_does_not_mark_gets_no_head_s_rights(directory_roster, caplog) -> None:
    user = User.objects.create_user("sso-6")
    with caplog.at_level(logging.WARNING, logger="accounts"):
        apply(user, person("heads", employee_no="E20002"))
    roles = fresh_roles(user)
    assert roles.employee == directory_roster["E20002"] and not roles.is_head
    assert "the roster does not" in caplog.text


def test_an_employee_who_left_is_not_linked(directory_roster) -> None:
    Employee.objects.filter(employee_no="E20002").update(is_active=False)
    user = User.objects.create_user("sso-7")
    apply(user, person("staff", employee_no="E20002"))
    assert fresh_roles(user).employee is None


def test_groups_outside_the_product_s_roles_are_left_alone(departments) -> None:
    user = User.objects.create_user("sso-8")
    user.groups.create(name="auditors")
    apply(user, person("hr-group"))
    assert set(user.groups.values_list("name", flat=True)) == {"auditors", "hr"}
