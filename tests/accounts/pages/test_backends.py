"""Signing in through LDAP against a real slapd of the test's own (tests/fixtures/directories.py),
and local passwords switched off."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from departments.models import Employee
from hrperf.lib.roles import Roles, roles_of
from tests.helpers import directories
from tests.helpers.directories import DIRECTORY_PASSWORD, ldap_environment, sign_in_settings
from tests.helpers.personas import PASSWORD
from tests.helpers.signin import fail_sign_ins, sign_in, signed_in

pytestmark = pytest.mark.django_db


def roles_after_sign_in(username: str) -> tuple[Client, Roles]:
    browser = Client()
    answer = sign_in(browser, username, DIRECTORY_PASSWORD)
    assert answer.status_code == 302, answer.content[:300]
    user = User.objects.get(username=username)
    return browser, roles_of(user)


def test_an_hr_person_of_the_directory_signs_in_as_hr(ldap_sign_in, directory_roster) -> None:
    browser, roles = roles_after_sign_in("dir-hr")
    assert signed_in(browser)
    assert roles.is_hr and not roles.is_director and roles.employee is None
    assert not User.objects.get(username="dir-hr").has_usable_password()


def test_a_director_signs_in_as_director(ldap_sign_in, directory_roster) -> None:
    _browser, roles = roles_after_sign_in("dir-director")
    assert roles.is_director and not roles.is_hr


def test_a_head_is_linked_to_their_employee_record(ldap_sign_in, directory_roster) -> None:
    _browser, roles = roles_after_sign_in("dir-head")
    assert roles.employee == directory_roster["E20001"]
    assert roles.is_head and not roles.is_hr


def test_someone_without_a_mapped_group_is_an_outsider(ldap_sign_in, directory_roster) -> None:
    browser, roles = roles_after_sign_in("dir-nobody")
    assert signed_in(browser)
    assert (roles.is_hr, roles.is_director, roles.employee) == (False, False, None)
    assert Employee.objects.get(employee_no="E20003").user is None


def test_a_role_removed_in_the_directory_goes_at_the_next_sign_in(
    ldap_sign_in, directory_roster
) -> None:
    roles_after_sign_in("dir-staff")
    linked = Employee.objects.get(employee_no="E20002").user
    assert linked is not None and linked.username == "dir-staff"
    with override_settings(
        **sign_in_settings(ldap_environment(ldap_sign_in, SSO_ROLE_MAP="hr=cn=hr,ou=nowhere"))
    ):
        _browser, roles = roles_after_sign_in("dir-staff")
    assert roles.employee is None
    assert Employee.objects.get(employee_no="E20002").user is None


def test_a_wrong_directory_password_counts_towards_the_lockout(ldap_sign_in, settings) -> None:
    fail_sign_ins(Client(), "dir-hr", settings.LOGIN_FAILURE_LIMIT)
    answer = sign_in(Client(), "dir-hr", DIRECTORY_PASSWORD)
    assert answer.status_code == 429
    assert not User.objects.filter(username="dir-hr", groups__name="hr").exists()


def test_local_passwords_still_work_beside_ldap(ldap_sign_in, personas) -> None:
    browser = Client()
    assert sign_in(browser, "hr", PASSWORD).status_code == 302
    assert signed_in(browser)


def test_local_passwords_switched_off_leave_ldap_only(ldap_sign_in, personas) -> None:
    environment = ldap_environment(ldap_sign_in, LOCAL_LOGIN_ENABLED="0")
    with override_settings(**sign_in_settings(environment)):
        local = Client()
        assert sign_in(local, "hr", PASSWORD).status_code == 200
        assert not signed_in(local)
        directory = Client()
        assert sign_in(directory, "dir-hr", DIRECTORY_PASSWORD).status_code == 302
        assert signed_in(directory)


def test_a_local_administrator_is_never_taken_over_by_the_directory(ldap_sign_in) -> None:
    User.objects.create_superuser("dir-hr", password=PASSWORD)
    browser = Client()
    assert sign_in(browser, "dir-hr", DIRECTORY_PASSWORD).status_code == 200
    assert not signed_in(browser)
    assert sign_in(browser, "dir-hr", PASSWORD).status_code == 302
    assert User.objects.get(username="dir-hr").has_usable_password()


def test_a_missing_slapd_skips_or_fails_when_services_are_required(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(directories, "SLAPD", str(tmp_path / "no-slapd"))
    monkeypatch.setenv("HRPERF_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="slapd is not installed"):
        directories.Slapd(tmp_path / "a").start("")
    monkeypatch.setenv("HRPERF_REQUIRE_SERVICES", "0")
    with pytest.raises(pytest.skip.Exception, match="slapd is not installed"):
        directories.Slapd(tmp_path / "b").start("")
