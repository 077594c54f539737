"""Writes of sign-in: releasing a lockout (HR), making or updating a login with its role
(the `create_user` command), and what a directory says at each single sign-on.

Releasing a lockout forgets the failed sign-ins of a username or of an address, so the next
sign-in is judged afresh; it is logged (logger `accounts`, with who released what), since the
audit trail of the product records reviews and quarters only.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import selectors
from accounts.lockouts import ADDRESS, USERNAME
from accounts.policies import DirectoryPerson, roles_from_groups
from clients.services import SERVICE_USER_PREFIX
from departments.models import Employee
from hrperf.lib.errors import ErrorList, NotAllowed
from hrperf.lib.roles import DIRECTOR, GROUPS, HR, roles_of

HEAD = "head"
EMPLOYEE = "employee"
USERNAME_MAX_LENGTH = 150

logger = logging.getLogger("accounts")


def lockout_release(*, actor: Any, kind: str, value: str) -> int:
    """Forget the failed sign-ins of a username (`kind` "username") or an address ("address");
    returns how many records went (0: it was not locked). HR only."""
    if not roles_of(actor).is_hr:
        raise NotAllowed(_("Only HR may unlock sign-ins."))
    value = value.strip()
    errors = ErrorList()
    if kind not in (USERNAME, ADDRESS):
        errors.add("kind", _("Choose a username or an address."), "invalid_choice")
    if not value:
        errors.add("value", _("Name the username or the address to unlock."), "required")
    elif kind == ADDRESS:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            errors.add("value", _("This is not an IP address."))
    errors.raise_if_any()
    attempts = AccessAttempt.objects.filter(
        **({"username": value} if kind == USERNAME else {"ip_address": value})
    )
    with transaction.atomic():
        released, _details = attempts.delete()
    logger.info(
        "Sign-in lockout of %s %r released by user %s (%s records)",
        kind,
        value,
        getattr(actor, "pk", None),
        released,
    )
    return released


# -- logins ----------------------------------------------------------------------------------

ROLES = (HR, DIRECTOR, HEAD, EMPLOYEE)


def user_create(
    *,
    username: str,
    role: str,
    password: str,
    employee_no: str = "",
    email: str = "",
    update: bool = False,
) -> User:
    """A login with its role: `hr` and `director` are groups (an employee record may be linked
    too); `head` and `employee` are the login of a roster employee (a head one marked as their
    department's head). Checks everything first (the password with the password validators)
    and writes nothing unless all is right; an existing username is refused unless `update`."""
    username = username.strip()
    email = email.strip()
    errors = ErrorList()
    existing = User.objects.filter(username=username).first() if username else None
    _check_username(errors, username, existing, update)
    if role not in ROLES:
        errors.add("role", _("Choose one of hr, director, head or employee."), "invalid_choice")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email", _("Enter a valid email address."))
    employee = _employee_for(errors, role, employee_no.strip(), existing)
    try:
        validate_password(password, user=User(username=username, email=email))
    except ValidationError as problem:
        for message in problem.messages:
            errors.add("password", message)
    errors.raise_if_any()
    with transaction.atomic():
        user = existing or User(username=username)
        user.email = email or user.email
        user.set_password(password)
        user.save()
        _set_role(user, role, employee)
    logger.info("Login %r %s with the role %s", username, "updated" if existing else "made", role)
    return user


def _check_username(errors: ErrorList, username: str, existing: User | None, update: bool) -> None:
    if not username:
        errors.add("username", _("Give the login a username."), "required")
        return
    try:
        User.username_validator(username)
    except ValidationError as problem:
        errors.add("username", problem.messages[0])
    if len(username) > USERNAME_MAX_LENGTH:
        errors.add(
            "username",
            _("The username is too long: at most %(max)s characters.")
            % {"max": USERNAME_MAX_LENGTH},
        )
    if existing is not None and not update:
        errors.add(
            "username",
            _("A login with this username already exists: add --update to change it."),
            "unique",
        )
    if username.startswith(SERVICE_USER_PREFIX):
        errors.add("username", _("Usernames starting with api: belong to API clients."))


def _employee_for(
    errors: ErrorList, role: str, employee_no: str, existing: User | None
) -> Employee | None:
    """The roster employee the login belongs to (required for a head and an employee)."""
    if not employee_no:
        if role in (HEAD, EMPLOYEE):
            errors.add(
                "employee",
                _("A head's or an employee's login needs their employee number (--employee)."),
                "required",
            )
        return None
    employee = (
        Employee.objects.filter(employee_no__iexact=employee_no)
        .select_related("department", "user")
        .first()
    )
    if employee is None:
        errors.add(
            "employee",
            _("There is no employee %(number)s in the roster.") % {"number": employee_no},
            "not_found",
        )
        return None
    if employee.user is not None and (existing is None or employee.user_id != existing.pk):
        errors.add(
            "employee",
            _("Employee %(number)s already has the login %(username)s.")
            % {"number": employee.employee_no, "username": employee.user.get_username()},
            "taken",
        )
    if not employee.is_active:
        errors.add(
            "employee",
            _("Employee %(number)s has left (not active in the roster).")
            % {"number": employee.employee_no},
            "inactive",
        )
    if role == HEAD and not employee.is_department_head:
        errors.add(
            "employee",
            _(
                "Employee %(number)s is not their department's head in the roster: mark them "
                "as head in the roster first, or use --role employee."
            )
            % {"number": employee.employee_no},
            "not_head",
        )
    if role == EMPLOYEE and employee.is_department_head:
        errors.add(
            "employee",
            _("Employee %(number)s is their department's head: use --role head.")
            % {"number": employee.employee_no},
            "is_head",
        )
    return employee


def _set_role(user: User, role: str, employee: Employee | None) -> None:
    """The groups of `role` (and no other role group), and the link to `employee` alone."""
    user.groups.remove(*Group.objects.filter(name__in=GROUPS).exclude(name=role))
    if role in GROUPS:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    others = Employee.objects.filter(user=user)
    if employee is not None:
        others = others.exclude(pk=employee.pk)
    others.update(user=None)
    if employee is not None and employee.user_id != user.pk:
        Employee.objects.filter(pk=employee.pk).update(user=user)


# -- single sign-on ---------------------------------------------------------------------------


def directory_sign_in(*, user: User, person: DirectoryPerson) -> frozenset[str]:
    """Make `user` what the directory says `person` is, at every sign-in: the HR and director
    groups of the roles SSO_ROLE_MAP gives their groups (and no other), and the link to their
    employee record (SSO_EMPLOYEE_MATCH) while any role is mapped. No mapped role: no group and
    no link, an outsider. A head's rights follow the roster's head mark, as for every login;
    a directory and a roster that disagree are logged. Returns the mapped roles."""
    roles = frozenset(roles_from_groups(person.groups, settings.SSO_ROLE_MAP))
    employee = selectors.employee_of_person(person, settings.SSO_EMPLOYEE_MATCH) if roles else None
    if employee is not None and not employee.is_active:
        logger.warning(
            "Sign-in %s of %r: employee %s has left, not linked",
            person.method,
            user.get_username(),
            employee.employee_no,
        )
        employee = None
    with transaction.atomic():
        _set_groups(user, roles & set(GROUPS))
        _link_employee(user, employee)
    if HEAD in roles and not (employee and employee.is_department_head):
        logger.warning(
            "Sign-in %s of %r: the directory says head, the roster does not (no head's rights)",
            person.method,
            user.get_username(),
        )
    logger.info(
        "Sign-in %s of %r with the roles %s, employee %s",
        person.method,
        user.get_username(),
        ",".join(sorted(roles)) or "none",
        employee.employee_no if employee else "none",
    )
    user._hrperf_roles = None  # type: ignore[attr-defined]  # computed afresh
    return roles


def _set_groups(user: User, names: Iterable[str]) -> None:
    user.groups.remove(*Group.objects.filter(name__in=GROUPS).exclude(name__in=names))
    for name in names:
        user.groups.add(Group.objects.get_or_create(name=name)[0])


def _link_employee(user: User, employee: Employee | None) -> None:
    """`user` linked to `employee` alone (to none when None); the directory decides, so a link
    of that employee to another login moves here."""
    others = Employee.objects.filter(user=user)
    if employee is not None:
        others = others.exclude(pk=employee.pk)
    others.update(user=None)
    if employee is None or employee.user_id == user.pk:
        return
    if employee.user_id is not None:
        logger.warning(
            "Employee %s: the login moves from user %s to %r (directory sign-in)",
            employee.employee_no,
            employee.user_id,
            user.get_username(),
        )
    Employee.objects.filter(pk=employee.pk).update(user=user)
