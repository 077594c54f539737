"""Reads of the sign-in records: which usernames and addresses are locked out now, and which
roster employee a person signing in through a directory is."""

from __future__ import annotations

from accounts import lockouts
from accounts.lockouts import Lockout
from accounts.policies import BY_EMAIL, DirectoryPerson
from departments.models import Employee


def locked_sign_ins() -> list[Lockout]:
    """Every username and address locked out now, the latest to end first."""
    return lockouts.current_lockouts()


def employee_of_person(person: DirectoryPerson, match: str) -> Employee | None:
    """The roster employee a directory person is (SSO_EMPLOYEE_MATCH): by their employee number,
    or by e-mail, the employee whose login has that address (the roster keeps no e-mail)."""
    employees = Employee.objects.select_related("department", "user")
    if match == BY_EMAIL:
        if not person.email:
            return None
        return employees.filter(user__email__iexact=person.email).order_by("pk").first()
    if not person.employee_no:
        return None
    return employees.filter(employee_no__iexact=person.employee_no).first()
