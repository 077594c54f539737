"""People as pages, mails and printouts show them: a full name and a role, never a login name
("王总（营销总监）", "Wang Zong (Marketing director)"). The API keeps usernames."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext

from hrperf.lib.punctuation import parens
from hrperf.lib.roles import Roles, roles_for, roles_of

_HAN = re.compile(r"[\u3400-\u9fff]")


def full_name(user: Any, roles: Roles | None = None) -> str:
    """The person's name: a Chinese name family name first and unspaced (王 + 总 → 王总), any
    other as "first last"; else their roster name; else "" (never the login name)."""
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if first or last:
        if _HAN.search(first + last):
            return f"{last}{first}"
        return " ".join(part for part in (first, last) if part)
    employee = (roles or roles_of(user)).employee
    if employee is not None and employee.name:
        return str(employee.name)
    return ""


def role_label(user: Any, roles: Roles | None = None) -> str:
    """What the person is in the product: HR, the marketing director, a department head, an
    employee, the administrator; "" for none of these."""
    roles = roles or roles_of(user)
    if roles.is_director:
        return gettext("Marketing director")
    if roles.is_hr and not getattr(user, "is_superuser", False):
        return gettext("HR")
    if roles.is_head:
        return gettext("Department head")
    if roles.employee is not None:
        return gettext("Employee")
    if getattr(user, "is_superuser", False):
        return gettext("Administrator")
    return ""


def person(user: Any, roles: Roles | None = None) -> str:
    """The full name and role: 王总（营销总监）; the role alone for a login without a name
    (人力资源部); the name alone for a person without a role; the login name only for a login
    with neither; "" for None (the caller says "System" or "—")."""
    if user is None:
        return ""
    roles = roles or roles_of(user)
    name = full_name(user, roles)
    role = role_label(user, roles)
    if not name:
        return role or str(user.get_username())
    if not role:
        return name
    return f"{name}{parens(role)}"


def directory(users: Iterable[Any]) -> dict[int, str]:
    """`person` of each of `users` by id, in two queries however many there are, none
    included (a history names the same few people many times)."""
    by_id = {user.pk: user for user in users if user is not None}
    known = roles_for(by_id.values())
    return {pk: person(user, known.get(pk)) for pk, user in by_id.items()}
